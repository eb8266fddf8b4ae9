package dev.nodenet.controlplane.controller;

import dev.nodenet.controlplane.storage.Store;
import dev.nodenet.controlplane.storage.StoreException;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Lets exactly one of several API servers sharing a store run the controllers, as kube-controller-manager's leader
 * election does with a Lease: the holder rewrites a lease record every {@code leaseDuration / 3}; a candidate takes the
 * lease over when it has seen the same record unchanged for a whole {@code leaseDuration} (measured on its own
 * monotonic clock, so clock skew between machines does not matter). Every write is conditional on the record's
 * revision, so two candidates can never both win. A server restarted with the same identity resumes its own lease at
 * once.
 *
 * <p>One platform thread ("leader-election") does all store calls and starts/stops the controllers; {@link #close()}
 * stops the controllers and gives the lease up.
 */
public final class LeaderElection implements AutoCloseable {
    private static final Logger LOG = System.getLogger("nodenet.controllers");
    static final String KEY = "/registry/leases/nodenet-controller-manager";

    private final Store store;
    private final String identity;
    private final Duration leaseDuration;
    private final Callable<AutoCloseable> startControllers;
    private final ScheduledExecutorService thread;
    private AutoCloseable running; // only touched on the election thread (and in close, after it stopped)
    private long observedRevision;
    private long observedAtNanos;
    private volatile boolean leader;

    private LeaderElection(Store store, String identity, Duration leaseDuration, Callable<AutoCloseable> startControllers) {
        this.store = store;
        this.identity = identity;
        this.leaseDuration = leaseDuration;
        this.startControllers = startControllers;
        this.thread = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("leader-election").daemon(true).factory());
    }

    /**
     * Campaigns for the lease; the first attempt happens before this returns, so a lone server runs its controllers
     * right away. {@code startControllers} is called each time this server becomes the leader.
     */
    public static LeaderElection start(Store store, String identity, Duration leaseDuration, Callable<AutoCloseable> startControllers)
            throws Exception {
        LeaderElection e = new LeaderElection(store, identity, leaseDuration, startControllers);
        e.thread.submit(e::tick).get(leaseDuration.toMillis() + 10_000, TimeUnit.MILLISECONDS);
        long periodMs = Math.max(10, leaseDuration.toMillis() / 3);
        e.thread.scheduleWithFixedDelay(e::tick, periodMs, periodMs, TimeUnit.MILLISECONDS);
        return e;
    }

    public boolean isLeader() { return leader; }

    private void tick() {
        try {
            boolean holds = campaign();
            if (holds && running == null) {
                LOG.log(Level.INFO, identity + " became the controller leader");
                running = startControllers.call();
                leader = true;
            } else if (!holds && running != null) {
                LOG.log(Level.WARNING, identity + " lost the controller lease; stopping controllers");
                stopControllers();
            }
        } catch (Exception e) {
            // A store we cannot reach is a lease we cannot renew: step down rather than risk two leaders.
            LOG.log(Level.WARNING, "leader election: " + e.getMessage());
            if (running != null) stopControllers();
        }
    }

    /** One round; true when this server holds the lease afterwards. */
    private boolean campaign() {
        Optional<Store.Entry> current = store.get(KEY);
        byte[] mine = ("{\"holderIdentity\":\"" + identity.replace("\"", "") + "\"}").getBytes(StandardCharsets.UTF_8);
        if (current.isEmpty()) {
            try {
                store.create(KEY, mine);
                return true;
            } catch (StoreException.AlreadyExists lost) {
                return false;
            }
        }
        Store.Entry e = current.get();
        String holder = new String(e.value(), StandardCharsets.UTF_8);
        boolean ours = holder.contains("\"holderIdentity\":\"" + identity.replace("\"", "") + "\"");
        if (e.modRevision() != observedRevision) {
            observedRevision = e.modRevision();
            observedAtNanos = System.nanoTime();
        }
        boolean expired = System.nanoTime() - observedAtNanos > leaseDuration.toNanos();
        if (!ours && !expired) return false;
        try {
            // renew (ours) or take over (expired): the same conditional write, so only one candidate can succeed
            Store.Entry renewed = store.update(KEY, mine, e.modRevision());
            observedRevision = renewed.modRevision();
            observedAtNanos = System.nanoTime();
            return true;
        } catch (StoreException.Conflict | StoreException.NotFound lost) {
            return false;
        }
    }

    private void stopControllers() {
        leader = false;
        try {
            running.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "stopping controllers failed", e);
        }
        running = null;
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (running != null) {
            stopControllers();
            try {
                // give the lease up so another server need not wait for it to expire
                store.get(KEY).ifPresent(e -> store.delete(KEY, e.modRevision()));
            } catch (RuntimeException ignored) {
                // it expires by itself
            }
        }
    }
}
