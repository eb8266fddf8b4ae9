package dev.nodenet.bench;

import dev.nodenet.api.cli.Flags;
import dev.nodenet.iptables.IptablesBackend;
import dev.nodenet.iptables.IptablesBackend.Variant;
import dev.nodenet.proxy.Changes;
import dev.nodenet.proxy.EndpointInfo;
import dev.nodenet.proxy.IpFamily;
import dev.nodenet.proxy.Metrics;
import dev.nodenet.proxy.NodeInfo;
import dev.nodenet.proxy.ProxyConfig;
import dev.nodenet.proxy.ProxyState;
import dev.nodenet.proxy.ServiceInfo;
import dev.nodenet.proxy.ServicePortName;
import dev.nodenet.proxy.ServicePortState;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code ./nodenet bench iptables}: the iptables proxy mode at scale, each number next to its anchor from the same
 * run, always inside throw-away network namespaces (never the root namespace):
 * <ul>
 * <li>full: a full sync of S Services x E endpoints through our backend vs a bare {@code iptables-restore --noflush}
 * of exactly the same input into an empty namespace (the floor kube-proxy cannot go below either);</li>
 * <li>partial: one endpoint change with S Services loaded, ours (unchanged top-level chains left out) vs the input
 * kube-proxy's partial sync applies (every top-level chain rewritten), bare, into the same loaded namespace;</li>
 * <li>latency: a real API server and the {@link dev.nodenet.proxy.Proxier}: EndpointSlice update to rule in the
 * kernel, and what kubeproxy_network_programming_duration_seconds says ({@link IptablesLatency});</li>
 * <li>rss: the real daemon ({@code nodenet proxy}) as a child process against a loaded API server ({@link DaemonRss}).</li>
 * </ul>
 * <p>Single-threaded entry point; needs root (network namespaces, iptables).
 */
public final class IptablesBench {
    /** Partial syncs timed per row (the median is printed). */
    static final int PARTIALS = 5;
    static final String SUMMARY = "iptables mode: full/partial sync vs bare iptables-restore, programming latency, daemon RSS";

    private IptablesBench() {}

    /**
     * Parses {@code args}, runs the selected parts and prints their tables ({@code --help}: the usage instead).
     * @throws Flags.UsageException for bad flags, before anything is started
     */
    public static void run(String[] args, PrintStream out) throws Exception {
        Flags flags = new Flags("bench iptables", SUMMARY + ".\nRuns as root inside throw-away network namespaces.");
        Flags.Flag<List<Integer>> services = flags.custom("services", List.of(1000, 5000, 10000), "1000,5000,10000",
                "Comma-separated Service counts for the full and partial rows. iptables-nft 1.8.9 at 10000 takes minutes"
                        + " per row (see the notes printed with the table).", SliceLatency::parseCounts);
        Flags.Flag<Integer> endpoints = flags.integer("endpoints", 10, "Endpoints per Service.");
        Flags.Flag<List<String>> variants = flags.custom("variants", List.of("nft", "legacy"), "nft,legacy",
                "Comma-separated iptables variants: nft, legacy.", IptablesBench::parseVariants);
        Flags.Flag<List<String>> parts = flags.custom("parts", List.of("full", "latency", "rss"), "full,latency,rss",
                "Comma-separated parts: full (full and partial sync rows), latency, rss.", IptablesBench::parseParts);
        Flags.Flag<Integer> latencyServices = flags.integer("latency-services", 1000,
                "Services (x --endpoints) loaded through the API server for the latency part.");
        Flags.Flag<Integer> changes = flags.integer("changes", 50, "EndpointSlice changes timed in the latency part.");
        Flags.Flag<Integer> rssServices = flags.integer("rss-services", 10000, "Services (x --endpoints) loaded for the rss part.");
        Flags.Flag<String> daemonJavaOpts = flags.string("daemon-java-opts", "",
                "JVM option sets (separated by \";\") for the rss part's daemon, one row each after a row with the JVM's defaults.");
        if (!flags.parse(args)) {
            flags.usage(out);
            return;
        }
        if (!flags.positional().isEmpty()) throw new Flags.UsageException("unexpected argument: " + flags.positional().getFirst());
        if (endpoints.get() < 1 || endpoints.get() > 250) throw new Flags.UsageException("invalid --endpoints " + endpoints.get() + ": must be 1-250");
        for (int s : services.get()) {
            if ((long) s * endpoints.get() > 1_000_000) throw new Flags.UsageException("--services " + s + " x --endpoints is more than 1000000 endpoints");
        }
        if (latencyServices.get() < 1 || latencyServices.get() > 20000) throw new Flags.UsageException("invalid --latency-services: must be 1-20000");
        if (rssServices.get() < 1 || rssServices.get() > 20000) throw new Flags.UsageException("invalid --rss-services: must be 1-20000");
        if (changes.get() < 1 || changes.get() > 10000) throw new Flags.UsageException("invalid --changes: must be 1-10000");

        out.printf(Locale.ROOT, "iptables mode, %d endpoints per Service, %d cores, load average at start %s, %s%n",
                endpoints.get(), Runtime.getRuntime().availableProcessors(), WatchFanout.loadAverage(), toolVersion());
        if (parts.get().contains("full")) {
            for (String v : variants.get()) fullAndPartial(Variant.valueOf(v.toUpperCase(Locale.ROOT)), services.get(), endpoints.get(), out);
        }
        if (parts.get().contains("latency")) {
            for (String v : variants.get()) {
                IptablesLatency.run(Variant.valueOf(v.toUpperCase(Locale.ROOT)), latencyServices.get(), endpoints.get(), changes.get(), out);
            }
        }
        if (parts.get().contains("rss")) DaemonRss.run(rssServices.get(), endpoints.get(), daemonJavaOpts.get(), out);
    }

