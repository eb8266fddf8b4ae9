package dev.nodenet.netlink;

import java.net.InetAddress;

/**
 * A route (rtmsg + RTA_*). {@code destination} null means default route; {@code family} AF_INET (2) / AF_INET6 (10).
 * Values that mean "let the kernel/iproute2 choose": {@code oifIndex 0}, {@code scope -1} (LINK without gateway,
 * UNIVERSE with one — iproute2's rule), {@code priority 0}, {@code mtuBytes 0}. Build with the static factories and the
 * {@code with*} copies, e.g. {@code Route.via(IpPrefix.parse("10.244.1.0/24"), gw, idx).withOnLink(true)}. Immutable.
 */
public record Route(int family, IpPrefix destination, InetAddress gateway, int oifIndex, int table, int scope,
                    int protocol, int type, boolean onLink, int priority, int mtuBytes, InetAddress preferredSource) {
    public static final int SCOPE_UNIVERSE = 0, SCOPE_SITE = 200, SCOPE_LINK = 253, SCOPE_HOST = 254,
            SCOPE_NOWHERE = 255;
    public static final int TABLE_UNSPEC = 0, TABLE_DEFAULT = 253, TABLE_MAIN = 254, TABLE_LOCAL = 255;
    public static final int PROTO_KERNEL = 2, PROTO_BOOT = 3, PROTO_STATIC = 4;
    public static final int TYPE_UNICAST = 1, TYPE_LOCAL = 2, TYPE_BROADCAST = 3, TYPE_BLACKHOLE = 6;
    /** RTNH_F_ONLINK in rtm_flags: gateway is on-link even if no route covers it. */
    public static final int RTNH_F_ONLINK = 4;

    /** Route to {@code destination} (null = default) through {@code gateway}, optionally pinned to {@code oifIndex}. */
    public static Route via(IpPrefix destination, InetAddress gateway, int oifIndex) {
        return new Route(IpPrefix.familyOf(gateway), destination, gateway, oifIndex, TABLE_MAIN, -1, PROTO_BOOT,
                TYPE_UNICAST, false, 0, 0, null);
    }

    /** Directly connected route to {@code destination} out of {@code oifIndex} (scope link). */
    public static Route dev(IpPrefix destination, int oifIndex) {
        return new Route(destination.family(), destination, null, oifIndex, TABLE_MAIN, -1, PROTO_BOOT, TYPE_UNICAST,
                false, 0, 0, null);
    }

    public Route withTable(int newTable) {
        return new Route(family, destination, gateway, oifIndex, newTable, scope, protocol, type, onLink, priority,
                mtuBytes, preferredSource);
    }

    public Route withScope(int newScope) {
        return new Route(family, destination, gateway, oifIndex, table, newScope, protocol, type, onLink, priority,
                mtuBytes, preferredSource);
    }

    public Route withOnLink(boolean newOnLink) {
        return new Route(family, destination, gateway, oifIndex, table, scope, protocol, type, newOnLink, priority,
                mtuBytes, preferredSource);
    }

    public Route withMtu(int newMtuBytes) {
        return new Route(family, destination, gateway, oifIndex, table, scope, protocol, type, onLink, priority,
                newMtuBytes, preferredSource);
    }

    public Route withPriority(int newPriority) {
        return new Route(family, destination, gateway, oifIndex, table, scope, protocol, type, onLink, newPriority,
                mtuBytes, preferredSource);
    }

    public Route withPreferredSource(InetAddress source) {
        return new Route(family, destination, gateway, oifIndex, table, scope, protocol, type, onLink, priority,
                mtuBytes, source);
    }

    public Route withProtocol(int newProtocol) {
        return new Route(family, destination, gateway, oifIndex, table, scope, newProtocol, type, onLink, priority,
                mtuBytes, preferredSource);
    }

    /** Destination as text, "default" when null. */
    public String destinationText() {
        return destination == null ? "default" : destination.toString();
    }

    /** Scope iproute2 would use: explicit scope, else LINK without gateway, UNIVERSE with one. */
    int effectiveScope() {
        if (scope >= 0) return scope;
        return gateway == null ? SCOPE_LINK : SCOPE_UNIVERSE;
    }

    @Override
    public String toString() {
        return destinationText() + (gateway == null ? "" : " via " + IpPrefix.format(gateway))
                + (oifIndex == 0 ? "" : " oif " + oifIndex) + (table == TABLE_MAIN ? "" : " table " + table)
                + (onLink ? " onlink" : "");
    }
}
