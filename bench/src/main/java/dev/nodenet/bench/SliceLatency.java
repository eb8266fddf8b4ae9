package dev.nodenet.bench;

import dev.nodenet.api.cli.Flags;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code ./nodenet bench slice-latency}: time from a Pod's Ready change (a kubelet-style pods/status merge patch over
 * HTTPS) to the EndpointSlice watch event that shows it, through the API server's in-process EndpointSlice controller,
 * with the embedded SQLite store and with etcd side by side in one run. Each row is a fresh server and store, loaded
 * with S Services of P Pods each (load time reported), then measured with sequential flips and one burst.
 *
 * <p>Single-threaded entry point; all traffic stays on 127.0.0.1.
 */
public final class SliceLatency {
    static final String SUMMARY = "Pod Ready -> EndpointSlice update latency, SQLite store vs etcd, same load, same run";
    /** Largest Services × Pods per row: Pod IPs come from 10.0.0.0/8 and the load must stay within memory and time. */
    static final int MAX_PODS = 1_000_000;

    private SliceLatency() {}

    /**
     * Parses {@code args}, runs the benchmark and prints the table to {@code out} ({@code --help}: the usage instead).
     * @throws Flags.UsageException for bad flags, before anything is started
     * @throws Exception when a server or etcd cannot be started or loaded (everything started is stopped and removed)
     */
    public static void run(String[] args, PrintStream out) throws Exception {
        Flags flags = new Flags("bench slice-latency", SUMMARY + ".\n"
                + "Each row starts a fresh API server (and etcd), loads the Services and Pods, then flips Pods' Ready condition.");
        Flags.Flag<List<Integer>> services = flags.custom("services", List.of(1000), "1000",
                "Comma-separated Service counts; one row per count and store. The default fits a ~10 min budget on 2 cores"
                        + " (about 1 min per row); 10000 (100k Pods) takes 10+ min per row just to load.", SliceLatency::parseCounts);
        Flags.Flag<Integer> podsPerService = flags.integer("pods-per-service", 10, "Pods selected by each Service.");
        Flags.Flag<Integer> samples = flags.integer("samples", 200, "Sequential Ready flips measured per row.");
        Flags.Flag<Integer> burst = flags.integer("burst", 100, "Pods flipped at once in the burst (at most all Pods).");
        Flags.Flag<List<String>> stores = flags.custom("stores", List.of("sqlite", "etcd"), "sqlite,etcd",
                "Comma-separated stores: sqlite (embedded), etcd (child process).", SliceLatency::parseStores);
        Flags.Flag<String> etcdBinary = flags.string("etcd", "etcd", "The etcd binary for the etcd rows.");
        Flags.Flag<Duration> loadTimeout = flags.duration("load-timeout", Duration.ofMinutes(20),
                "Per row: longest the load and the slices catching up may take.");
        if (!flags.parse(args)) {
            flags.usage(out);
            return;
        }
        if (!flags.positional().isEmpty()) throw new Flags.UsageException("unexpected argument: " + flags.positional().getFirst());
        if (podsPerService.get() < 1 || podsPerService.get() > 1000) {
            throw new Flags.UsageException("invalid --pods-per-service " + podsPerService.get() + ": must be 1-1000");
        }
        if (samples.get() < 1 || samples.get() > 100_000) throw new Flags.UsageException("invalid --samples " + samples.get() + ": must be 1-100000");
        if (burst.get() < 1 || burst.get() > 1000) throw new Flags.UsageException("invalid --burst " + burst.get() + ": must be 1-1000");
        if (loadTimeout.get().isNegative() || loadTimeout.get().isZero() || loadTimeout.get().compareTo(Duration.ofHours(2)) > 0) {
            throw new Flags.UsageException("invalid --load-timeout " + Flags.formatDuration(loadTimeout.get()) + ": must be more than 0 and at most 2h");
        }
        for (int s : services.get()) {
            if ((long) s * podsPerService.get() > MAX_PODS) {
                throw new Flags.UsageException("--services " + s + " × --pods-per-service " + podsPerService.get() + " is more than " + MAX_PODS + " Pods");
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();

        out.printf(Locale.ROOT, "Pod Ready -> EndpointSlice update, %d pods per Service, %d samples, %d cores, load average at start %s%n",
                podsPerService.get(), samples.get(), cores, WatchFanout.loadAverage());
        String burstHeader = "burst-" + burst.get() + " ms";
        out.println(String.format(Locale.ROOT, "%-10s %8s %8s %8s %8s %8s %8s %8s %13s %7s",
                "store", "services", "pods", "load s", "p50 ms", "p90 ms", "p99 ms", "max ms", burstHeader, "missed"));
        List<SliceRun.Result> results = new ArrayList<>();
        long seed = 42;
        for (int s : services.get()) {
            for (String store : stores.get()) {
                try (SliceRun run = SliceRun.start(store.equals("etcd") ? etcdBinary.get() : null)) {
                    SliceRun.Result r = run.measure(s, podsPerService.get(), samples.get(), burst.get(), loadTimeout.get(), seed);
                    results.add(r);
                    print(out, r);
                }
            }
        }
        out.println();
        out.println("load    = from the first request to every Service's slices listing all its Pods: namespace, Services (selector");
        out.println("          app=svc-i, one port), Pods (nodeName node-1, one container) and one pods/status merge patch per Pod");
        out.println("          (Running, a podIP from 10.0.0.0/8, Ready=False), " + SliceRun.LOAD_CONCURRENCY
                + " requests in flight over HTTPS/1.1 with the admin kubeconfig.");
        out.println("p50..max = sequential samples, one at a time: a random Pod's Ready flipped (False<->True) by a pods/status merge");
        out.println("          patch, timed from just before the PATCH is sent to the event on ONE watch of the namespace's");
        out.println("          endpointslices in which that Pod's endpoint shows the new ready value (" + SliceRun.WARMUP_FLIPS
                + " unmeasured flips first).");
        out.println("burst   = " + burst.get() + " distinct Pods (at most all) flipped at once, from just before the first PATCH to the last");
        out.println("          of them showing in the watch; keep-alive connections opened beforehand so no TLS handshake is timed.");
        out.println("missed  = sequential flips not shown within " + SliceRun.SAMPLE_TIMEOUT.toSeconds() + " s (or not taken within "
                + SliceRun.SAMPLES_BUDGET.toMinutes() + " min), plus burst flips not shown within " + SliceRun.BURST_TIMEOUT.toSeconds() + " s.");
        out.println("Durability differs: sqlite = the embedded store, SQLite WAL with synchronous=NORMAL (an acknowledged write survives");
        out.println("          a process crash, not power loss); etcd fsyncs its WAL before acknowledging every write, and is reached");
        out.println("          over gRPC on loopback. Every status patch and every slice update is one such write.");
        out.println("Same machine, same run: the API server and its controllers run inside this benchmark JVM, etcd as a child");
        out.println("          process; clients, server and etcd share the same " + cores + " cores.");
        for (SliceRun.Result r : results) {
            if (r.firstError() != null) out.println("first error (" + r.store() + ", " + r.services() + " Services): " + r.firstError());
        }
    }

    private static void print(PrintStream out, SliceRun.Result r) {
        long[] l = r.latencyNanos();
        out.println(String.format(Locale.ROOT, "%-10s %8d %8d %8.1f %8s %8s %8s %8s %13s %7d",
                r.store(), r.services(), r.pods(), r.loadSeconds(), ms(quantile(l, 0.5)), ms(quantile(l, 0.9)), ms(quantile(l, 0.99)),
                ms(l.length == 0 ? -1 : l[l.length - 1]), ms(r.burstNanos()), r.missed() + r.burstMissed()));
        out.flush();
    }

    /** Nearest-rank quantile of sorted values; -1 when there are none. */
    static long quantile(long[] sorted, double q) {
        if (sorted.length == 0) return -1;
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    private static String ms(long nanos) {
        if (nanos < 0) return "-";
        return String.format(Locale.ROOT, nanos < 10_000_000 ? "%.2f" : "%.1f", nanos / 1e6);
    }

    static List<Integer> parseCounts(String s) {
        List<Integer> counts = new ArrayList<>();
        for (String part : s.split(",")) {
            String t = part.trim().replace("_", "");
            int n;
            try {
                n = Integer.parseInt(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("\"" + part.trim() + "\" is not a whole number");
            }
            if (n < 1 || n > 100_000) throw new IllegalArgumentException("Service count " + n + " must be 1-100000");
            counts.add(n);
        }
        return List.copyOf(counts);
    }

    static List<String> parseStores(String s) {
        Set<String> stores = new LinkedHashSet<>();
        for (String part : s.split(",")) {
            String t = part.trim();
            if (!t.equals("sqlite") && !t.equals("etcd")) throw new IllegalArgumentException("unknown store \"" + t + "\" (sqlite, etcd)");
            if (!stores.add(t)) throw new IllegalArgumentException("store \"" + t + "\" given twice");
        }
        return List.copyOf(stores);
    }
}
