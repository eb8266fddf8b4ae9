package dev.nodenet.controlplane.storage;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Periodic compaction for any {@link Store}, as kube-apiserver compacts etcd: every {@code interval}, forget history
 * older than the newest {@code keepRevisions} revisions (kine keeps 1000 and runs every 5 minutes). Watches from
 * compacted revisions then get 410 Expired and relist. Several API servers on one etcd may all run one: compacting to
 * an already compacted revision does nothing.
 *
 * <p>Runs on its own daemon thread; failures are logged and retried at the next interval; {@link #close()} stops it.
 */
public final class Compactor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("nodenet.storage");

    private final ScheduledThreadPoolExecutor executor;

    private Compactor(ScheduledThreadPoolExecutor executor) {
        this.executor = executor;
    }

    public static Compactor start(Store store, Duration interval, long keepRevisions) {
        if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("interval must be positive: " + interval);
        if (keepRevisions < 0) throw new IllegalArgumentException("keepRevisions must be >= 0: " + keepRevisions);
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("store-compactor").daemon(true).factory());
        ex.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        long nanos = interval.toNanos();
        ex.scheduleWithFixedDelay(() -> {
            try {
                long target = store.currentRevision() - keepRevisions;
                if (target > store.compactedRevision()) store.compact(target);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "compaction failed; retrying in " + interval, e);
            }
        }, nanos, nanos, TimeUnit.NANOSECONDS);
        return new Compactor(ex);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
