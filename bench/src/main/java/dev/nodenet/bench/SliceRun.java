package dev.nodenet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodenet.api.client.KubeConfig;
import dev.nodenet.controlplane.server.ApiServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One row of {@link SliceLatency}: a fresh API server (in this JVM) on SQLite or on a fresh etcd child process, loaded
 * with Services and Pods over HTTPS the way a kubelet reports them, then timed from a Pod's Ready flip (pods/status
 * merge patch) to the EndpointSlice watch event that carries it. {@link #measure} runs on the caller's thread and uses
 * virtual threads for the load, the burst and the watch reader; {@link #close} stops everything and deletes the data.
 */
final class SliceRun implements AutoCloseable {
    static final String NAMESPACE = "bench";
    /** Requests in flight while loading (one HTTPS/1.1 connection each). */
    static final int LOAD_CONCURRENCY = 32;
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** How long one flip may take to show up before it counts as missed. */
    static final Duration SAMPLE_TIMEOUT = Duration.ofSeconds(15);
    static final Duration BURST_TIMEOUT = Duration.ofSeconds(60);
    /** The sequential samples stop after this long; the ones not taken count as missed. */
    static final Duration SAMPLES_BUDGET = Duration.ofMinutes(10);
    /** Unmeasured flips before the samples: they prove the watch is live and warm the paths up. */
    static final int WARMUP_FLIPS = 10;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One row. {@code latencyNanos} is sorted and holds only completed samples; -1 burst = not all reflected. */
    record Result(String store, int services, int pods, double loadSeconds, long[] latencyNanos, int missed,
                  int burstSize, long burstNanos, int burstMissed, String firstError) {}

    private final String label;
    private final Path dataDir;
    private final EtcdProcess etcd;
    private final ApiServer server;
    private final KubeConfig config;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http;
    private final HttpClient watchHttp;
    private final AtomicReference<String> firstError = new AtomicReference<>();
    /** Pod name → the ready value the watch is waiting to see for it. */
    private final Map<String, Expect> waiting = new ConcurrentHashMap<>();

    /** A flip the watch reader completes; written by the reader thread, read after the latch opened. */
    private static final class Expect {
        final boolean ready;
        final CountDownLatch latch;
        volatile long arrivedNanos;

        Expect(boolean ready, CountDownLatch latch) {
            this.ready = ready;
            this.latch = latch;
        }
    }

    private SliceRun(String label, Path dataDir, EtcdProcess etcd, ApiServer server) {
        this.label = label;
        this.dataDir = dataDir;
        this.etcd = etcd;
        this.server = server;
        this.config = KubeConfig.load(server.kubeconfig());
        this.http = client();
        this.watchHttp = client();
    }

    /** A fresh server on SQLite in a temporary directory, or ({@code etcdBinary} non-null) on a fresh etcd. */
    static SliceRun start(String etcdBinary) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("nodenet-bench-slices-");
        EtcdProcess etcd = null;
        ApiServer server = null;
        try {
            ApiServer.Config cfg = ApiServer.Config.defaults(dir).withPort(0);
            String label = "sqlite";
            if (etcdBinary != null) {
                label = "etcd " + EtcdTarget.majorMinor(EtcdTarget.version(etcdBinary));
                etcd = EtcdProcess.start(etcdBinary, Duration.ofSeconds(20));
                cfg = cfg.withEtcd(List.of(URI.create(etcd.clientUrl())), "/nodenet");
            }
            server = ApiServer.start(cfg);
            return new SliceRun(label, dir, etcd, server);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (server != null) server.close();
            if (etcd != null) etcd.close();
            Dirs.deleteTree(dir);
            throw e;
        }
    }

    private HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(config.sslContext())
                .connectTimeout(Duration.ofSeconds(10))
                .executor(threads)
                .build();
    }

    /**
     * Loads {@code services} × {@code podsPerService}, then takes {@code samples} sequential flips and one burst of
     * {@code burst} simultaneous flips. {@code loadTimeout} bounds the load plus the slices catching up.
     */
    Result measure(int services, int podsPerService, int samples, int burst, Duration loadTimeout, long seed) throws Exception {
        int pods = services * podsPerService;
        long loadStart = System.nanoTime();
        long loadDeadline = loadStart + loadTimeout.toNanos();
        send("POST", "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + NAMESPACE + "\"}}", 201);
        load(services, podsPerService, loadDeadline);
        String rv = awaitSlices(services, podsPerService, loadDeadline);
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;

        boolean[] ready = new boolean[pods];
        openWatch(rv);
        Random random = new Random(seed);
        for (int i = 0; i < Math.min(WARMUP_FLIPS, samples); i++) flip(random.nextInt(pods), podsPerService, ready);
        long[] latency = new long[samples];
        int done = 0;
        long samplesDeadline = System.nanoTime() + SAMPLES_BUDGET.toNanos();
        for (int i = 0; i < samples && firstError.get() == null && System.nanoTime() < samplesDeadline; i++) {
            long l = flip(random.nextInt(pods), podsPerService, ready);
            if (l >= 0) latency[done++] = l;
        }
        latency = Arrays.copyOf(latency, done);
        Arrays.sort(latency);

        int burstSize = Math.min(burst, pods);
        long burstNanos = -1;
        int burstMissed = burstSize;
        if (firstError.get() == null) {
            long[] r = burst(burstSize, podsPerService, ready, random);
            burstNanos = r[0];
            burstMissed = (int) r[1];
        }
        return new Result(label, services, pods, loadSeconds, latency, samples - done, burstSize, burstNanos, burstMissed, firstError.get());
    }

    static String podName(int pod, int podsPerService) {
        return "p-" + pod / podsPerService + "-" + pod % podsPerService;
    }

    /** A unique address in 10.0.0.0/8 for Pod number {@code n} (fewer than 2^24 - 2 Pods). */
    static String podIp(int n) {
        int a = n + 1;
        return "10." + (a >> 16 & 255) + "." + (a >> 8 & 255) + "." + (a & 255);
    }

    /** Each worker takes the next Service and writes it, its Pods and their statuses, until done or the deadline. */
    private void load(int services, int podsPerService, long deadlineNanos) throws InterruptedException, IOException {
        AtomicInteger next = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < Math.min(LOAD_CONCURRENCY, services); w++) {
            workers.add(Thread.ofVirtual().name("slice-load-" + w).start(() -> {
                int s;
                while (firstError.get() == null && System.nanoTime() < deadlineNanos && (s = next.getAndIncrement()) < services) {
                    try {
                        loadService(s, podsPerService);
                    } catch (Exception e) {
                        firstError.compareAndSet(null, "loading svc-" + s + ": " + e.getMessage());
                    }
                }
            }));
        }
        for (Thread t : workers) t.join(Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000 + REQUEST_TIMEOUT.toMillis()));
        if (firstError.get() != null) throw new IOException(firstError.get());
        if (next.get() < services) throw new IOException("load not done within the time limit: " + Math.min(next.get(), services) + " of " + services + " Services started");
    }

    private void loadService(int s, int podsPerService) throws IOException, InterruptedException {
        String app = "svc-" + s;
        send("POST", "/api/v1/namespaces/" + NAMESPACE + "/services", "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + app
                + "\"},\"spec\":{\"selector\":{\"app\":\"" + app + "\"},\"ports\":[{\"name\":\"http\",\"port\":80,\"targetPort\":8080,\"protocol\":\"TCP\"}]}}", 201);
        for (int p = 0; p < podsPerService; p++) {
            int n = s * podsPerService + p;
            String name = podName(n, podsPerService);
            send("POST", "/api/v1/namespaces/" + NAMESPACE + "/pods", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name
                    + "\",\"labels\":{\"app\":\"" + app + "\"}},\"spec\":{\"nodeName\":\"node-1\",\"containers\":[{\"name\":\"app\","
                    + "\"image\":\"registry.k8s.io/pause:3.10\",\"ports\":[{\"containerPort\":8080}]}]}}", 201);
            String ip = podIp(n);
            send("PATCH", statusPath(name), "{\"status\":{\"phase\":\"Running\",\"podIP\":\"" + ip + "\",\"podIPs\":[{\"ip\":\"" + ip
                    + "\"}],\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\"}]}}", 200);
        }
    }

    private static String statusPath(String pod) {
        return "/api/v1/namespaces/" + NAMESPACE + "/pods/" + pod + "/status";
    }

    /**
     * Polls the slice list until every Service has all its endpoints, not ready; returns the list's resourceVersion.
     */
    private String awaitSlices(int services, int podsPerService, long deadlineNanos) throws IOException, InterruptedException {
        String last = "no list yet";
        while (System.nanoTime() < deadlineNanos) {
            JsonNode list = MAPPER.readTree(send("GET", "/apis/discovery.k8s.io/v1/namespaces/" + NAMESPACE + "/endpointslices", null, 200));
            Map<String, Integer> endpoints = new HashMap<>();
            for (JsonNode slice : list.path("items")) {
                String svc = slice.path("metadata").path("labels").path("kubernetes.io/service-name").asText();
                int n = 0;
                for (JsonNode ep : slice.path("endpoints")) {
                    if (!ep.path("conditions").path("ready").asBoolean(true)) n++;
                }
                endpoints.merge(svc, n, Integer::sum);
            }
            int complete = 0;
            for (int s = 0; s < services; s++) if (endpoints.getOrDefault("svc-" + s, 0) == podsPerService) complete++;
            if (complete == services) return list.path("metadata").path("resourceVersion").asText();
            last = complete + " of " + services + " Services complete";
            Thread.sleep(250);
        }
        throw new IOException("EndpointSlices did not catch up within the time limit: " + last);
    }

    /** One watch on the namespace's slices from {@code rv}; its reader completes the {@link #waiting} flips. */
    private void openWatch(String rv) throws IOException, InterruptedException {
        URI uri = URI.create(server.url() + "/apis/discovery.k8s.io/v1/namespaces/" + NAMESPACE
                + "/endpointslices?watch=1&allowWatchBookmarks=true&timeoutSeconds=3600&resourceVersion=" + rv);
        HttpResponse<InputStream> r = watchHttp.send(request(uri).timeout(REQUEST_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            String text = new String(r.body().readNBytes(2000), StandardCharsets.UTF_8);
            r.body().close();
            throw new IOException("watch answered " + r.statusCode() + ": " + text);
        }
        threads.submit(() -> read(r.body()));
    }

    private void read(InputStream body) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), 64 * 1024)) {
            String line;
            while ((line = in.readLine()) != null) {
                long now = System.nanoTime();
                if (line.isEmpty()) continue;
                JsonNode ev = MAPPER.readTree(line);
                String type = ev.path("type").asText();
                if (type.equals("ERROR")) {
                    firstError.compareAndSet(null, "watch error: " + ev.path("object").path("message").asText());
                    return;
                }
                if (!type.equals("ADDED") && !type.equals("MODIFIED")) continue;
                for (JsonNode ep : ev.path("object").path("endpoints")) {
                    String pod = ep.path("targetRef").path("name").asText();
                    Expect e = waiting.get(pod);
                    if (e != null && ep.path("conditions").path("ready").asBoolean(false) == e.ready && waiting.remove(pod, e)) {
                        e.arrivedNanos = now;
                        e.latch.countDown();
                    }
                }
            }
            firstError.compareAndSet(null, "the watch ended");
        } catch (IOException e) {
            // cut by close() (the row's result is taken by then), or the server went away or sent garbage: the flips
            // still waiting time out and count as missed, and the row says why
            firstError.compareAndSet(null, "watch failed: " + e.getMessage());
        }
    }

    /** Flips one Pod's Ready and waits for the watch to show it; the latency in ns, or -1 when it did not show. */
    private long flip(int pod, int podsPerService, boolean[] ready) throws IOException, InterruptedException {
        String name = podName(pod, podsPerService);
        boolean want = !ready[pod];
        Expect e = new Expect(want, new CountDownLatch(1));
        waiting.put(name, e);
        long start = System.nanoTime();
        send("PATCH", statusPath(name), readyPatch(want), 200);
        ready[pod] = want;
        if (!e.latch.await(SAMPLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            waiting.remove(name, e);
            return -1;
        }
        return e.arrivedNanos - start;
    }

    private static String readyPatch(boolean ready) {
        return "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"" + (ready ? "True" : "False") + "\"}]}}";
    }

    /** {@code size} distinct Pods flipped at once; {time from the first send to the last one shown (or -1), missed}. */
    private long[] burst(int size, int podsPerService, boolean[] ready, Random random) throws Exception {
        int[] chosen = random.ints(0, ready.length).distinct().limit(size).toArray();
        warmConnections(size, podsPerService);
        CountDownLatch shown = new CountDownLatch(size);
        List<Expect> expects = new ArrayList<>();
        for (int pod : chosen) {
            Expect e = new Expect(!ready[pod], shown);
            expects.add(e);
            waiting.put(podName(pod, podsPerService), e);
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            int pod = chosen[i];
            boolean want = expects.get(i).ready;
            senders.add(Thread.ofVirtual().name("slice-burst-" + i).start(() -> {
                try {
                    go.await();
                    send("PATCH", statusPath(podName(pod, podsPerService)), readyPatch(want), 200);
                } catch (Exception ex) {
                    firstError.compareAndSet(null, "burst flip: " + ex.getMessage());
                }
            }));
        }
        long start = System.nanoTime();
        go.countDown();
        boolean all = shown.await(BURST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        for (Thread t : senders) t.join(REQUEST_TIMEOUT.toMillis());
        for (int i = 0; i < size; i++) {
            ready[chosen[i]] = expects.get(i).ready;
            waiting.remove(podName(chosen[i], podsPerService), expects.get(i));
        }
        if (!all) return new long[]{-1, shown.getCount()};
        long last = 0;
        for (Expect e : expects) last = Math.max(last, e.arrivedNanos - start);
        return new long[]{last, 0};
    }

    /**
     * Opens {@code n} keep-alive connections with concurrent GETs, so that the burst measures flips and not TLS
     * handshakes (the load left only {@link #LOAD_CONCURRENCY} connections in the pool).
     */
    private void warmConnections(int n, int podsPerService) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = podName(i, podsPerService);
            ts.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    send("GET", "/api/v1/namespaces/" + NAMESPACE + "/pods/" + name, null, 200);
                } catch (Exception e) {
                    firstError.compareAndSet(null, "warming connections: " + e.getMessage());
                }
            }));
        }
        go.countDown();
        for (Thread t : ts) t.join(REQUEST_TIMEOUT.toMillis());
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "application/json");
        config.authorization().ifPresent(a -> b.header("Authorization", a));
        return b;
    }

    /** One request on the shared client; any other status than {@code expect} is an IOException with the body. */
    private byte[] send(String method, String path, String json, int expect) throws IOException, InterruptedException {
        HttpRequest.Builder b = request(URI.create(server.url() + path)).timeout(REQUEST_TIMEOUT);
        if (json == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", method.equals("PATCH") ? "application/merge-patch+json" : "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != expect) {
            String body = new String(r.body(), StandardCharsets.UTF_8);
            throw new IOException(method + " " + path + " answered " + r.statusCode() + ": " + body.substring(0, Math.min(300, body.length())));
        }
        return r.body();
    }

    @Override
    public void close() {
        watchHttp.shutdownNow();
        http.shutdownNow();
        threads.shutdownNow();
        try {
            server.close();
        } finally {
            try {
                if (etcd != null) etcd.close();
            } finally {
                Dirs.deleteTree(dataDir);
            }
        }
    }
}
