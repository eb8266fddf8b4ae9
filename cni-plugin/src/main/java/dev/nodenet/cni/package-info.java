/** The CNI plugin (spec 1.1: bridge, veth, host-local IPAM) and the VXLAN overlay agent. */
package dev.nodenet.cni;
