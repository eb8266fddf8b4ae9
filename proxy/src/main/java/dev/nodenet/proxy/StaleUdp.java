package dev.nodenet.proxy;

import dev.nodenet.netlink.Conntrack;
import dev.nodenet.netlink.ConntrackEntry;
import dev.nodenet.netlink.ConntrackTuple;
import dev.nodenet.netlink.NetNs;
import java.util.HashSet;
import java.util.Set;

/**
 * UDP conntrack entries that would keep sending packets to the wrong place after a sync: flows DNATed to an endpoint
 * that went away, and flows to a Service address that had no endpoints (their packets were rejected, and conntrack
 * would keep the stale "no NAT" entry while the client keeps its source port). Collected during a sync, deleted
 * after the data plane was programmed. Used only on the sync thread.
 */
final class StaleUdp {
    private record Dest(String ip, int port) {
    }

    private final Set<Dest> serviceDestinations = new HashSet<>();
    private final Set<Integer> nodePorts = new HashSet<>();
    private final Set<Dest> endpoints = new HashSet<>();

    void serviceDestination(String ip, int port) {
        serviceDestinations.add(new Dest(ip, port));
    }

    void nodePort(int port) {
        nodePorts.add(port);
    }

    void endpoint(String ip, int port) {
        endpoints.add(new Dest(ip, port));
    }

    boolean isEmpty() {
        return serviceDestinations.isEmpty() && nodePorts.isEmpty() && endpoints.isEmpty();
    }

    void addAll(StaleUdp other) {
        serviceDestinations.addAll(other.serviceDestinations);
        nodePorts.addAll(other.nodePorts);
        endpoints.addAll(other.endpoints);
    }

    boolean matches(ConntrackEntry e) {
        ConntrackTuple o = e.original();
        if (o.protocol() != ConntrackTuple.UDP) return false;
        String dst = IpAddresses.format(o.destination());
        if (serviceDestinations.contains(new Dest(dst, o.destinationPort()))) return true;
        if (nodePorts.contains(o.destinationPort())) return true;
        ConntrackTuple r = e.reply();
        if (r == null) return false;
        String replySource = IpAddresses.format(r.source());
        // only NATed flows: a client talking to the endpoint directly is none of our business
        return !replySource.equals(dst) && endpoints.contains(new Dest(replySource, r.sourcePort()));
    }

    /** Deletes matching entries in {@code netns} (null: our own); returns how many. */
    int delete(NetNs netns) {
        if (isEmpty()) return 0;
        try (Conntrack ct = netns == null ? Conntrack.open() : Conntrack.open(netns)) {
            int n = 0;
            for (int family : new int[] {2, 10}) n += ct.deleteMatching(family, this::matches);
            return n;
        }
    }
}
