package dev.nodenet.bench;

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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Our API server, started in this JVM on a fresh temporary data directory, watched over HTTPS/1.1 (one TLS connection
 * per watcher, as kubectl and client-go do without HTTP/2) and written with POSTs of Services. Watchers read their
 * stream on virtual threads; {@link #close} shuts the clients down, stops the server and deletes the directory.
 */
final class NodenetTarget implements Target {
    static final String WATCH_PATH = "/api/v1/namespaces/default/services";
    /** Watch streams per HttpClient: each client has one selector thread, so spread large fan-outs over a few. */
    static final int WATCHERS_PER_CLIENT = 250;
    private static final String SEED_NAME = "wf-seed";
    private static final byte[] SEED = ("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + SEED_NAME
            + "\"},\"spec\":{\"ports\":[{\"port\":80}]}}").getBytes(StandardCharsets.US_ASCII);

    private final Path dataDir;
    private final ApiServer server;
    private final KubeConfig config;
    private final HttpClient writer;
    private final List<HttpClient> watchClients = new ArrayList<>();
    /** Watch readers and the HttpClients' own work; shut down with the target. */
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final long watchTimeoutSeconds;

    private NodenetTarget(Path dataDir, ApiServer server, long watchTimeoutSeconds) {
        this.dataDir = dataDir;
        this.server = server;
        this.config = KubeConfig.load(server.kubeconfig());
        this.writer = client();
        this.watchTimeoutSeconds = watchTimeoutSeconds;
    }

    /** Starts a server on a free loopback port; watches it opens end by themselves after {@code watchLifetime}. */
    static NodenetTarget start(Duration watchLifetime) throws IOException {
        Path dir = Files.createTempDirectory("nodenet-bench-apiserver-");
        ApiServer server = null;
        try {
            server = ApiServer.start(ApiServer.Config.defaults(dir).withPort(0));
            return new NodenetTarget(dir, server, Math.max(1, watchLifetime.toSeconds()));
        } catch (IOException | RuntimeException e) {
            if (server != null) server.close();
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

    @Override
    public String label() {
        return "nodenet apiserver";
    }

    @Override
    public void openWatchers(int count, EventSink sink, Duration timeout) throws Exception {
        // The server sends a watch's response headers only along with its first event (or heartbeat, 30 s later): one
        // existing object makes every watch start with its initial ADDED, so the 200 arrives at once.
        write(SEED_NAME, SEED).get(30, TimeUnit.SECONDS);
        URI uri = URI.create(server.url() + WATCH_PATH + "?watch=1&allowWatchBookmarks=true&timeoutSeconds=" + watchTimeoutSeconds);
        for (int i = 0; i < (count + WATCHERS_PER_CLIENT - 1) / WATCHERS_PER_CLIENT; i++) watchClients.add(client());
        CountDownLatch open = new CountDownLatch(count);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // Bounds concurrent TLS handshakes so that opening 1,000 watches does not time itself out on 2 cores.
        Semaphore handshakes = new Semaphore(32);
        for (int w = 0; w < count; w++) {
            int watcher = w;
            HttpClient http = watchClients.get(w / WATCHERS_PER_CLIENT);
            threads.submit(() -> {
                InputStream body;
                try {
                    handshakes.acquire();
                    try {
                        HttpResponse<InputStream> r = http.send(request(uri).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                        body = r.body();
                        if (r.statusCode() != 200) {
                            String text = new String(body.readNBytes(4096), StandardCharsets.UTF_8);
                            body.close();
                            throw new IOException("watch answered " + r.statusCode() + ": " + text);
                        }
                    } finally {
                        handshakes.release();
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                    open.countDown();
                    return;
                }
                // The server registered the watch before it sent the 200, so the watcher is live from here on.
                open.countDown();
                read(watcher, body, sink);
            });
        }
        if (!open.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IOException("only " + (count - open.getCount()) + " of " + count + " watches opened within " + timeout);
        }
        if (failure.get() != null) throw new IOException("cannot open watch: " + failure.get().getMessage(), failure.get());
    }

    private static void read(int watcher, InputStream body, EventSink sink) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), 64 * 1024)) {
            String line;
            while ((line = in.readLine()) != null) {
                long now = System.nanoTime();
                if (!line.isEmpty()) sink.onEvent(watcher, line, now);
            }
        } catch (IOException e) {
            // the stream was cut by close(); whatever did not arrive counts as missed
        }
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "application/json");
        config.authorization().ifPresent(a -> b.header("Authorization", a));
        return b;
    }

    @Override
    public CompletableFuture<Void> write(String name, byte[] json) {
        HttpRequest post = request(URI.create(server.url() + WATCH_PATH))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                .build();
        return writer.sendAsync(post, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
            if (r.statusCode() != 201) {
                String body = r.body();
                throw new IllegalStateException("POST " + name + " answered " + r.statusCode() + ": "
                        + body.substring(0, Math.min(300, body.length())));
            }
            return null;
        });
    }

    @Override
    public void close() {
        for (HttpClient c : watchClients) c.shutdownNow();
        writer.shutdownNow();
        threads.shutdownNow();
        try {
            server.close();
        } finally {
            Dirs.deleteTree(dataDir);
        }
    }
}
