package dev.nodenet.cni.overlay;

import dev.nodenet.api.model.Node;
import dev.nodenet.netlink.IpPrefix;
import dev.nodenet.netlink.MacAddress;

import java.net.InetAddress;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the overlay needs to know about one node: its pod subnet, underlay address and VTEP MAC, read from the Node
 * object (spec.podCIDR and the annotations this agent publishes). Immutable.
 */
record Peer(String name, IpPrefix podCidr, InetAddress publicIp, MacAddress vtepMac) {
    static final String ANNOTATION_PREFIX = "nodenet.dev/";
    static final String BACKEND_TYPE = ANNOTATION_PREFIX + "backend-type";
    static final String BACKEND_DATA = ANNOTATION_PREFIX + "backend-data";
    static final String PUBLIC_IP = ANNOTATION_PREFIX + "public-ip";
    private static final Pattern VTEP_MAC = Pattern.compile("\"VtepMAC\"\\s*:\\s*\"([0-9a-fA-F:]{17})\"");

    /** The VXLAN gateway of a subnet: its network address, as flannel uses it (10.244.1.0 for 10.244.1.0/24). */
    InetAddress gateway() {
        return podCidr.network().address();
    }

    /**
     * The peer a Node describes, or null while it is not ready to be routed to (no podCIDR yet, or its agent has not
     * published its VTEP). Malformed values are treated as absent: one bad Node never breaks the others.
     */
    static Peer of(Node node) {
        String name = node.metadata() == null ? null : node.metadata().name();
        String cidr = node.spec() == null ? null : node.spec().podCIDR();
        Map<String, String> ann = node.metadata() == null || node.metadata().annotations() == null ? Map.of() : node.metadata().annotations();
        if (name == null || cidr == null || !"vxlan".equals(ann.get(BACKEND_TYPE))) return null;
        try {
            IpPrefix prefix = IpPrefix.parse(cidr);
            if (prefix.family() != 2) return null; // IPv4 overlay only (AF_INET = 2)
            Matcher m = VTEP_MAC.matcher(ann.getOrDefault(BACKEND_DATA, ""));
            String ip = ann.get(PUBLIC_IP);
            if (!m.find() || ip == null) return null;
            return new Peer(name, prefix.network(), IpPrefix.parseAddress(ip), MacAddress.parse(m.group(1)));
        } catch (RuntimeException malformed) {
            return null;
        }
    }

    /**
     * A VTEP MAC derived from the node name: stable across restarts and reboots without a state file (flannel's stale
     * MAC after reboot, flannel#533), locally administered and unicast.
     */
    static MacAddress vtepMacFor(String nodeName) {
        byte[] h;
        try {
            h = java.security.MessageDigest.getInstance("SHA-256").digest(nodeName.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] mac = {(byte) ((h[0] & 0xfc) | 0x02), h[1], h[2], h[3], h[4], h[5]};
        return MacAddress.of(mac);
    }
}
