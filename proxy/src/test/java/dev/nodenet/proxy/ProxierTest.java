package dev.nodenet.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodenet.api.model.EndpointSlice;
import dev.nodenet.api.model.Service;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The core's change tracking and sync policy, against a Backend that records what it is asked to program. */
class ProxierTest {
    record Call(ProxyState state, Changes changes) {
    }

    /** Records syncs; fails the next {@code failures} of them. */
    static final class RecordingBackend implements Backend {
        final LinkedBlockingQueue<Call> calls = new LinkedBlockingQueue<>();
        volatile int failures;

        public String mode() {
            return "recording";
        }

        public void sync(ProxyState state, Changes changes) throws BackendException {
            boolean fail = failures > 0; // decided before the test thread can see this call
            if (fail) failures--;
            calls.add(new Call(state, changes));
            if (fail) throw new BackendException("injected failure");
        }

        public void cleanup() {
        }

        Call next() throws InterruptedException {
            Call c = calls.poll(5, TimeUnit.SECONDS);
            if (c == null) throw new AssertionError("no sync within 5 s");
            return c;
        }
    }

    final RecordingBackend backend = new RecordingBackend();
    final Metrics metrics = new Metrics();
    Proxier proxier;

    Proxier start(Duration minSync, Duration sync) {
        proxier = new Proxier(Fixtures.config(minSync, sync), backend, metrics, null, () -> List.of("192.168.0.2"));
        proxier.start();
        return proxier;
    }

    @AfterEach
    void stop() {
        if (proxier != null) proxier.close();
    }

