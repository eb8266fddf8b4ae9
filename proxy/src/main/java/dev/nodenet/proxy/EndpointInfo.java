package dev.nodenet.proxy;

import java.util.Set;

/**
 * One endpoint of a Service port, from an EndpointSlice, validated (canonical IP, port in range).
 *
 * @param local the endpoint runs on this node (its nodeName is ours)
 * @param zoneHints the slice's hints.forZones names; empty when the endpoint carries no zone hints
 */
public record EndpointInfo(String ip, int port, boolean ready, boolean serving, boolean terminating, String nodeName,
        boolean local, Set<String> zoneHints) {

    public EndpointInfo {
        zoneHints = Set.copyOf(zoneHints);
    }

    public IpFamily family() {
        return IpFamily.of(ip);
    }

    /** {@code ip:port}, IPv6 in brackets: the form iptables DNAT and kube-proxy's chain hashes use. */
    public String endpoint() {
        return family() == IpFamily.IPv6 ? "[" + ip + "]:" + port : ip + ":" + port;
    }

    /** Serving while terminating: used only when a Service has no ready endpoints (KEP-1669). */
    public boolean servingTerminating() {
        return serving && terminating;
    }

    @Override
    public String toString() {
        return endpoint();
    }
}
