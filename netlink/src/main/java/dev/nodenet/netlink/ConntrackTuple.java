package dev.nodenet.netlink;

import java.net.InetAddress;

/**
 * One direction of a conntrack entry (CTA_TUPLE_ORIG / CTA_TUPLE_REPLY): protocol number (6 TCP, 17 UDP, 132 SCTP),
 * addresses and ports (0 for port-less protocols). Immutable.
 */
public record ConntrackTuple(int protocol, InetAddress source, InetAddress destination, int sourcePort,
                             int destinationPort) {
    public static final int TCP = 6, UDP = 17, SCTP = 132;

    public ConntrackTuple {
        if (IpPrefix.familyOf(source) != IpPrefix.familyOf(destination)) {
            throw new IllegalArgumentException("mixed address families: " + source + " -> " + destination);
        }
    }

    public int family() {
        return IpPrefix.familyOf(source);
    }

    @Override
    public String toString() {
        return "proto " + protocol + " " + IpPrefix.format(source) + ":" + sourcePort + " -> "
                + IpPrefix.format(destination) + ":" + destinationPort;
    }
}
