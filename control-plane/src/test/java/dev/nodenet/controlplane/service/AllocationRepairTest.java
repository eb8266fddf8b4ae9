package dev.nodenet.controlplane.service;

import static dev.nodenet.controlplane.service.Harness.service;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.storage.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

class AllocationRepairTest {
    static final ServiceNetworkConfig CFG = ServiceNetworkConfig.DEFAULT;
    static final Duration GRACE = Duration.ofMinutes(1);

    @TempDir
    Path dir;
    SqliteStore store;
    final AtomicLong nowMs = new AtomicLong(1_700_000_000_000L);
    final Clock clock = new Clock() {
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return Instant.ofEpochMilli(nowMs.get()); }
    };
    Harness h;
    AllocationRepair repair;

    @BeforeEach
    void open() {
        store = SqliteStore.open(dir);
        h = new Harness(store, CFG, clock);
        repair = new AllocationRepair(store, CFG, clock, GRACE);
    }

    @AfterEach
    void close() {
        repair.close();
        store.close();
    }

    void advance(Duration d) {
        nowMs.addAndGet(d.toMillis());
    }

    /** Claims as a create does, then "crashes" before the Service write. */
    ObjectNode leak(String name, String spec) {
        ObjectNode svc = service(name, spec);
        ((ObjectNode) svc.get("metadata")).put("uid", UUID.randomUUID().toString());
        h.strategy.prepareForCreate(svc);
        h.strategy.beginWrite(svc, null, false);
        return svc;
    }

    @Test
    void leakedRecordsAreReleasedOnlyAfterTheGracePeriod() {
        ObjectNode kept = h.create(service("kept", "{'type':'NodePort','ports':[{'port':80}]}"));
        leak("crashed", "{'type':'NodePort','ports':[{'port':80}]}");
        assertEquals(4, h.recordKeys().size());

        assertEquals(new AllocationRepair.Result(0, 0, List.of()), repair.runOnce());
        assertEquals(4, h.recordKeys().size());

        advance(GRACE.plusSeconds(1));
        assertEquals(new AllocationRepair.Result(2, 0, List.of()), repair.runOnce());
        assertEquals(new HashSet<>(ServiceAllocator.keys((ObjectNode) kept.get("spec"))), new HashSet<>(h.recordKeys()));
        assertEquals(new AllocationRepair.Result(0, 0, List.of()), repair.runOnce());
    }

    @Test
    void recordsOfRecreatedServicesOrDroppedValuesAreReleased() {
        ObjectNode a = h.create(service("a", "{'type':'NodePort','ports':[{'port':80}]}"));
        int np = a.path("spec").path("ports").get(0).path("nodePort").asInt();
        // The Service lost its nodePort without a release (say, written by a server without allocation).
        ObjectNode changed = a.deepCopy();
        ((ObjectNode) changed.path("spec").path("ports").get(0)).remove("nodePort");
        store.update(Harness.key(a), Harness.bytes(changed), 0);
        // Another Service's records point at a name that now has a different uid.
        ObjectNode b = h.create(service("b", "{'ports':[{'port':80}]}"));
        ObjectNode bAgain = b.deepCopy();
        ((ObjectNode) bAgain.get("metadata")).put("uid", UUID.randomUUID().toString());
        store.update(Harness.key(b), Harness.bytes(bAgain), 0);
        // Garbage under the prefix.
        store.create(AllocationRecords.portKey(30999), "not json".getBytes(UTF_8));

        advance(GRACE.plusSeconds(1));
        AllocationRepair.Result r = repair.runOnce();
        // released: a's port, b's IP (old uid), the garbage; recreated: b's IP for its new uid.
        assertEquals(3, r.released());
        assertEquals(1, r.recreated());
        assertTrue(!h.recordKeys().contains(AllocationRecords.portKey(np)));
        assertEquals(bAgain.path("metadata").path("uid").asText(),
                AllocationRecords.decode(store.get(AllocationRecords.ipKey(b.path("spec").path("clusterIP").asText())).orElseThrow().value()).uid());
    }

    @Test
    void missingRecordsAreRecreatedAndConflictsReported() {
        // Services stored before allocation was wired in: no records.
        store.create(Harness.SVC.key("default", "old1"), Harness.bytes(stored("old1", "{'type':'NodePort','clusterIP':'10.96.0.50','clusterIPs':['10.96.0.50'],'ports':[{'port':80,'nodePort':30050}]}")));
        store.create(Harness.SVC.key("default", "old2"), Harness.bytes(stored("old2", "{'clusterIP':'10.96.0.50','clusterIPs':['10.96.0.50'],'ports':[{'port':80}]}")));
        store.create(Harness.SVC.key("default", "old3"), Harness.bytes(stored("old3", "{'clusterIP':'10.200.0.1','clusterIPs':['10.200.0.1'],'ports':[{'port':80}]}")));
        // Unreadable Services are skipped, not fatal.
        store.create(Harness.SVC.key("default", "junk"), "not json".getBytes(UTF_8));
        store.create(Harness.SVC.key("default", "nometa"), "{\"spec\":{\"clusterIP\":\"10.96.0.60\"}}".getBytes(UTF_8));
        AllocationRepair.Result r = repair.runOnce();
        assertEquals(2, r.recreated());
        assertEquals(List.of("default/old2: /registry/allocations/clusterips/10.96.0.50 is held by default/old1",
                "default/old3: /registry/allocations/clusterips/10.200.0.1 is outside the configured range"), r.problems().stream().sorted().toList());
        // Now a create cannot take what old1 holds.
        assertTrue(h.recordKeys().containsAll(List.of(AllocationRecords.ipKey("10.96.0.50"), AllocationRecords.portKey(30050))));
    }

    @Test
    @Timeout(120)
    void repairRunningDuringCreatesTakesNothingInUse() throws Exception {
        advance(Duration.ofHours(1)); // records are stamped "now": the grace period alone protects in-flight creates
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger released = new AtomicInteger();
        Thread t = Thread.ofPlatform().start(() -> {
            while (!stop.get()) released.addAndGet(repair.runOnce().released());
        });
        List<ObjectNode> created;
        try {
            created = NoDoubleAllocationTest.createConcurrently(List.of(h), 50, "c");
        } finally {
            stop.set(true);
            t.join();
        }
        assertEquals(0, released.get());
        NoDoubleAllocationTest.assertDistinct(created, 50);
        Set<String> expected = new HashSet<>();
        for (ObjectNode s : created) expected.addAll(ServiceAllocator.keys((ObjectNode) s.get("spec")));
        assertEquals(expected, new HashSet<>(h.recordKeys()));
    }

    @Test
    @Timeout(60)
    void periodicRepairRunsUntilClosed() throws Exception {
        leak("crashed", "{'ports':[{'port':80}]}");
        advance(GRACE.plusSeconds(1));
        repair.start(Duration.ofMillis(20));
        while (!h.recordKeys().isEmpty()) Thread.sleep(10);
        repair.close();
        leak("crashed2", "{'ports':[{'port':80}]}");
        advance(GRACE.plusSeconds(1));
        Thread.sleep(200);
        assertEquals(1, h.recordKeys().size());
    }

    private static ObjectNode stored(String name, String spec) {
        ObjectNode s = service(name, spec);
        ((ObjectNode) s.get("metadata")).put("uid", UUID.randomUUID().toString());
        return s;
    }
}
