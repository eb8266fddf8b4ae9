package dev.nodenet.proxy;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs a task on its own thread, like kube-proxy's BoundedFrequencyRunner: at most once per {@code minInterval}
 * however often {@link #request()} is called, at least once per {@code maxInterval} even if never requested, and
 * after a failed run again after a backoff (starting at max(minInterval, 100 ms), doubling up to maxInterval).
 * <p>Threading: one platform thread "proxy-sync" runs the task (it is the proxy's single writer);
 * {@link #request()} is called from any thread and never blocks on the task.
 */
final class SyncRunner {
    /** The work; returns false on failure (then a retry is scheduled). */
    interface Task {
        boolean run();
    }

    private final Duration minInterval, maxInterval;
    private final Task task;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean requested, running;
    private long lastRunNs;
    private long retryAtNs;
    private long backoffNs;
    private Thread thread;

    SyncRunner(Duration minInterval, Duration maxInterval, Task task) {
        this.minInterval = minInterval;
        this.maxInterval = maxInterval;
        this.task = task;
        this.backoffNs = initialBackoff();
    }

    private long initialBackoff() {
        return Math.max(minInterval.toNanos(), Duration.ofMillis(100).toNanos());
    }

    /** Starts the thread; the first run happens at once. */
    void start() {
        lock.lock();
        try {
            running = true;
            requested = true;
            lastRunNs = System.nanoTime() - minInterval.toNanos();
        } finally {
            lock.unlock();
        }
        thread = Thread.ofPlatform().name("proxy-sync").daemon().start(this::loop);
    }

    /** Asks for a run as soon as minInterval allows. */
    void request() {
        lock.lock();
        try {
            requested = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Stops and waits for a running task to finish. */
    void stop() {
        lock.lock();
        try {
            running = false;
            wake.signal();
        } finally {
            lock.unlock();
        }
        if (thread != null && thread != Thread.currentThread()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void loop() {
        while (true) {
            lock.lock();
            try {
                while (true) {
                    if (!running) return;
                    long now = System.nanoTime();
                    long next = lastRunNs + maxInterval.toNanos();
                    if (requested) next = Math.min(next, lastRunNs + minInterval.toNanos());
                    if (retryAtNs != 0) next = Math.min(next, Math.max(retryAtNs, lastRunNs + minInterval.toNanos()));
                    if (now - next >= 0) break;
                    try {
                        wake.awaitNanos(next - now);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                requested = false;
                retryAtNs = 0;
            } finally {
                lock.unlock();
            }
            boolean ok;
            try {
                ok = task.run();
            } catch (RuntimeException e) {
                System.getLogger(SyncRunner.class.getName()).log(System.Logger.Level.ERROR, "sync failed", e);
                ok = false;
            }
            lock.lock();
            try {
                lastRunNs = System.nanoTime();
                if (ok) {
                    backoffNs = initialBackoff();
                } else {
                    retryAtNs = lastRunNs + backoffNs;
                    backoffNs = Math.min(backoffNs * 2, Math.max(maxInterval.toNanos(), initialBackoff()));
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
