package dev.nodenet.proxy;

import dev.nodenet.api.cli.Flags;
import dev.nodenet.api.client.Informer;
import dev.nodenet.api.client.KubeClient;
import dev.nodenet.api.client.KubeConfig;
import dev.nodenet.api.client.Resource;
import dev.nodenet.netlink.IfAddress;
import dev.nodenet.netlink.NetNs;
import dev.nodenet.netlink.RtNetlink;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./nodenet proxy}: kube-proxy's command line. Flags keep kube-proxy's names and meanings; {@code --config}
 * reads a KubeProxyConfiguration (v1alpha1) and flags given explicitly override it. Unknown, malformed or
 * contradictory settings stop start-up with a message (exit 2) before anything is touched.
 * <p>Threading: {@link #run} is called once on the main thread and blocks until that thread is interrupted (then it
 * stops informers, sync and servers, leaving the rules in place, and returns 0).
 */
public final class ProxyCommand {
    /** One line for ./nodenet's command list. */
    public static final String SUMMARY = "Run the node proxy (kube-proxy compatible: iptables and userspace modes)";
    static final String SERVICE_SELECTOR = "!" + ServiceParser.LABEL_PROXY_NAME + ",!" + ServiceParser.LABEL_HEADLESS;
    static final Set<String> MODES = Set.of("iptables", "ipvs", "nftables", "userspace");
    static final Set<String> IMPLEMENTED_MODES = Set.of("iptables", "userspace");
    static final Set<String> DETECT_LOCAL_MODES = Set.of("ClusterCIDR", "NodeCIDR", "BridgeInterface", "InterfaceNamePrefix");

    private ProxyCommand() {
    }