    private static String toolVersion() {
        try {
            return Netns.exec(null, List.of("iptables-nft", "--version"), null).stdout().strip().replace(" (nf_tables)", "");
        } catch (Exception e) {
            return "iptables version unknown";
        }
    }

    /** Part full: one row per Service count, ours next to bare restores of the same inputs. */
    static void fullAndPartial(Variant variant, List<Integer> counts, int endpoints, PrintStream out) throws Exception {
        out.printf(Locale.ROOT, "%niptables-%s: full sync (first, into an empty namespace) and one endpoint change with S Services loaded%n",
                variant.name().toLowerCase(Locale.ROOT));
        out.println(String.format(Locale.ROOT, "%-7s %-8s %-9s %-12s %-12s %-9s %-13s %-15s", "S", "lines",
                "render s", "our full s", "bare full s", "overhead", "our partial", "kube-proxy-style partial"));
        for (int s : counts) {
            Row r = fullRow(variant, s, endpoints);
            out.println(String.format(Locale.ROOT, "%-7d %-8d %-9.3f %-12.3f %-12.3f %-9s %-13s %-15s", s, r.lines, r.renderSeconds,
                    r.ourFullSeconds, r.bareFullSeconds, String.format(Locale.ROOT, "%+.1f%%", 100 * (r.ourFullSeconds / r.bareFullSeconds - 1)),
                    ms(r.ourPartialSeconds), ms(r.barePartialSeconds)));
        }
        out.println("  our full = iptables-save + render + restore; bare full = the same restore input(s) piped to iptables-" + variant.name().toLowerCase(Locale.ROOT)
                + "-restore --noflush in a second empty namespace.");
        out.println("  partial columns: median of " + PARTIALS + "; our partial = one Service's endpoints changed, unchanged top-level chains left out; kube-proxy-style = the same change"
                + " with every top-level chain (KUBE-SERVICES ...) rewritten, bare restore, same loaded namespace.");
    }

    record Row(int lines, double renderSeconds, double ourFullSeconds, double bareFullSeconds, double ourPartialSeconds, double barePartialSeconds) {}

