package dev.nodenet.bench;

import dev.nodenet.api.cli.Flags;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./nodenet bench watch-fanout}: watch fan-out of our API server against a real etcd, side by side in one run.
 * For each watcher count W it measures, on a fresh nodenet API server (in this JVM) and then on a fresh etcd (child
 * process): W concurrent watches, a steady open-loop stream of ~1 KiB creates, and reports write latency, delivery
 * latency over all watcher × event pairs, delivered events/s and events missed. Prints one plain-text table.
 *
 * <p>Single-threaded entry point; all traffic stays on 127.0.0.1.
 */
public final class WatchFanout {
    static final String SUMMARY = "Watch fan-out benchmark: nodenet API server vs etcd, same load, same run";
    /** Largest watcher × write product: the per-pair latencies are kept in memory (4 bytes each). */
    static final long MAX_PAIRS = 50_000_000L;

    private WatchFanout() {}

    /**
     * Parses {@code args}, runs the benchmark and prints the table to {@code out} ({@code --help}: the usage instead).
     * @throws Flags.UsageException for bad flags, before anything is started
     * @throws Exception when a system cannot be started or measured (everything started is stopped and removed)
     */
    public static void run(String[] args, PrintStream out) throws Exception {
        Flags flags = new Flags("bench watch-fanout", SUMMARY + ".\n"
                + "Each row starts a fresh system, opens the watchers, writes --rate creates/s for --seconds, then drains.");
        Flags.Flag<Integer> rate = flags.integer("rate", 200, "Writes (creates) per second, open loop.");
        Flags.Flag<Integer> seconds = flags.integer("seconds", 10, "How long the measured writes last.");
        Flags.Flag<List<Integer>> watchers = flags.custom("watchers", List.of(100, 1000), "100,1000",
                "Comma-separated watcher counts; one pair of rows each.", WatchFanout::parseCounts);
        Flags.Flag<Integer> payload = flags.integer("payload-bytes", 1024, "Size of each written object's JSON.");
        Flags.Flag<String> etcdBinary = flags.string("etcd", "etcd", "The etcd binary for the anchor rows.");
        if (!flags.parse(args)) {
            flags.usage(out);
            return;
        }
        if (!flags.positional().isEmpty()) throw new Flags.UsageException("unexpected argument: " + flags.positional().getFirst());
        if (rate.get() < 1 || rate.get() > 10_000) throw new Flags.UsageException("invalid --rate " + rate.get() + ": must be 1-10000");
        if (seconds.get() < 1 || seconds.get() > 600) throw new Flags.UsageException("invalid --seconds " + seconds.get() + ": must be 1-600");
        if (payload.get() < 256 || payload.get() > 1 << 20) {
            throw new Flags.UsageException("invalid --payload-bytes " + payload.get() + ": must be 256-1048576");
        }
        long writes = (long) rate.get() * seconds.get();
        for (int w : watchers.get()) {
            if (w * writes > MAX_PAIRS) {
                throw new Flags.UsageException("--watchers " + w + " × " + writes + " writes is more than " + MAX_PAIRS
                        + " watcher×event pairs; lower --rate, --seconds or --watchers");
            }
        }
        FanoutRun.Settings settings = new FanoutRun.Settings(rate.get(), seconds.get(), payload.get(), 64,
                Math.min(rate.get(), 100));
        int cores = Runtime.getRuntime().availableProcessors();

        out.printf(Locale.ROOT, "Watch fan-out: %d writes/s for %d s, %d B objects, %d cores, load average at start %s%n",
                rate.get(), seconds.get(), payload.get(), cores, loadAverage());
        String header = String.format(Locale.ROOT, "%-20s %8s %9s %10s %10s %12s %12s %11s %8s %7s",
                "system", "watchers", "writes/s", "write p50", "write p99", "deliver p50", "deliver p99", "events/s", "missed", "errors");
        out.println(header);
        List<FanoutRun.Result> results = new ArrayList<>();
        for (int w : watchers.get()) {
            try (NodenetTarget nodenet = NodenetTarget.start(java.time.Duration.ofSeconds(3L * seconds.get() + 300))) {
                results.add(print(out, FanoutRun.measure(nodenet, w, settings)));
            }
            try (EtcdTarget etcd = EtcdTarget.start(etcdBinary.get())) {
                results.add(print(out, FanoutRun.measure(etcd, w, settings)));
            }
        }
        out.println();
        out.println("write   = round trip of one create, from just before sending to the acknowledgement: nodenet = HTTPS POST of a");
        out.println("          Service (auth, defaulting, validation, store); etcd = gRPC txn put-if-absent of the same JSON, the way");
        out.println("          kube-apiserver creates. Open loop at the target rate, at most " + settings.maxInFlight() + " in flight; "
                + settings.warmupWrites() + " unmeasured warm-up writes first.");
        out.println("deliver = from just before the write was sent (timestamp in the object) to a watcher having the event, over all");
        out.println("          watcher x event pairs. nodenet: one HTTPS/1.1 watch per watcher (?watch=1&allowWatchBookmarks=true);");
        out.println("          etcd: one gRPC watch stream per watcher on the key prefix; " + NodenetTarget.WATCHERS_PER_CLIENT
                + " watchers per client connection pool.");
        out.println("missed  = acknowledged writes a watcher had not received when delivery stalled for 5 s (or after 60 s).");
        out.println("errors  = writes that failed or could not be sent within twice the planned duration plus 30 s;");
        out.println("          writes/s = acknowledged writes / time from the first send to the last acknowledgement.");
        out.println("Durability differs: nodenet's default store is SQLite WAL with synchronous=NORMAL (an acknowledged write survives");
        out.println("          a process crash, not power loss; SURVIVE_POWER_LOSS, i.e. synchronous=FULL, exists in SqliteStore but");
        out.println("          ApiServer.Config does not expose it yet); etcd fsyncs its WAL before acknowledging every write.");
        out.println("Same machine, same run: the nodenet server runs inside this benchmark JVM, etcd as a child process; the");
        out.println("          watching and writing clients share the same " + cores + " cores with either.");
        for (FanoutRun.Result r : results) {
            if (r.firstError() != null) {
                out.println("first error (" + r.system() + ", " + r.watchers() + " watchers): " + r.firstError());
            }
        }
    }

    private static FanoutRun.Result print(PrintStream out, FanoutRun.Result r) {
        out.println(String.format(Locale.ROOT, "%-20s %8d %9.0f %10s %10s %12s %12s %11.0f %8d %7d",
                r.system(), r.watchers(), r.writesPerSec(), ms(r.writeP50Micros()), ms(r.writeP99Micros()),
                ms(r.deliverP50Micros()), ms(r.deliverP99Micros()), r.eventsPerSec(), r.missed(), r.writeErrors()));
        out.flush();
        return r;
    }

    private static String ms(long micros) {
        if (micros < 0) return "-";
        return String.format(Locale.ROOT, micros < 10_000 ? "%.2f ms" : "%.1f ms", micros / 1000.0);
    }

    /** The 1-minute load average: other work on the machine skews every number, so the table says how busy it was. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
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
            if (n < 1 || n > 5000) throw new IllegalArgumentException("watcher count " + n + " must be 1-5000");
            counts.add(n);
        }
        if (counts.isEmpty()) throw new IllegalArgumentException("no watcher counts");
        return List.copyOf(counts);
    }
}
