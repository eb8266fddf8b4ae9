package dev.nodenet.controlplane.service;

import static dev.nodenet.controlplane.service.Harness.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.server.ApiException;
import dev.nodenet.controlplane.storage.SqliteStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Concurrent creates, two allocators (two API servers) over one store, and restarts never hand a value out twice. */
class NoDoubleAllocationTest {
    @TempDir
    Path dir;

    /** 62 usable IPs (61 dynamic) and 60 node ports for 50 Services: random picks collide and the scan path runs. */
    static final ServiceNetworkConfig TIGHT = ServiceNetworkConfig.parse("10.0.0.0/26", "30000-30059");

    @Test
    @Timeout(120)
    void fiftyConcurrentCreatesThroughTwoAllocatorsGetDistinctValues() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir)) {
            Harness a = new Harness(store, TIGHT);
            Harness b = new Harness(store, TIGHT);
            List<ObjectNode> created = createConcurrently(List.of(a, b), 50, "s");
            assertDistinct(created, 50);
            assertEquals(100, a.recordKeys().size());
        }
    }

    @Test
    @Timeout(120)
    void fiftyConcurrentCreatesWithDefaultRanges() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir)) {
            Harness h = new Harness(store, ServiceNetworkConfig.DEFAULT);
            assertDistinct(createConcurrently(List.of(h), 50, "d"), 50);
        }
    }

    @Test
    @Timeout(120)
    void raceForTheLastValuesHasOneWinnerEach() throws Exception {
        ServiceNetworkConfig tiny = ServiceNetworkConfig.parse("10.0.0.0/29", "30000-30003"); // 5 dynamic IPs, 4 ports
        try (SqliteStore store = SqliteStore.open(dir)) {
            Harness a = new Harness(store, tiny);
            Harness b = new Harness(store, tiny);
            ExecutorService pool = Executors.newFixedThreadPool(16);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ObjectNode>> futures = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                Harness h = i % 2 == 0 ? a : b;
                ObjectNode svc = service("r" + i, "{'type':'NodePort','ports':[{'port':80}]}");
                futures.add(pool.submit(() -> {
                    go.await();
                    return h.create(svc);
                }));
            }
            go.countDown();
            List<ObjectNode> won = new ArrayList<>();
            int refused = 0;
            for (Future<ObjectNode> f : futures) {
                try {
                    won.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    assertEquals(500, ((ApiException) e.getCause()).code());
                    refused++;
                }
            }
            pool.shutdown();
            assertEquals(4, won.size());
            assertEquals(12, refused);
            assertDistinct(won, 4);
            assertEquals(8, a.recordKeys().size()); // the losers gave back the IPs they had claimed
        }
    }

    @Test
    void restartKeepsAllocations() {
        ServiceNetworkConfig small = ServiceNetworkConfig.parse("10.0.0.0/27", "30000-30029"); // 29 dynamic IPs, 30 ports
        List<ObjectNode> all = new ArrayList<>();
        try (SqliteStore store = SqliteStore.open(dir)) {
            Harness h = new Harness(store, small);
            for (int i = 0; i < 15; i++) all.add(h.create(service("a" + i, "{'type':'NodePort','ports':[{'port':80}]}")));
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            Harness h = new Harness(store, small);
            for (int i = 0; i < 14; i++) all.add(h.create(service("b" + i, "{'type':'NodePort','ports':[{'port':80}]}")));
            assertDistinct(all, 29);
            ApiException full = assertThrows(ApiException.class, () -> h.create(service("c", "{'ports':[{'port':80}]}")));
            assertEquals("Internal error occurred: failed to allocate a serviceIP: range is full", full.getMessage());
        }
    }

    static List<ObjectNode> createConcurrently(List<Harness> harnesses, int n, String prefix) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<ObjectNode>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Harness h = harnesses.get(i % harnesses.size());
            ObjectNode svc = service(prefix + i, "{'type':'NodePort','ports':[{'port':80}]}");
            futures.add(pool.submit(() -> {
                go.await();
                return h.create(svc);
            }));
        }
        go.countDown();
        List<ObjectNode> out = new ArrayList<>();
        for (Future<ObjectNode> f : futures) out.add(f.get());
        pool.shutdown();
        return out;
    }

    static void assertDistinct(List<ObjectNode> services, int n) {
        Set<String> ips = new HashSet<>();
        Set<Integer> ports = new HashSet<>();
        for (ObjectNode s : services) {
            ips.add(s.path("spec").path("clusterIP").asText());
            ports.add(s.path("spec").path("ports").get(0).path("nodePort").asInt());
        }
        assertEquals(n, ips.size(), "distinct IPs " + ips);
        assertEquals(n, ports.size(), "distinct node ports " + ports);
    }
}