    /** Runs the proxy; returns the exit code (0 ok, 1 runtime failure, 2 bad usage). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        ProxyConfig config;
        try {
            config = parse(args, out);
        } catch (Flags.UsageException e) {
            err.println("nodenet proxy: " + e.getMessage());
            return 2;
        }
        if (config == null) return 0; // --help
        try {
            return config.cleanup() ? cleanup(config, err) : serve(config, out, err);
        } catch (BackendException | IOException | RuntimeException e) {
            err.println("nodenet proxy: " + e.getMessage());
            return 1;
        }
    }

    /** Parses and validates; null when help was printed. @throws Flags.UsageException with the user-facing message */
    static ProxyConfig parse(String[] args, PrintStream out) {
        ProxyConfig d = ProxyConfig.defaults(defaultHostname());
        Flags f = new Flags("proxy", "The node proxy: programs Services for this node like kube-proxy.");
        var config = f.string("config", "", "The path to a KubeProxyConfiguration (kubeproxy.config.k8s.io/v1alpha1) file; flags given explicitly override it.");
        var mode = f.string("proxy-mode", d.mode(), "Which proxy mode to use: iptables or userspace (ipvs, nftables: not implemented yet).");
        var kubeconfig = f.string("kubeconfig", "", "Path to kubeconfig file with authorization information (the master location is set by --master).");
        var master = f.string("master", "", "The address of the Kubernetes API server (overrides any value in kubeconfig).");
        var hostname = f.string("hostname-override", "", "If non-empty, use this string as identification instead of the actual hostname.");
        var clusterCidr = f.string("cluster-cidr", "", "The CIDR range of the pods in the cluster (comma-separated, one per family); used by --detect-local-mode=ClusterCIDR.");
        var masqAll = f.bool("masquerade-all", false, "SNAT all traffic sent via Service cluster IPs.");
        var masqBit = f.integer("iptables-masquerade-bit", d.masqueradeBit(), "The bit of the fwmark space to mark packets requiring SNAT with; in [0, 31].");
        var detectLocal = f.string("detect-local-mode", "", "Mode to use to detect local traffic: ClusterCIDR, NodeCIDR, BridgeInterface, InterfaceNamePrefix.");
        var bridge = f.string("pod-bridge-interface", "", "A bridge interface name; with --detect-local-mode=BridgeInterface traffic from it is local.");
        var prefix = f.string("pod-interface-name-prefix", "", "An interface name prefix; with --detect-local-mode=InterfaceNamePrefix traffic from such interfaces is local.");
        var nodePortAddresses = f.string("nodeport-addresses", "", "Comma-separated CIDRs (or \"primary\") of the node addresses NodePorts accept; empty means all local addresses.");
        var localhostNodePorts = f.bool("iptables-localhost-nodeports", true, "If false, NodePorts are not reachable on 127.0.0.1 (no route_localnet).");
        var metrics = f.string("metrics-bind-address", d.metricsBindAddress(), "The IP address and port for the metrics server (empty to disable).");
        var healthz = f.string("healthz-bind-address", d.healthzBindAddress(), "The IP address and port for the health check server (empty to disable).");
        var syncPeriod = f.duration("iptables-sync-period", d.syncPeriod(), "How often the rules are checked (canary) and re-synchronized at the latest; a full rewrite happens at most hourly, as kube-proxy.");
        var minSyncPeriod = f.duration("iptables-min-sync-period", d.minSyncPeriod(), "The minimum interval between syncs of the rules in response to changes.");
        var cleanup = f.bool("cleanup", false, "Remove all rules any proxy mode created, then exit.");
        var v = f.integer("v", 0, "Log verbosity.");
        var udpTimeout = f.duration("udp-timeout", ProxyConfig.DEFAULT_UDP_IDLE_TIMEOUT, "How long an idle UDP connection will be kept open (userspace mode); must be greater than 0.");
        var netns = f.string("netns", "", "Program this network namespace (a name in /var/run/netns or a path) instead of our own (labs, tests).");
        if (!f.parse(args)) {
            f.usage(out);
            return null;
        }
        if (!f.positional().isEmpty()) throw new Flags.UsageException("unexpected argument: " + f.positional().getFirst());
        Map<String, Object> file = Map.of();
        if (!config.get().isEmpty()) {
            String text;
            try {
                text = Files.readString(Path.of(config.get()));
            } catch (IOException e) {
                throw new Flags.UsageException("cannot read --config " + config.get() + ": " + e.getMessage());
            }
            try {
                file = ConfigFile.parse(text);
            } catch (IllegalArgumentException e) {
                throw new Flags.UsageException("invalid --config " + config.get() + ": " + e.getMessage());
            }
        }
        Merge m = new Merge(file);
        String modeValue = m.get(mode).trim();
        if (modeValue.isEmpty()) modeValue = "iptables";
        if (!MODES.contains(modeValue)) throw new Flags.UsageException("invalid proxy mode \"" + modeValue + "\" (use iptables or userspace)");
        if (!IMPLEMENTED_MODES.contains(modeValue) && !m.get(cleanup)) {
            throw new Flags.UsageException("proxy mode \"" + modeValue + "\" is not implemented yet (use iptables or userspace)");
        }
        String host = m.get(hostname).trim();
        if (host.isEmpty()) host = d.hostnameOverride();
        host = host.toLowerCase(Locale.ROOT);
        if (host.isEmpty()) throw new Flags.UsageException("cannot determine the node name; set --hostname-override");
        if (!m.get(kubeconfig).isEmpty() && !m.get(master).isEmpty()) {
            throw new Flags.UsageException("--master together with --kubeconfig is not supported; put the server in the kubeconfig");
        }
        if (!m.get(master).isEmpty()) {
            try {
                URI u = URI.create(m.get(master));
                if (u.getScheme() == null || u.getHost() == null) throw new IllegalArgumentException("needs scheme and host");
            } catch (IllegalArgumentException e) {
                throw new Flags.UsageException("invalid --master \"" + m.get(master) + "\": " + e.getMessage());
            }
        }
        List<String> cidrs = cidrList("cluster-cidr", m.get(clusterCidr));
        Set<IpFamily> families = new LinkedHashSet<>();
        for (String c : cidrs) {
            if (!families.add(IpAddresses.familyOfCidr(c))) throw new Flags.UsageException("--cluster-cidr: at most one CIDR per IP family");
        }
        int bit = m.get(masqBit);
        if (bit < 0 || bit > 31) throw new Flags.UsageException("--iptables-masquerade-bit must be in [0, 31], got " + bit);
        String dlm = m.get(detectLocal).trim();
        if (!dlm.isEmpty() && !DETECT_LOCAL_MODES.contains(dlm)) {
            throw new Flags.UsageException("invalid --detect-local-mode \"" + dlm + "\" (use " + String.join(", ", DETECT_LOCAL_MODES.stream().sorted().toList()) + ")");
        }
        if (dlm.equals("BridgeInterface") && m.get(bridge).isEmpty()) {
            throw new Flags.UsageException("--detect-local-mode=BridgeInterface needs --pod-bridge-interface");
        }
        if (dlm.equals("InterfaceNamePrefix") && m.get(prefix).isEmpty()) {
            throw new Flags.UsageException("--detect-local-mode=InterfaceNamePrefix needs --pod-interface-name-prefix");
        }
        if (dlm.equals("ClusterCIDR") && cidrs.isEmpty()) {
            throw new Flags.UsageException("--detect-local-mode=ClusterCIDR needs --cluster-cidr");
        }
        if (dlm.isEmpty() && !cidrs.isEmpty()) dlm = "ClusterCIDR"; // kube-proxy's default when a cluster CIDR is known
        List<String> npa = new ArrayList<>();
        for (String s : m.get(nodePortAddresses).split(",")) {
            String t = s.trim();
            if (t.isEmpty()) continue;
            if (t.equals("primary")) npa.add(t);
            else npa.addAll(cidrList("nodeport-addresses", t));
        }
        if (npa.contains("primary") && npa.size() > 1) {
            throw new Flags.UsageException("--nodeport-addresses: \"primary\" cannot be combined with CIDRs");
        }
        for (var a : List.of(metrics, healthz)) {
            String value = m.get(a);
            if (value.isEmpty()) continue;
            try {
                Http.parseBindAddress(value);
            } catch (IllegalArgumentException e) {
                throw new Flags.UsageException("invalid --" + a.name() + " \"" + value + "\": " + e.getMessage());
            }
        }
        Duration sync = m.get(syncPeriod), minSync = m.get(minSyncPeriod);
        if (sync.isNegative() || sync.isZero()) throw new Flags.UsageException("--iptables-sync-period must be greater than 0");
        if (minSync.isNegative()) throw new Flags.UsageException("--iptables-min-sync-period must not be negative");
        if (minSync.compareTo(sync) > 0) {
            throw new Flags.UsageException("--iptables-min-sync-period (" + Flags.formatDuration(minSync)
                    + ") must not exceed --iptables-sync-period (" + Flags.formatDuration(sync) + ")");
        }
        Duration udpIdle = m.get(udpTimeout);
        if (udpIdle.isNegative() || udpIdle.isZero()) throw new Flags.UsageException("--udp-timeout must be greater than 0");
        if (v.get() < 0) throw new Flags.UsageException("--v must not be negative");
        return new ProxyConfig(modeValue, m.get(kubeconfig), m.get(master), host, cidrs, m.get(masqAll), bit, dlm,
                m.get(bridge), m.get(prefix), npa, m.get(localhostNodePorts), m.get(metrics), m.get(healthz), sync,
                minSync, m.get(cleanup), v.get(), netns.get(), udpIdle);
    }

