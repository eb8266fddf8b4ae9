package dev.nodenet.controlplane.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.storage.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Manual benchmark (not a test: surefire does not pick it up): time from a Pod's Ready change (the status write
 * returning) to the EndpointSlice carrying it (seen by a store watch), with {@code services} Services of
 * {@code podsPerService} Pods each. Run with the test classpath:
 * {@code java -cp control-plane/target/classes:control-plane/target/test-classes:<deps> \
 * dev.nodenet.controlplane.controller.EndpointSliceLatencyBenchmark [services] [podsPerService] [samples]}.
 */
public final class EndpointSliceLatencyBenchmark {

    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int podsPerService = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int samples = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        Path dir = Files.createTempDirectory("endpointslice-bench");
        try (TestCluster c = new TestCluster(dir)) {
            c.startControllers(ControllerConfig.defaults());
            Map<String, CountDownLatch> waiting = new ConcurrentHashMap<>();
            Store.Watch watch = c.store.watch(EndpointSliceController.SLICES.keyPrefix(), c.store.currentRevision(), event -> {
                if (waiting.isEmpty() || event.type() == Store.Event.Type.DELETED) return;
                ObjectNode slice = c.registry.decodeBytes(event.value());
                for (JsonNode ep : slice.path("endpoints")) {
                    String pod = ep.path("targetRef").path("name").asText();
                    CountDownLatch l = waiting.get(pod);
                    if (l != null && ep.path("conditions").path("ready").asBoolean() == expectReady.getOrDefault(pod, true)) l.countDown();
                }
            });
            long t0 = System.nanoTime();
            for (int s = 0; s < services; s++) {
                c.service("svc-" + s, "{\"app\":\"a" + s + "\"}", "[{\"name\":\"http\",\"port\":80,\"targetPort\":8080,\"protocol\":\"TCP\"}]");
                for (int p = 0; p < podsPerService; p++) {
                    int n = s * podsPerService + p;
                    c.pod("p-" + s + "-" + p, "{\"app\":\"a" + s + "\"}", "10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255), "n1", false);
                }
            }
            long created = System.nanoTime();
            TestCluster.await("all endpoints", java.time.Duration.ofMinutes(5), () -> c.registry.list(EndpointSliceController.SLICES, "default", o -> true)
                    .items().stream().mapToInt(sl -> sl.path("endpoints").size()).sum() == services * podsPerService);
            long converged = System.nanoTime();
            System.out.printf("setup: %d services x %d pods written in %.1f s; slices complete %.0f ms after the last write%n",
                    services, podsPerService, (created - t0) / 1e9, (converged - created) / 1e6);

            Random random = new Random(42);
            long[] latency = new long[samples];
            for (int i = 0; i < samples; i++) {
                String pod = "p-" + random.nextInt(services) + "-" + random.nextInt(podsPerService);
                boolean ready = !c.registry.get(TestCluster.PODS, "default", pod).path("status").path("conditions").path(0).path("status").asText().equals("True");
                CountDownLatch latch = new CountDownLatch(1);
                expectReady.put(pod, ready);
                waiting.put(pod, latch);
                String ip = c.registry.get(TestCluster.PODS, "default", pod).path("status").path("podIP").asText();
                long start = System.nanoTime();
                c.setPodStatus(pod, ip, ready);
                if (!latch.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("no slice update for " + pod);
                latency[i] = System.nanoTime() - start;
                waiting.remove(pod);
            }
            Arrays.sort(latency);
            System.out.printf("pod Ready change -> EndpointSlice (%d samples, sequential): median %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    samples, ms(latency, 0.5), ms(latency, 0.9), ms(latency, 0.99), latency[samples - 1] / 1e6);

            // Burst: every Pod of 100 Services flips at once; time until the last slice shows it.
            int burstServices = Math.min(100, services);
            CountDownLatch all = new CountDownLatch(burstServices * podsPerService);
            for (int s = 0; s < burstServices; s++) {
                for (int p = 0; p < podsPerService; p++) {
                    String pod = "p-" + s + "-" + p;
                    boolean ready = !c.registry.get(TestCluster.PODS, "default", pod).path("status").path("conditions").path(0).path("status").asText().equals("True");
                    expectReady.put(pod, ready);
                }
            }
            for (int s = 0; s < burstServices; s++) for (int p = 0; p < podsPerService; p++) waiting.put("p-" + s + "-" + p, all);
            long burstStart = System.nanoTime();
            for (int s = 0; s < burstServices; s++) {
                for (int p = 0; p < podsPerService; p++) {
                    String pod = "p-" + s + "-" + p;
                    c.setPodStatus(pod, c.registry.get(TestCluster.PODS, "default", pod).path("status").path("podIP").asText(), expectReady.get(pod));
                }
            }
            long burstWritten = System.nanoTime();
            all.await(60, TimeUnit.SECONDS);
            long burstDone = System.nanoTime();
            System.out.printf("burst: %d pod status writes in %.0f ms; last slice updated %.0f ms after the first write, %.0f ms after the last%n",
                    burstServices * podsPerService, (burstWritten - burstStart) / 1e6, (burstDone - burstStart) / 1e6, (burstDone - burstWritten) / 1e6);
            watch.close();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Pods whose next slice update the watch is waiting for, and the ready value expected. */
    private static final Map<String, Boolean> expectReady = new ConcurrentHashMap<>();

    private static double ms(long[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))] / 1e6;
    }
}
