package dev.nodenet.netlink;

import java.net.InetAddress;

/**
 * VXLAN device settings (IFLA_VXLAN_*): {@code vni} (IFLA_VXLAN_ID), {@code parentIndex} the underlay device
 * (IFLA_VXLAN_LINK, 0 = none), {@code local} source address (IFLA_VXLAN_LOCAL/LOCAL6, null = none), {@code dstPort}
 * UDP port (IFLA_VXLAN_PORT, sent big-endian; 8472 is flannel's, 4789 IANA's), {@code learning} MAC learning
 * (IFLA_VXLAN_LEARNING; flannel turns it off and programs the FDB). Immutable.
 */
public record VxlanConfig(int vni, int parentIndex, InetAddress local, int dstPort, boolean learning) {
    public VxlanConfig {
        if (vni < 0 || vni > 0xffffff) throw new IllegalArgumentException("VNI out of range: " + vni);
        if (dstPort < 0 || dstPort > 0xffff) throw new IllegalArgumentException("port out of range: " + dstPort);
    }
}