    /** Flag if given, else the config file's value, else the flag's default. */
    private record Merge(Map<String, Object> file) {
        @SuppressWarnings("unchecked")
        <T> T get(Flags.Flag<T> flag) {
            if (flag.isSet() || !file.containsKey(flag.name())) return flag.get();
            return (T) file.get(flag.name());
        }
    }

    private static List<String> cidrList(String flag, String text) {
        List<String> out = new ArrayList<>();
        for (String s : text.split(",")) {
            if (s.trim().isEmpty()) continue;
            try {
                out.add(IpAddresses.canonicalCidr(s));
            } catch (IllegalArgumentException e) {
                throw new Flags.UsageException("invalid --" + flag + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static String defaultHostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static Backend createBackend(String mode, BackendContext context) throws BackendException {
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.mode().equals(mode)) return p.create(context);
        }
        throw new BackendException("proxy mode \"" + mode + "\" is not available in this build");
    }

    private static NetNs openNetns(ProxyConfig config) {
        if (config.netns().isEmpty()) return null;
        return config.netns().contains("/") ? NetNs.open(Path.of(config.netns())) : NetNs.named(config.netns());
    }

    private static int cleanup(ProxyConfig config, PrintStream err) throws BackendException {
        int failures = 0;
        try (NetNs ns = openNetns(config)) {
            for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
                try (Backend b = p.create(new BackendContext(config, new Metrics(), ns))) {
                    b.cleanup();
                } catch (BackendException e) {
                    err.println("nodenet proxy: cleanup of " + p.mode() + " rules failed: " + e.getMessage());
                    failures++;
                }
            }
        }
        return failures == 0 ? 0 : 1;
    }

    private static int serve(ProxyConfig config, PrintStream out, PrintStream err) throws BackendException, IOException {
        KubeConfig kc = !config.kubeconfig().isEmpty() ? KubeConfig.load(Path.of(config.kubeconfig()))
                : !config.master().isEmpty() ? KubeConfig.of(URI.create(config.master())) : KubeConfig.inCluster();
        KubeClient client = new KubeClient(kc);
        Metrics metrics = new Metrics();
        try (NetNs ns = openNetns(config);
             Backend backend = createBackend(config.mode(), new BackendContext(config, metrics, ns));
             Proxier proxier = new Proxier(config, backend, metrics, ns, () -> localAddresses(ns));
             StatusServers servers = new StatusServers(config, backend.mode(), metrics, proxier.health())) {
            List<Informer<?>> informers = List.of(
                    Informer.builder(client, Resource.SERVICES).labelSelector(SERVICE_SELECTOR).handler(proxier.serviceHandler()).build(),
                    Informer.builder(client, Resource.ENDPOINT_SLICES).labelSelector(SERVICE_SELECTOR)
                            .handler(proxier.endpointSliceHandler()).build(),
                    Informer.builder(client, Resource.NODES).fieldSelector("metadata.name=" + config.hostnameOverride())
                            .handler(proxier.nodeHandler()).build());
            try {
                informers.forEach(Informer::start);
                // a first sync from empty caches would wipe every Service's rules: wait as long as it takes
                for (Informer<?> i : informers) {
                    while (!i.awaitSynced(Duration.ofSeconds(10))) err.println("nodenet proxy: waiting for the API server (" + kc.server() + ")");
                }
                proxier.start();
                out.println("nodenet proxy: " + config.mode() + " mode for node " + config.hostnameOverride()
                        + "; metrics " + servers.metricsAddress() + ", healthz " + servers.healthAddress());
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                informers.forEach(Informer::stop);
            }
        }
        return 0;
    }

    /** The canonical addresses of {@code ns} (null: ours), link-local IPv6 excluded. */
    static List<String> localAddresses(NetNs ns) {
        List<String> out = new ArrayList<>();
        try (RtNetlink rt = ns == null ? RtNetlink.open() : RtNetlink.open(ns)) {
            for (int family : new int[] {2, 10}) {
                for (IfAddress a : rt.addresses(family)) {
                    if (a.prefix().address().isLinkLocalAddress()) continue;
                    out.add(IpAddresses.format(a.prefix().address()));
                }
            }
        }
        return out.stream().distinct().sorted().toList();
    }
}
