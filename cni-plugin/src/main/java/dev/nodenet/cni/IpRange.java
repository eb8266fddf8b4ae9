package dev.nodenet.cni;

import dev.nodenet.netlink.IpPrefix;
import java.net.InetAddress;

/**
 * One host-local range, canonicalized like the reference: {@code rangeStart} defaults to network+1, {@code rangeEnd}
 * to the last address (IPv4: the one before broadcast), {@code gateway} to network+1. The gateway is never handed out.
 * Immutable.
 */
record IpRange(IpPrefix subnet, InetAddress start, InetAddress end, InetAddress gateway) {

    /** Builds and validates a range; throws {@link CniException} code 7 naming the problem. */
    static IpRange of(String subnetText, String startText, String endText, String gatewayText) {
        IpPrefix subnet = prefix(subnetText, "subnet");
        int bits = Ips.isV4(subnet.address()) ? 32 : 128;
        if (subnet.prefixLength() > bits - 2) {
            throw invalid("network " + subnet + " too small to allocate from");
        }
        if (!subnet.network().equals(subnet)) {
            throw invalid("subnet " + subnet + " has host bits set (network address is " + subnet.network() + ")");
        }
        InetAddress gateway = gatewayText == null ? Ips.next(subnet.address()) : address(gatewayText, "gateway");
        if (Ips.isV4(gateway) != Ips.isV4(subnet.address())) {
            throw invalid("gateway " + gatewayText + " is not of the same IP family as subnet " + subnet);
        }
        InetAddress start = startText == null ? Ips.next(subnet.address()) : address(startText, "rangeStart");
        if (!Ips.contains(subnet, start)) throw invalid("rangeStart " + startText + " not in network " + subnet);
        InetAddress last = Ips.last(subnet);
        InetAddress end = endText == null
                ? (Ips.isV4(last) ? Ips.fromBig(Ips.toBig(last).subtract(java.math.BigInteger.ONE), true) : last)
                : address(endText, "rangeEnd");
        if (!Ips.contains(subnet, end)) throw invalid("rangeEnd " + endText + " not in network " + subnet);
        if (Ips.compare(start, end) > 0) throw invalid("rangeStart " + Ips.text(start) + " after rangeEnd " + Ips.text(end));
        return new IpRange(subnet, start, end, gateway);
    }

    boolean isV4() {
        return Ips.isV4(subnet.address());
    }

    /** Within [start, end] of this range's subnet. */
    boolean contains(InetAddress a) {
        return Ips.contains(subnet, a) && Ips.compare(a, start) >= 0 && Ips.compare(a, end) <= 0;
    }

    boolean overlaps(IpRange o) {
        return isV4() == o.isV4() && Ips.compare(start, o.end) <= 0 && Ips.compare(o.start, end) <= 0;
    }

    private static IpPrefix prefix(String text, String field) {
        if (text == null || text.indexOf('/') < 0) throw invalid(field + " must be a CIDR, got " + text);
        try {
            return IpPrefix.parse(text);
        } catch (IllegalArgumentException e) {
            throw invalid(field + " '" + text + "': " + e.getMessage());
        }
    }

    static InetAddress address(String text, String field) {
        try {
            return IpPrefix.parseAddress(text);
        } catch (IllegalArgumentException e) {
            throw invalid(field + " '" + text + "' is not an IP address");
        }
    }

    private static CniException invalid(String details) {
        return new CniException(CniException.INVALID_CONFIG, "invalid ipam range", details);
    }
}
