/** The iptables proxy mode: kube-proxy's chain layout rendered whole and applied with one iptables-restore. */
package dev.nodenet.iptables;
