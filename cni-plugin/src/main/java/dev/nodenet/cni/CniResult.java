package dev.nodenet.cni;

import dev.nodenet.netlink.IpPrefix;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ADD result (spec section 5) independent of version, rendered per version by {@link #toJson(String)}: 0.3.x and
 * 0.4.0 carry {@code ips[].version}; 1.0.0 drops it; 1.1.0 adds interface {@code mtu/socketPath/pciID} and route
 * {@code mtu/advmss/priority/table/scope}. Empty fields are left out like the reference's omitempty; {@code dns} is
 * always printed (possibly {@code {}}). Immutable.
 */
record CniResult(List<Iface> interfaces, List<IpConfig> ips, List<RouteEntry> routes, Map<String, Object> dns) {

    record Iface(String name, String mac, int mtu, String sandbox, String socketPath, String pciID) {}

    /** {@code interfaceIndex} null when absent (delegated IPAM results have none). */
    record IpConfig(IpPrefix address, InetAddress gateway, Integer interfaceIndex) {}

    /** {@code gw} null when absent; {@code table}/{@code scope} null when absent. */
    record RouteEntry(IpPrefix dst, InetAddress gw, int mtu, int advmss, int priority, Integer table, Integer scope) {
        static RouteEntry of(IpPrefix dst, InetAddress gw) {
            return new RouteEntry(dst, gw, 0, 0, 0, null, null);
        }
    }

    Map<String, Object> toJson(String cniVersion) {
        boolean legacy = CniVersions.before(cniVersion, "1.0.0");
        boolean v11 = !CniVersions.before(cniVersion, "1.1.0");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cniVersion", cniVersion);
        if (!interfaces.isEmpty()) {
            List<Object> l = new ArrayList<>();
            for (Iface f : interfaces) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", f.name());
                putIf(m, "mac", f.mac());
                if (v11 && f.mtu() > 0) m.put("mtu", f.mtu());
                putIf(m, "sandbox", f.sandbox());
                if (v11) {
                    putIf(m, "socketPath", f.socketPath());
                    putIf(m, "pciID", f.pciID());
                }
                l.add(m);
            }
            out.put("interfaces", l);
        }
        if (!ips.isEmpty()) {
            List<Object> l = new ArrayList<>();
            for (IpConfig ip : ips) {
                Map<String, Object> m = new LinkedHashMap<>();
                if (legacy) m.put("version", Ips.isV4(ip.address().address()) ? "4" : "6");
                if (ip.interfaceIndex() != null) m.put("interface", ip.interfaceIndex());
                m.put("address", ip.address().toString());
                if (ip.gateway() != null) m.put("gateway", Ips.text(ip.gateway()));
                l.add(m);
            }
            out.put("ips", l);
        }
        if (!routes.isEmpty()) {
            List<Object> l = new ArrayList<>();
            for (RouteEntry r : routes) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("dst", r.dst().toString());
                if (r.gw() != null) m.put("gw", Ips.text(r.gw()));
                if (v11) {
                    if (r.mtu() > 0) m.put("mtu", r.mtu());
                    if (r.advmss() > 0) m.put("advmss", r.advmss());
                    if (r.priority() > 0) m.put("priority", r.priority());
                    if (r.table() != null) m.put("table", r.table());
                    if (r.scope() != null) m.put("scope", r.scope());
                }
                l.add(m);
            }
            out.put("routes", l);
        }
        out.put("dns", dns);
        return out;
    }

    private static void putIf(Map<String, Object> m, String k, String v) {
        if (v != null && !v.isEmpty()) m.put(k, v);
    }

    /**
     * Parses a result object (a prevResult, or a delegated IPAM plugin's output); throws {@link CniException} code 6
     * naming the bad field.
     */
    static CniResult parse(Object json, String what) {
        if (!(json instanceof Map<?, ?> map)) throw bad(what, "not a JSON object");
        List<Iface> ifaces = new ArrayList<>();
        for (Object o : list(map.get("interfaces"), what + ".interfaces")) {
            Map<?, ?> m = obj(o, what + ".interfaces[]");
            String name = str(m.get("name"), what + ".interfaces[].name");
            if (name == null) throw bad(what, "interfaces[].name missing");
            ifaces.add(new Iface(name, str(m.get("mac"), "mac"), uint(m.get("mtu"), "mtu"),
                    str(m.get("sandbox"), "sandbox"), str(m.get("socketPath"), "socketPath"),
                    str(m.get("pciID"), "pciID")));
        }
        List<IpConfig> ips = new ArrayList<>();
        for (Object o : list(map.get("ips"), what + ".ips")) {
            Map<?, ?> m = obj(o, what + ".ips[]");
            String addr = str(m.get("address"), "ips[].address");
            if (addr == null || addr.indexOf('/') < 0) throw bad(what, "ips[].address must be a CIDR, got " + addr);
            IpPrefix prefix;
            InetAddress gw = null;
            try {
                prefix = IpPrefix.parse(addr);
                String g = str(m.get("gateway"), "ips[].gateway");
                if (g != null) gw = IpPrefix.parseAddress(g);
            } catch (IllegalArgumentException e) {
                throw bad(what, "ips[]: " + e.getMessage());
            }
            Integer idx = m.get("interface") == null ? null : uint(m.get("interface"), "ips[].interface");
            if (idx != null && idx >= ifaces.size()) {
                throw bad(what, "ips[].interface " + idx + " out of range (" + ifaces.size() + " interfaces)");
            }
            ips.add(new IpConfig(prefix, gw, idx));
        }
        List<RouteEntry> routes = new ArrayList<>();
        for (Object o : list(map.get("routes"), what + ".routes")) routes.add(route(obj(o, what + ".routes[]"), what));
        Object dns = map.get("dns");
        if (dns != null && !(dns instanceof Map)) throw bad(what, "dns is not an object");
        @SuppressWarnings("unchecked")
        Map<String, Object> dnsMap = dns == null ? Map.of() : (Map<String, Object>) dns;
        return new CniResult(List.copyOf(ifaces), List.copyOf(ips), List.copyOf(routes), dnsMap);
    }

    /** Parses one route object ({@code dst} required, {@code gw} optional) — also used for {@code ipam.routes}. */
    static RouteEntry route(Map<?, ?> m, String what) {
        String dst = str(m.get("dst"), "routes[].dst");
        if (dst == null || dst.indexOf('/') < 0) throw bad(what, "routes[].dst must be a CIDR, got " + dst);
        try {
            IpPrefix d = IpPrefix.parse(dst);
            String g = str(m.get("gw"), "routes[].gw");
            InetAddress gw = g == null ? null : IpPrefix.parseAddress(g);
            if (gw != null && Ips.isV4(gw) != Ips.isV4(d.address())) {
                throw bad(what, "route " + dst + " has a gateway of the other IP family: " + g);
            }
            return new RouteEntry(d.network(), gw, uint(m.get("mtu"), "mtu"), uint(m.get("advmss"), "advmss"),
                    uint(m.get("priority"), "priority"),
                    m.get("table") == null ? null : uint(m.get("table"), "table"),
                    m.get("scope") == null ? null : uint(m.get("scope"), "scope"));
        } catch (IllegalArgumentException e) {
            throw bad(what, "routes[]: " + e.getMessage());
        }
    }

    private static List<?> list(Object o, String what) {
        if (o == null) return List.of();
        if (o instanceof List<?> l) return l;
        throw bad(what, "not an array");
    }

    private static Map<?, ?> obj(Object o, String what) {
        if (o instanceof Map<?, ?> m) return m;
        throw bad(what, "not an object");
    }

    private static String str(Object o, String what) {
        if (o == null) return null;
        if (o instanceof String s) return s;
        throw bad(what, "not a string");
    }

    private static int uint(Object o, String what) {
        if (o == null) return 0;
        if (o instanceof BigDecimal d) {
            try {
                int v = d.intValueExact();
                if (v >= 0) return v;
            } catch (ArithmeticException ignored) {
                // falls through to the error below
            }
        }
        throw bad(what, "not an unsigned integer: " + o);
    }

    private static CniException bad(String what, String details) {
        return new CniException(CniException.DECODING_FAILURE, "failed to decode " + what, details);
    }
}
