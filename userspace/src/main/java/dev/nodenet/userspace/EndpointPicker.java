package dev.nodenet.userspace;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Chooses the endpoint for a new connection (TCP) or client session (UDP) of one listener: round-robin over the
 * endpoints the proxy core selected, with ClientIP session affinity when the Service asks for it (a client keeps its
 * endpoint while it comes back within {@code stickySeconds} of its last connection, like kube-proxy's userspace
 * LoadBalancerRR).
 * <p>Threading: {@link #update} is called on the proxy's sync thread; {@link #pick} and {@link #failed} on any event
 * loop, concurrently. The endpoint list is an immutable snapshot swapped atomically; affinity lives in a concurrent
 * map, so a pick racing an update sees either the old or the new endpoints, never a mix.
 */
final class EndpointPicker {
    private record Affinity(InetSocketAddress endpoint, long lastUsedNanos) {
    }

    private record Snapshot(List<InetSocketAddress> endpoints, long stickyNanos) {
    }

    private final AtomicInteger next = new AtomicInteger();
    private final Map<InetAddress, Affinity> affinity = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;
    private volatile Snapshot snapshot = new Snapshot(List.of(), 0);

    EndpointPicker() {
        this(System::nanoTime);
    }

    /** @param nanoClock a monotonic clock in nanoseconds (tests pass a fake one) */
    EndpointPicker(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * Replaces the endpoint set. Affinity entries pointing at endpoints that remain stay valid; established connections
     * are not this class's business (they keep their endpoint whatever happens here).
     */
    void update(List<InetSocketAddress> endpoints, int stickySeconds) {
        List<InetSocketAddress> copy = List.copyOf(endpoints);
        snapshot = new Snapshot(copy, TimeUnit.SECONDS.toNanos(stickySeconds));
        if (stickySeconds == 0) affinity.clear();
        else affinity.values().removeIf(a -> !copy.contains(a.endpoint()));
    }

    List<InetSocketAddress> endpoints() {
        return snapshot.endpoints();
    }

    boolean contains(InetSocketAddress endpoint) {
        return snapshot.endpoints().contains(endpoint);
    }

    /**
     * The endpoint for a new connection from {@code client}, skipping those in {@code tried} (which failed for this
     * connection already); null when none is left.
     */
    InetSocketAddress pick(InetAddress client, Collection<InetSocketAddress> tried) {
        Snapshot s = snapshot;
        List<InetSocketAddress> eps = s.endpoints();
        int n = eps.size();
        if (n == 0) return null;
        long now = s.stickyNanos() > 0 ? nanoClock.getAsLong() : 0;
        if (s.stickyNanos() > 0) {
            Affinity a = affinity.get(client);
            if (a != null && now - a.lastUsedNanos() < s.stickyNanos() && eps.contains(a.endpoint()) && !tried.contains(a.endpoint())) {
                affinity.put(client, new Affinity(a.endpoint(), now));
                return a.endpoint();
            }
        }
        int start = Math.floorMod(next.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            InetSocketAddress ep = eps.get((start + i) % n);
            if (tried.contains(ep)) continue;
            if (s.stickyNanos() > 0) affinity.put(client, new Affinity(ep, now));
            return ep;
        }
        return null;
    }

    /** Connecting {@code client} to {@code endpoint} failed: its affinity must not send it there again. */
    void failed(InetAddress client, InetSocketAddress endpoint) {
        affinity.computeIfPresent(client, (k, a) -> a.endpoint().equals(endpoint) ? null : a);
    }

    /** Drops affinity entries idle longer than the timeout (called now and then so the map does not grow forever). */
    void expireAffinity() {
        long sticky = snapshot.stickyNanos();
        if (sticky == 0) return;
        long now = nanoClock.getAsLong();
        affinity.values().removeIf(a -> now - a.lastUsedNanos() >= sticky);
    }
}
