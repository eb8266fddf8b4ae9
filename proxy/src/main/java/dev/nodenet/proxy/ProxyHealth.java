package dev.nodenet.proxy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * kube-proxy's proxier health: healthy unless a change has waited longer than {@code timeout} (2 × syncPeriod) for a
 * successful sync. Start-up counts as a queued change, so a proxy that never manages a first sync turns unhealthy.
 * /healthz additionally requires the node to be eligible (not being deleted); /livez does not.
 * <p>Threading: {@link #queued()} from informer threads, {@link #synced} from the sync thread, reads from HTTP
 * threads; all synchronized.
 */
final class ProxyHealth {
    private final Clock clock;
    private final Duration timeout;
    private Instant lastUpdated;
    private Instant oldestPending;
    private long queuedSeq, syncedSeq;
    private boolean nodeEligible = true;

    ProxyHealth(Clock clock, Duration timeout) {
        this.clock = clock;
        this.timeout = timeout;
        this.oldestPending = clock.instant();
    }

    synchronized void queued() {
        queuedSeq++;
        if (oldestPending == null) oldestPending = clock.instant();
    }

    /** The queue position a sync starting now will cover. */
    synchronized long startSync() {
        return queuedSeq;
    }

    /** A sync covering changes up to {@code seq} succeeded. */
    synchronized void synced(long seq) {
        lastUpdated = clock.instant();
        syncedSeq = Math.max(syncedSeq, seq);
        oldestPending = syncedSeq >= queuedSeq ? null : lastUpdated;
    }

    synchronized void nodeEligible(boolean eligible) {
        nodeEligible = eligible;
    }

    /** A snapshot for the HTTP handlers. */
    record Status(boolean healthy, Instant lastUpdated, Instant currentTime, boolean nodeEligible) {
    }

    synchronized Status status() {
        Instant now = clock.instant();
        boolean healthy = oldestPending == null || Duration.between(oldestPending, now).compareTo(timeout) < 0;
        return new Status(healthy, lastUpdated, now, nodeEligible);
    }
}