    static Row fullRow(Variant variant, int services, int endpoints) throws Exception {
        ProxyConfig config = config("");
        ProxyState state = state(services, endpoints, -1);
        List<String> inputs = IptablesBackend.firstSyncInputs(config, state, IpFamily.IPv4, variant);
        IptablesBackend.firstSyncInputs(config, state, IpFamily.IPv4, variant); // warm-up: the daemon renders many times
        long t0 = System.nanoTime();
        inputs = IptablesBackend.firstSyncInputs(config, state, IpFamily.IPv4, variant);
        double render = secs(t0);
        int lines = inputs.stream().mapToInt(i -> (int) i.lines().count()).sum();
        String tool = "iptables-" + variant.name().toLowerCase(Locale.ROOT) + "-restore";
        try (Netns ours = Netns.create("ipb"); Netns bare = Netns.create("ipb")) {
            IptablesBackend backend = new IptablesBackend(config, new Metrics(), ours.handle(), variant, List.of(IpFamily.IPv4));
            t0 = System.nanoTime();
            backend.sync(state, Changes.fullSync());
            double full = secs(t0);
            t0 = System.nanoTime();
            for (String input : inputs) Netns.execChecked(bare, List.of(tool, "-w", "5", "--noflush"), input);
            double bareFull = secs(t0);

            // PARTIALS changes, one Service's endpoints each, cumulative; the median is reported
            Set<Integer> moved = new java.util.HashSet<>();
            double[] partial = new double[PARTIALS], barePartial = new double[PARTIALS];
            for (int j = 0; j < PARTIALS; j++) {
                int changed = services / 2 + j;
                moved.add(changed);
                ProxyState next = state(services, endpoints, moved);
                t0 = System.nanoTime();
                backend.sync(next, new Changes(false, Set.of(portName(changed))));
                partial[j] = secs(t0);
            }
            for (int j = 0; j < PARTIALS; j++) {
                // kube-proxy's way, moving the same Services back: bare restore with the top-level chains rewritten
                int changed = services / 2 + j;
                moved.remove(changed);
                String kp = IptablesBackend.kubeProxyPartialInput(config, state(services, endpoints, moved), IpFamily.IPv4, Set.of(portName(changed)));
                t0 = System.nanoTime();
                Netns.execChecked(ours, List.of(tool, "-w", "5", "--noflush"), kp);
                barePartial[j] = secs(t0);
            }
            java.util.Arrays.sort(partial);
            java.util.Arrays.sort(barePartial);
            return new Row(lines, render, full, bareFull, partial[PARTIALS / 2], barePartial[PARTIALS / 2]);
        }
    }

    /** kube-proxy's defaults, a cluster CIDR, programming {@code netns} (empty: the caller's namespace handle). */
    static ProxyConfig config(String netns) {
        ProxyConfig d = ProxyConfig.defaults("node-a");
        return new ProxyConfig("iptables", "", "", "node-a", List.of("10.244.0.0/16"), false, d.masqueradeBit(), "ClusterCIDR",
                "", "", List.of(), true, "", "", d.syncPeriod(), d.minSyncPeriod(), false, 0, netns);
    }

    static ServicePortName portName(int i) {
        return new ServicePortName("bench", "svc-" + i, "http", "TCP");
    }

    /** S Services x E endpoints on another node, every third a NodePort; {@code changedIndex}'s endpoints moved. */
    static ProxyState state(int services, int endpoints, int changedIndex) {
        return state(services, endpoints, changedIndex < 0 ? Set.of() : Set.of(changedIndex));
    }

    /** As above with several Services' endpoints moved. */
    static ProxyState state(int services, int endpoints, Set<Integer> moved) {
        TreeMap<ServicePortName, ServicePortState> map = new TreeMap<>();
        for (int i = 0; i < services; i++) {
            ServicePortName n = portName(i);
            List<EndpointInfo> eps = new ArrayList<>();
            for (int e = 0; e < endpoints; e++) {
                int k = i * endpoints + e + (moved.contains(i) ? 7 : 0);
                eps.add(new EndpointInfo(podIp(k), 8080, true, true, false, "node-b", false, Set.of()));
            }
            ServiceInfo info = new ServiceInfo(n, List.of("172.16." + (i / 250) + "." + (i % 250 + 1)), 80,
                    i % 3 == 0 ? 30000 + i % 2700 : 0, List.of(), List.of(), List.of(), 0, false, false, 0, false);
            map.put(n, ServicePortState.of(info, eps, null));
        }
        return new ProxyState(NodeInfo.of("node-a", List.of("192.168.0.2")), map);
    }

    /** A distinct address in 10.64.0.0/10 per index. */
    static String podIp(int k) {
        return "10." + (64 + k / 62500) + "." + (k / 250 % 250) + "." + (k % 250 + 1);
    }

    static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static String ms(double seconds) {
        return String.format(Locale.ROOT, "%.0f ms", seconds * 1000);
    }

    static List<String> parseVariants(String s) {
        return parseSet(s, Set.of("nft", "legacy"), "variant");
    }

    static List<String> parseParts(String s) {
        return parseSet(s, Set.of("full", "latency", "rss"), "part");
    }

    private static List<String> parseSet(String s, Set<String> allowed, String what) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String part : s.split(",")) {
            String p = part.strip();
            if (!allowed.contains(p)) throw new Flags.UsageException("unknown " + what + " \"" + p + "\" (one of " + new java.util.TreeSet<>(allowed) + ")");
            if (!out.add(p)) throw new Flags.UsageException(what + " \"" + p + "\" given twice");
        }
        return List.copyOf(out);
    }
}
