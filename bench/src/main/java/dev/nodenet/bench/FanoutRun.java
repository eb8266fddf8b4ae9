package dev.nodenet.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * One measurement row: opens W watchers on a {@link Target}, warms up, then writes {@code rate × seconds} objects
 * open-loop (each write is sent at its scheduled time whatever the previous ones are doing, up to
 * {@link Settings#maxInFlight} outstanding, so a slow system cannot slow the load down and hide its latency), waits
 * for the watchers to drain, and reduces everything to a {@link Result}.
 *
 * <p>Threading: {@link #measure} runs on the caller's thread (it is the writer); events arrive on the target's
 * threads and go to per-watcher {@link Stats}, which are read after the drain.
 */
final class FanoutRun {

    /** Load shape shared by every row of one benchmark run. */
    record Settings(int ratePerSec, int seconds, int payloadBytes, int maxInFlight, int warmupWrites) {
        int writes() {
            return ratePerSec * seconds;
        }
    }

    /** One row of the table. Latencies in microseconds; -1 when there was nothing to measure. */
    record Result(String system, int watchers, int writesAcked, int writeErrors, String firstError, double writesPerSec,
                  long writeP50Micros, long writeP99Micros, long deliverP50Micros, long deliverP99Micros,
                  double eventsPerSec, long missed) {}

    /** Delivery record of one watcher; its events arrive serially, the lock only publishes them to the reader. */
    private static final class Stats {
        final BitSet seen = new BitSet();
        final int[] latencyMicros;
        int count;
        long lastNanos;

        Stats(int capacity) {
            latencyMicros = new int[capacity];
        }

        synchronized void add(int seq, long latencyNanos, long receivedNanos) {
            if (seen.get(seq)) return;
            seen.set(seq);
            latencyMicros[count++] = (int) Math.min(Integer.MAX_VALUE, Math.max(0, latencyNanos / 1000));
            lastNanos = Math.max(lastNanos, receivedNanos);
        }
    }

    private static final Duration DRAIN_IDLE_LIMIT = Duration.ofSeconds(5);
    private static final Duration DRAIN_MAX = Duration.ofSeconds(60);

    private FanoutRun() {}

    static Result measure(Target target, int watcherCount, Settings s) throws Exception {
        int writes = s.writes();
        Stats[] stats = new Stats[watcherCount];
        for (int i = 0; i < watcherCount; i++) stats[i] = new Stats(writes);
        LongAdder delivered = new LongAdder();
        Target.EventSink sink = (watcher, text, receivedNanos) -> {
            long seq = Payload.annotation(text, Payload.SEQ_KEY);
            if (seq < 0 || seq >= writes) return; // warm-up objects, bookmarks, anything else
            long sent = Payload.annotation(text, Payload.SENT_KEY);
            if (sent == Long.MIN_VALUE) return;
            stats[watcher].add((int) seq, receivedNanos - sent, receivedNanos);
            delivered.increment();
        };
        target.openWatchers(watcherCount, sink, Duration.ofSeconds(60 + watcherCount / 10));

        AtomicReference<Throwable> firstError = new AtomicReference<>();
        // Warm-up: the same kind of writes, unmeasured, so that neither side is timed while its code is still cold.
        runWrites(target, s, -s.warmupWrites(), 0, new AtomicLongArray(Math.max(1, s.warmupWrites())), firstError);
        Thread.sleep(500);

        AtomicLongArray writeNanos = new AtomicLongArray(writes); // 0 = not acknowledged, -1 = failed
        long firstSend = System.nanoTime();
        runWrites(target, s, 0, writes, writeNanos, firstError);
        long lastAck = System.nanoTime();

        BitSet acked = new BitSet(writes);
        long[] writeLatencies = new long[writes];
        int ackedCount = 0;
        int errors = 0;
        for (int i = 0; i < writes; i++) {
            long v = writeNanos.get(i);
            if (v > 0) {
                acked.set(i);
                writeLatencies[ackedCount++] = v / 1000;
            } else {
                errors++;
            }
        }
        drain(delivered, (long) ackedCount * watcherCount);

        long totalDelivered = 0;
        long missed = 0;
        long lastReceive = firstSend;
        int[][] perWatcher = new int[watcherCount][];
        for (int w = 0; w < watcherCount; w++) {
            Stats st = stats[w];
            synchronized (st) {
                perWatcher[w] = Arrays.copyOf(st.latencyMicros, st.count);
                totalDelivered += st.count;
                lastReceive = Math.max(lastReceive, st.lastNanos);
                BitSet notSeen = (BitSet) acked.clone();
                notSeen.andNot(st.seen);
                missed += notSeen.cardinality();
            }
        }
        long[] deliver = new long[(int) Math.min(Integer.MAX_VALUE - 8, totalDelivered)];
        int k = 0;
        for (int[] a : perWatcher) for (int v : a) if (k < deliver.length) deliver[k++] = v;
        Arrays.sort(deliver, 0, k);
        Arrays.sort(writeLatencies, 0, ackedCount);
        double writeSeconds = Math.max(1e-9, (lastAck - firstSend) / 1e9);
        double deliverSeconds = Math.max(1e-9, (lastReceive - firstSend) / 1e9);
        Throwable err = firstError.get();
        return new Result(target.label(), watcherCount, ackedCount, errors, err == null ? null : String.valueOf(err.getMessage()),
                ackedCount / writeSeconds, percentile(writeLatencies, ackedCount, 50), percentile(writeLatencies, ackedCount, 99),
                percentile(deliver, k, 50), percentile(deliver, k, 99), totalDelivered / deliverSeconds, missed);
    }

    /**
     * Writes objects {@code from} (inclusive) to {@code to} (exclusive) at the configured rate and waits for their
     * acknowledgements; {@code latencyNanos[seq - from]} gets each write's round trip (-1 when it failed).
     */
    private static void runWrites(Target target, Settings s, int from, int to, AtomicLongArray latencyNanos,
                                  AtomicReference<Throwable> firstError) throws InterruptedException {
        int n = to - from;
        if (n <= 0) return;
        long periodNanos = 1_000_000_000L / s.ratePerSec();
        Semaphore inFlight = new Semaphore(s.maxInFlight());
        CountDownLatch done = new CountDownLatch(n);
        long start = System.nanoTime() + 1_000_000;
        // Hard bound: twice the nominal duration plus a margin; later writes are not sent (and count as errors).
        long deadline = start + 2L * n * periodNanos + TimeUnit.SECONDS.toNanos(30);
        for (int i = 0; i < n; i++) {
            long due = start + i * periodNanos;
            for (long wait; (wait = due - System.nanoTime()) > 0; ) LockSupport.parkNanos(wait);
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0 || !inFlight.tryAcquire(remaining, TimeUnit.NANOSECONDS)) {
                firstError.compareAndSet(null, new IllegalStateException("writes did not finish within the time limit"));
                break;
            }
            int slot = i;
            long seq = from + i;
            long sent = System.nanoTime();
            CompletableFuture<Void> f;
            try {
                f = target.write(Payload.name(seq), Payload.service(seq, sent, s.payloadBytes()));
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            f.whenComplete((v, e) -> {
                long took = System.nanoTime() - sent;
                if (e == null) {
                    latencyNanos.set(slot, Math.max(1, took));
                } else {
                    latencyNanos.set(slot, -1);
                    firstError.compareAndSet(null, e);
                }
                inFlight.release();
                done.countDown();
            });
        }
        done.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Waits until {@code expected} events arrived, progress stalls for a while, or the drain limit is reached. */
    private static void drain(LongAdder delivered, long expected) throws InterruptedException {
        long end = System.nanoTime() + DRAIN_MAX.toNanos();
        long last = -1;
        long lastProgress = System.nanoTime();
        while (System.nanoTime() < end) {
            long now = delivered.sum();
            if (now >= expected) return;
            if (now != last) {
                last = now;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > DRAIN_IDLE_LIMIT.toNanos()) {
                return;
            }
            Thread.sleep(20);
        }
    }

    private static long percentile(long[] sorted, int n, int p) {
        if (n == 0) return -1;
        int rank = (int) Math.ceil(p / 100.0 * n);
        return sorted[Math.max(0, Math.min(n - 1, rank - 1))];
    }
}
