package dev.nodenet.cni;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The network configuration read from stdin, fully validated before anything on the host is touched. Order of checks
 * (and codes): JSON syntax (6), {@code cniVersion} supported and allowed for the command (1), fields (7 for a wrong
 * value or type, 2 for a recognised reference-bridge feature this plugin does not implement), {@code prevResult} (6).
 * Immutable.
 *
 * @param stdin        the raw bytes as received, passed unchanged to a delegated IPAM plugin
 * @param hostLocal    the built-in IPAM's settings, or null when {@code ipam.type} names a delegated plugin
 * @param prevResult   null when absent
 * @param validAttachments GC only: the {@code cni.dev/valid-attachments} list
 */
record NetConf(String stdin, String cniVersion, String name, String bridge, boolean isGateway,
               boolean isDefaultGateway, boolean forceAddress, int mtuBytes, boolean hairpinMode, boolean promiscMode,
               boolean ipMasq, String ipamType, HostLocalConf hostLocal, CniResult prevResult,
               List<Attachment> validAttachments) {

    static final String PLUGIN_TYPE = "nodenet";
    static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/cni/networks");

    /** {@code dataDir} is the per-network directory ({@code <ipam.dataDir>/<name>}). */
    record HostLocalConf(List<List<IpRange>> rangeSets, List<CniResult.RouteEntry> routes, Path dataDir) {}

    record Attachment(String containerId, String ifname) {}

    /** Reference-bridge features this plugin does not implement: present with a non-default value → code 2. */
    private static final Set<String> UNSUPPORTED = Set.of("vlan", "vlanTrunk", "preserveDefaultVlan", "macspoofchk",
            "enabledad", "portIsolation", "disableContainerInterface");

    /** Reads just enough for VERSION: the input's cniVersion, or the current version if stdin is empty/invalid. */
    static String versionOf(String stdin) {
        try {
            if (JsonText.parse(stdin) instanceof Map<?, ?> m && m.get("cniVersion") instanceof String s) return s;
        } catch (IllegalArgumentException ignored) {
            // VERSION must answer even without a usable config
        }
        return CniVersions.CURRENT;
    }

    static NetConf parse(String stdin, String command) {
        Object json;
        try {
            json = JsonText.parse(stdin);
        } catch (IllegalArgumentException e) {
            throw new CniException(CniException.DECODING_FAILURE, "error decoding network config from stdin",
                    e.getMessage());
        }
        if (!(json instanceof Map<?, ?> m)) {
            throw new CniException(CniException.DECODING_FAILURE, "error decoding network config from stdin",
                    "not a JSON object");
        }
        Object v = m.get("cniVersion");
        if (v != null && !(v instanceof String)) {
            throw new CniException(CniException.DECODING_FAILURE, "cniVersion must be a string", String.valueOf(v));
        }
        String version = v == null ? "0.1.0" : (String) v; // the spec's default for a config without cniVersion
        if (!CniVersions.SUPPORTED.contains(version)) {
            throw new CniException(CniException.INCOMPATIBLE_VERSION, "incompatible CNI versions",
                    "config is \"" + version + "\", plugin supports " + CniVersions.SUPPORTED);
        }
        if (command.equals("CHECK") && CniVersions.before(version, "0.4.0")) {
            throw new CniException(CniException.INCOMPATIBLE_VERSION, "config version does not allow CHECK", version);
        }
        if ((command.equals("GC") || command.equals("STATUS")) && CniVersions.before(version, "1.1.0")) {
            throw new CniException(CniException.INCOMPATIBLE_VERSION, "config version does not allow " + command,
                    version);
        }
        String name = string(m, "name", null);
        if (name == null || !CniEnv.ID.matcher(name).matches()) {
            throw invalid("name", name == null ? "missing network name" : "invalid characters in network name '" + name + "'");
        }
        String type = string(m, "type", null);
        if (!PLUGIN_TYPE.equals(type)) invalid("type", "must be \"" + PLUGIN_TYPE + "\", got " + quote(type));
        String bridge = string(m, "bridge", "cni0");
        String bad = CniEnv.interfaceNameProblem(bridge);
        if (bad != null) invalid("bridge", "'" + bridge + "' " + bad);
        boolean isDefaultGateway = bool(m, "isDefaultGateway");
        // Like the reference: a default gateway implies the bridge holds the gateway address.
        boolean isGateway = bool(m, "isGateway") || isDefaultGateway;
        int mtu = integer(m, "mtu");
        if (mtu != 0 && (mtu < 68 || mtu > 65535)) invalid("mtu", "must be 0 (kernel default) or 68..65535, got " + mtu);
        for (String key : UNSUPPORTED) {
            Object val = m.get(key);
            if (val == null || Boolean.FALSE.equals(val) || (val instanceof BigDecimal d && d.signum() == 0)
                    || (val instanceof List<?> l && l.isEmpty())) continue;
            throw new CniException(CniException.UNSUPPORTED_FIELD, "unsupported field in network configuration",
                    key + "=" + JsonText.write(val));
        }
        Object backend = m.get("ipMasqBackend");
        if (backend != null && !"iptables".equals(backend)) {
            throw new CniException(CniException.UNSUPPORTED_FIELD, "unsupported field in network configuration",
                    "ipMasqBackend=" + JsonText.write(backend) + " (only \"iptables\")");
        }
        if (!(m.get("ipam") instanceof Map<?, ?> ipam)) {
            throw invalid("ipam", m.containsKey("ipam") ? "must be an object" : "missing: an ipam section is required");
        }
        String ipamType = string(ipam, "type", null);
        if (ipamType == null || !CniEnv.ID.matcher(ipamType).matches()) {
            invalid("ipam.type", ipamType == null ? "missing" : "'" + ipamType + "' is not a plugin name");
        }
        HostLocalConf hostLocal = ipamType.equals("host-local") ? hostLocal(ipam, name) : null;
        CniResult prev = m.containsKey("prevResult") ? CniResult.parse(m.get("prevResult"), "prevResult") : null;
        List<Attachment> valid = command.equals("GC") ? attachments(m) : List.of();
        return new NetConf(stdin, version, name, bridge, isGateway, isDefaultGateway, bool(m, "forceAddress"), mtu,
                bool(m, "hairpinMode"), bool(m, "promiscMode"), bool(m, "ipMasq"), ipamType, hostLocal, prev, valid);
    }

    private static HostLocalConf hostLocal(Map<?, ?> ipam, String network) {
        for (String key : List.of("resolvConf")) {
            if (ipam.containsKey(key)) {
                throw new CniException(CniException.UNSUPPORTED_FIELD, "unsupported field in ipam configuration",
                        "ipam." + key + "=" + JsonText.write(ipam.get(key)));
            }
        }
        List<List<IpRange>> sets = new ArrayList<>();
        if (ipam.containsKey("subnet")) {
            // The single-range legacy form: ipam.subnet/rangeStart/rangeEnd/gateway.
            sets.add(List.of(IpRange.of(string(ipam, "ipam.subnet", "subnet", null),
                    string(ipam, "ipam.rangeStart", "rangeStart", null), string(ipam, "ipam.rangeEnd", "rangeEnd", null),
                    string(ipam, "ipam.gateway", "gateway", null))));
        }
        Object ranges = ipam.get("ranges");
        if (ranges != null) {
            if (!(ranges instanceof List<?> outer)) throw invalid("ipam.ranges", "must be an array of range sets");
            for (Object set : outer) {
                if (!(set instanceof List<?> inner) || inner.isEmpty()) {
                    throw invalid("ipam.ranges", "each range set must be a non-empty array of ranges");
                }
                List<IpRange> rs = new ArrayList<>();
                for (Object r : inner) {
                    if (!(r instanceof Map<?, ?> rm)) throw invalid("ipam.ranges", "each range must be an object");
                    IpRange range = IpRange.of(string(rm, "ipam.ranges[].subnet", "subnet", null),
                            string(rm, "ipam.ranges[].rangeStart", "rangeStart", null),
                            string(rm, "ipam.ranges[].rangeEnd", "rangeEnd", null),
                            string(rm, "ipam.ranges[].gateway", "gateway", null));
                    if (!rs.isEmpty() && rs.getFirst().isV4() != range.isV4()) {
                        throw invalid("ipam.ranges", "a range set mixes IPv4 and IPv6 (" + rs.getFirst().subnet()
                                + ", " + range.subnet() + ")");
                    }
                    rs.add(range);
                }
                sets.add(List.copyOf(rs));
            }
        }
        if (sets.isEmpty()) invalid("ipam", "host-local needs ipam.ranges (or ipam.subnet)");
        List<IpRange> all = sets.stream().flatMap(List::stream).toList();
        for (int a = 0; a < all.size(); a++) {
            for (int b = a + 1; b < all.size(); b++) {
                if (all.get(a).overlaps(all.get(b))) {
                    invalid("ipam.ranges", "ranges " + all.get(a).subnet() + " and " + all.get(b).subnet() + " overlap");
                }
            }
        }
        List<CniResult.RouteEntry> routes = new ArrayList<>();
        Object r = ipam.get("routes");
        if (r != null) {
            if (!(r instanceof List<?> rl)) throw invalid("ipam.routes", "must be an array");
            for (Object o : rl) {
                if (!(o instanceof Map<?, ?> om)) throw invalid("ipam.routes", "each route must be an object");
                try {
                    routes.add(CniResult.route(om, "ipam.routes"));
                } catch (CniException e) {
                    throw invalid("ipam.routes", e.details());
                }
            }
        }
        String dataDir = string(ipam, "ipam.dataDir", "dataDir", null);
        if (dataDir != null && !dataDir.startsWith("/")) invalid("ipam.dataDir", "must be an absolute path: " + dataDir);
        Path root = dataDir == null ? DEFAULT_DATA_DIR : Path.of(dataDir);
        return new HostLocalConf(List.copyOf(sets), List.copyOf(routes), root.resolve(network));
    }

    private static List<Attachment> attachments(Map<?, ?> m) {
        String key = "cni.dev/valid-attachments";
        Object o = m.get(key);
        if (o == null) return List.of();
        if (!(o instanceof List<?> l)) throw invalid(key, "must be an array");
        List<Attachment> out = new ArrayList<>();
        for (Object e : l) {
            if (!(e instanceof Map<?, ?> em)) throw invalid(key, "each entry must be an object");
            String id = string(em, key + "[].containerID", "containerID", null);
            String ifname = string(em, key + "[].ifname", "ifname", null);
            if (id == null || ifname == null) throw invalid(key, "each entry needs containerID and ifname");
            out.add(new Attachment(id, ifname));
        }
        return List.copyOf(out);
    }

    private static String string(Map<?, ?> m, String key, String dflt) {
        return string(m, key, key, dflt);
    }

    private static String string(Map<?, ?> m, String label, String key, String dflt) {
        Object o = m.get(key);
        if (o == null) return dflt;
        if (o instanceof String s) return s;
        throw invalid(label, "must be a string, got " + JsonText.write(o));
    }

    private static boolean bool(Map<?, ?> m, String key) {
        Object o = m.get(key);
        if (o == null) return false;
        if (o instanceof Boolean b) return b;
        throw invalid(key, "must be a boolean, got " + JsonText.write(o));
    }

    private static int integer(Map<?, ?> m, String key) {
        Object o = m.get(key);
        if (o == null) return 0;
        if (o instanceof BigDecimal d) {
            try {
                return d.intValueExact();
            } catch (ArithmeticException ignored) {
                // reported below
            }
        }
        throw invalid(key, "must be an integer, got " + JsonText.write(o));
    }

    private static String quote(String s) {
        return s == null ? "nothing" : "\"" + s + "\"";
    }

    private static CniException invalid(String field, String details) {
        throw new CniException(CniException.INVALID_CONFIG, "invalid network configuration field " + field, details);
    }
}
