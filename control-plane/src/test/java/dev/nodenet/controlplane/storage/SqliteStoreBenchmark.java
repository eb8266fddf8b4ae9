package dev.nodenet.controlplane.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * Manual micro-benchmark (not a test: surefire does not pick it up). Run with the test classpath, e.g.
 * {@code java -cp control-plane/target/classes:control-plane/target/test-classes:$SQLITE_JAR
 * dev.nodenet.controlplane.storage.SqliteStoreBenchmark [dir]}.
 */
public final class SqliteStoreBenchmark {

    public static void main(String[] args) throws Exception {
        Path base = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("sqlite-store-bench");
        try {
            writes(base.resolve("normal"), SqliteStore.Durability.SURVIVE_PROCESS_CRASH, 10_000);
            writes(base.resolve("full"), SqliteStore.Durability.SURVIVE_POWER_LOSS, 2_000);
            fanOut(base.resolve("fanout-none"), 0, false); // baseline: the writer alone at the same rate
            fanOut(base.resolve("fanout-all"), 1000, true);
            fanOut(base.resolve("fanout-own"), 1000, false);
        } finally {
            deleteTree(base);
        }
    }

    static void writes(Path dir, SqliteStore.Durability durability, int n) {
        byte[] value = new byte[1024];
        try (SqliteStore store = SqliteStore.open(dir, durability)) {
            for (int i = 0; i < 2000; i++) store.create("/warm/" + i, value);
            long[] create = new long[n], update = new long[n], get = new long[n];
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                store.create("/registry/pods/default/p" + i, value);
                create[i] = System.nanoTime() - t;
            }
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                store.update("/registry/pods/default/p" + i, value, 0);
                update[i] = System.nanoTime() - t;
            }
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                store.get("/registry/pods/default/p" + i);
                get[i] = System.nanoTime() - t;
            }
            long t = System.nanoTime();
            int listed = store.list("/registry/pods/").entries().size();
            long list = System.nanoTime() - t;
            System.out.printf("%s, %d x 1 KiB: create %s | update %s | get %s | list of %d: %.1f ms%n",
                    durability, n, pct(create), pct(update), pct(get), listed, list / 1e6);
        }
    }

    /**
     * 1000 watches and a writer at a steady rate. {@code allMatch}: every watch sees every write (1000 deliveries per
     * write); otherwise each watch has its own prefix and a write matches one of them.
     */
    static void fanOut(Path dir, int watchers, boolean allMatch) throws Exception {
        int writes = 5000;
        int ratePerSec = 2000;
        try (SqliteStore store = SqliteStore.open(dir)) {
            LongAdder delivered = new LongAdder();
            AtomicLong[] sentAt = new AtomicLong[writes + 1];
            for (int i = 0; i <= writes; i++) sentAt[i] = new AtomicLong();
            long[] lastLag = new long[writes + 1]; // lag of the last watcher to receive revision i (dispatcher thread only)
            for (int w = 0; w < watchers; w++) {
                String prefix = allMatch ? "/registry/" : "/registry/ns" + w + "/";
                store.watch(prefix, 0, e -> {
                    delivered.increment();
                    int rev = (int) e.revision();
                    lastLag[rev] = System.nanoTime() - sentAt[rev].get();
                });
            }
            long cpu0 = cpuNanos();
            long start = System.nanoTime();
            for (int i = 1; i <= writes; i++) {
                long due = start + (long) i * 1_000_000_000L / ratePerSec;
                for (long now; (now = System.nanoTime()) < due; ) java.util.concurrent.locks.LockSupport.parkNanos(due - now);
                sentAt[i].set(System.nanoTime());
                store.create("/registry/ns" + (i % Math.max(1, watchers)) + "/obj" + i, new byte[256]);
            }
            long expected = watchers == 0 ? 0 : allMatch ? (long) writes * watchers : writes;
            while (delivered.sum() < expected) Thread.sleep(1);
            long elapsed = System.nanoTime() - start;
            long cpu = cpuNanos() - cpu0;
            System.out.printf("fan-out %d watches (%s), %d writes at %d/s: %d deliveries in %.2f s, "
                            + "write->last-delivery lag %s, process CPU %.0f%% of one core%n",
                    watchers, allMatch ? "all match every write" : "one match per write", writes, ratePerSec,
                    delivered.sum(), elapsed / 1e9, pct(Arrays.copyOfRange(lastLag, 1, writes + 1)), 100.0 * cpu / elapsed);
        }
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static String pct(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return String.format("p50 %.1f us, p99 %.1f us, max %.1f us",
                s[s.length / 2] / 1e3, s[(int) (s.length * 0.99)] / 1e3, s[s.length - 1] / 1e3);
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
