package dev.nodenet.controlplane.controller;

import java.math.BigInteger;
import java.util.BitSet;

/**
 * The node-sized subnets of one cluster CIDR and which of them are taken. Allocation hands out the lowest free subnet,
 * so a released CIDR is the next one reused. Not thread-safe: owned by the {@link NodeIpamController} worker thread.
 */
final class CidrSet {
    private final Cidr cluster;
    private final int nodeMask;
    private final int count;
    private final BitSet used;

    CidrSet(Cidr cluster, int nodeMask) {
        this.cluster = cluster;
        this.nodeMask = nodeMask;
        this.count = 1 << (nodeMask - cluster.prefixLength());
        this.used = new BitSet(count);
    }

    Cidr cluster() { return cluster; }

    /** The index of a node CIDR inside this set, or -1 when it is not one of its subnets. */
    int indexOf(String cidrText) {
        Cidr c;
        try {
            c = Cidr.parse(cidrText);
        } catch (IllegalArgumentException e) {
            return -1;
        }
        if (c.ipv6() != cluster.ipv6() || c.prefixLength() != nodeMask) return -1;
        int hostBits = cluster.bits() - cluster.prefixLength();
        if (!c.network().shiftRight(hostBits).equals(cluster.network().shiftRight(hostBits))) return -1;
        return c.network().subtract(cluster.network()).shiftRight(cluster.bits() - nodeMask).intValueExact();
    }

    String format(int index) {
        BigInteger net = cluster.network().add(BigInteger.valueOf(index).shiftLeft(cluster.bits() - nodeMask));
        return Cidr.format(net, cluster.ipv6()) + "/" + nodeMask;
    }

    /** The lowest free index, or -1 when the set is full. */
    int nextFree() {
        int i = used.nextClearBit(0);
        return i < count ? i : -1;
    }

    void occupy(int index) { used.set(index); }

    void release(int index) { used.clear(index); }
}
