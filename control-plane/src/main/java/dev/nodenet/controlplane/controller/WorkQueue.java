package dev.nodenet.controlplane.controller;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A coalescing work queue with one worker thread, like client-go's rate-limited queue: a key added many times before
 * the worker takes it is processed once; a key added while it is being processed is processed again afterwards (never
 * by two threads at once). A failing key is retried with exponential backoff (5 ms doubling up to 30 s) through the
 * shared timer; success resets its backoff.
 *
 * <p>Threading: {@link #add} is non-blocking and safe from any thread (watch dispatcher, timer, the worker itself).
 * The handler runs only on this queue's worker thread, so a controller's state touched only by its handler needs no
 * locking.
 */
final class WorkQueue<K> implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WorkQueue.class.getName());
    private static final long MIN_RETRY_MS = 5;
    private static final long MAX_RETRY_MS = 30_000;

    /** Processes one key; an exception schedules a retry. */
    interface Handler<K> {
        void process(K key) throws Exception;
    }

    private final String name;
    private final Handler<K> handler;
    private final ScheduledExecutorService timer;
    private final Thread worker;
    private final Object lock = new Object();
    private final LinkedHashSet<K> queued = new LinkedHashSet<>(); // guarded by lock
    private final Set<K> processing = new HashSet<>(); // guarded by lock
    private final Set<K> dirty = new HashSet<>(); // added while processing; guarded by lock
    private final Map<K, Integer> failures = new HashMap<>(); // worker thread only
    private boolean closed; // guarded by lock

    WorkQueue(String name, Handler<K> handler, ScheduledExecutorService timer) {
        this.name = name;
        this.handler = handler;
        this.timer = timer;
        this.worker = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
    }

    void start() {
        worker.start();
    }

    void add(K key) {
        synchronized (lock) {
            if (closed) return;
            if (processing.contains(key)) dirty.add(key);
            else if (queued.add(key)) lock.notifyAll();
        }
    }

    private void run() {
        while (true) {
            K key;
            synchronized (lock) {
                while (queued.isEmpty() && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) return;
                var it = queued.iterator();
                key = it.next();
                it.remove();
                processing.add(key);
            }
            try {
                handler.process(key);
                failures.remove(key);
            } catch (Exception | LinkageError | AssertionError e) {
                int n = failures.merge(key, 1, Integer::sum);
                long delayMs = Math.min(MAX_RETRY_MS, MIN_RETRY_MS << Math.min(n - 1, 20));
                LOG.log(n <= 3 ? Level.DEBUG : Level.WARNING, name + ": " + key + " failed (attempt " + n + "), retrying in " + delayMs + " ms: " + e, e);
                try {
                    timer.schedule(() -> add(key), delayMs, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException closing) {
                    return;
                }
            }
            synchronized (lock) {
                processing.remove(key);
                if (dirty.remove(key)) queued.add(key);
            }
        }
    }

    /** Stops the worker after the key in progress (waits for it). */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        if (Thread.currentThread() != worker) {
            try {
                worker.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