    @Test
    void firstSyncIsFullThenPartialWithJustWhatChanged() throws Exception {
        start(Duration.ZERO, Duration.ofMinutes(5));
        Call first = backend.next();
        assertTrue(first.changes().full());
        assertEquals(List.of("192.168.0.2"), first.state().node().localAddresses());

        proxier.serviceHandler().onAdd(Fixtures.service("ns", "a", "10.96.0.1", Fixtures.port("http", "TCP", 80)));
        proxier.endpointSliceHandler().onAdd(Fixtures.slice("ns", "a", "a-1", "IPv4", List.of(Fixtures.ep("10.0.0.1", "node-a")),
                Fixtures.slicePort("http", "TCP", 8080)));
        ServicePortName a = new ServicePortName("ns", "a", "http", "TCP");
        Call c;
        do {
            c = backend.next();
        } while (c.state().services().get(a) == null || c.state().services().get(a).endpoints().isEmpty());
        assertFalse(c.changes().full());
        assertTrue(c.changes().servicePorts().contains(a));
        ServicePortState st = c.state().services().get(a);
        assertEquals("10.0.0.1:8080", st.ipv4().clusterEndpoints().getFirst().endpoint());
        assertTrue(st.ipv4().clusterEndpoints().getFirst().local());

        proxier.serviceHandler().onAdd(Fixtures.service("ns", "b", "10.96.0.2", Fixtures.port("", "TCP", 80)));
        c = backend.next();
        assertEquals(Set.of(new ServicePortName("ns", "b", "", "TCP")), c.changes().servicePorts());
        assertEquals(2, c.state().services().size());

        proxier.serviceHandler().onDelete(Fixtures.service("ns", "a", "10.96.0.1"));
        c = backend.next();
        assertEquals(Set.of(a), c.changes().servicePorts(), "a deleted port is reported as changed");
        assertFalse(c.state().services().containsKey(a));
        assertEquals(3, metrics.render().lines().filter(l -> l.startsWith("kubeproxy_sync_proxy_rules_service_changes_total ")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1])).sum());
    }

    @Test
    void failedSyncIsRetriedAsAFullSync() throws Exception {
        start(Duration.ZERO, Duration.ofMinutes(5));
        backend.next();
        backend.failures = 1;
        proxier.serviceHandler().onAdd(Fixtures.service("ns", "a", "10.96.0.1", Fixtures.port("", "TCP", 80)));
        Call failed = backend.next();
        assertFalse(failed.changes().full());
        long start = System.nanoTime();
        Call retry = backend.next();
        assertTrue(retry.changes().full(), "after a failure the next sync is full");
        assertTrue(retry.state().services().containsKey(new ServicePortName("ns", "a", "", "TCP")));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(80), "retried after a backoff, not at once");
    }

    @Test
    void minSyncPeriodBatchesChanges() throws Exception {
        start(Duration.ofMillis(700), Duration.ofMinutes(5));
        backend.next();
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            proxier.serviceHandler().onAdd(Fixtures.service("ns", "s" + i, "10.96.1." + (i + 1), Fixtures.port("", "TCP", 80)));
        }
        Call c = backend.next();
        int seen = c.state().services().size();
        while (seen < 20) seen = backend.next().state().services().size();
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(600), "no sync before minSyncPeriod");
        assertTrue(backend.calls.size() <= 1, "20 changes were batched into few syncs");
    }

    @Test
    void syncPeriodSyncsArePartialAndTheFullSyncPeriodForcesAFullOne() throws Exception {
        start(Duration.ZERO, Duration.ofMillis(300));
        assertTrue(backend.next().changes().full());
        Call periodic = backend.next();
        assertFalse(periodic.changes().full(), "a syncPeriod run without changes rewrites nothing (kube-proxy's partial sync)");
        assertEquals(java.util.Set.of(), periodic.changes().servicePorts());
        proxier.close();
        backend.calls.clear();
        proxier = new Proxier(Fixtures.config(Duration.ZERO, Duration.ofMillis(300)), backend, new Metrics(), null,
                () -> List.of("192.168.0.2"), java.time.Clock.systemUTC(), Duration.ofMillis(200));
        proxier.start();
        assertTrue(backend.next().changes().full());
        Call later = backend.next();
        while (!later.changes().full()) later = backend.next();
        assertTrue(later.changes().full(), "the full sync period forces a full sync without changes");
    }

    @Test
    void invalidObjectsNeverStopTheSync() throws Exception {
        start(Duration.ZERO, Duration.ofMinutes(5));
        backend.next();
        Service bad = Fixtures.service("ns", "bad", "10.96.0.300", Fixtures.port("", "TCP", 80));
        Service good = Fixtures.service("ns", "good", "10.96.0.3", Fixtures.port("", "TCP", 80));
        proxier.serviceHandler().onAdd(bad);
        proxier.serviceHandler().onAdd(good);
        proxier.endpointSliceHandler().onAdd(Fixtures.slice("ns", "good", "g-1", "IPv4",
                List.of(Fixtures.ep("10.0.0.999", "n"), Fixtures.ep("10.0.0.9", "n")), Fixtures.slicePort("", "TCP", 8080)));
        EndpointSlice orphan = Fixtures.slice("ns", "good", "orphan", "IPv4", List.of(Fixtures.ep("10.0.0.8", "n")), Fixtures.slicePort("", "TCP", 8080));
        proxier.endpointSliceHandler().onAdd(orphan.withMetadata(orphan.metadata().withLabels(java.util.Map.of())));
        ServicePortName g = new ServicePortName("ns", "good", "", "TCP");
        Call c;
        do {
            c = backend.next();
        } while (c.state().services().get(g) == null || c.state().services().get(g).endpoints().isEmpty());
        assertEquals(1, c.state().services().size());
        assertEquals(1, c.state().services().get(g).endpoints().size());
        String m = metrics.render();
        assertTrue(m.contains("nodenet_proxy_skipped_objects_total{kind=\"Service\",reason=\"invalid_ip\"} 1"), m);
        assertTrue(m.contains("nodenet_proxy_skipped_objects_total{kind=\"EndpointSlice\",reason=\"invalid_ip\"} 1"), m);
        assertTrue(m.contains("nodenet_proxy_skipped_objects_total{kind=\"EndpointSlice\",reason=\"missing_service_name\"} 1"), m);
        assertEquals(List.of("10.0.0.9"), c.state().services().get(g).endpoints().stream().map(EndpointInfo::ip).toList(),
                "a slice without the service-name label adds nothing");
    }

    @Test
    void nodeZoneFeedsTopologyAndNodeChangesForceFullSync() throws Exception {
        start(Duration.ZERO, Duration.ofMinutes(5));
        backend.next();
        var node = dev.nodenet.api.model.Node.of(Fixtures.meta(null, "node-a", java.util.Map.of(dev.nodenet.api.model.Node.ZONE_LABEL, "zone-1")));
        proxier.nodeHandler().onAdd(node);
        Call c = backend.next();
        assertTrue(c.changes().full());
        assertEquals("zone-1", c.state().node().zone());
        proxier.nodeHandler().onAdd(dev.nodenet.api.model.Node.of(Fixtures.meta(null, "node-other", null)));
        proxier.requestSync();
        assertEquals("zone-1", backend.next().state().node().zone(), "other nodes are ignored");
    }
}
