package dev.nodenet.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A single-member etcd as a child process: loopback only, free ports, a temporary data directory, its log in that
 * directory. {@link #start} returns once {@code /health} answers; {@link #close} kills it and deletes the directory
 * (also from a shutdown hook, should the JVM be stopped meanwhile). Not thread-safe: start and close on one thread.
 */
final class EtcdProcess implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final String clientUrl;
    private final Thread shutdownHook;

    private EtcdProcess(Process process, Path dir, String clientUrl) {
        this.process = process;
        this.dir = dir;
        this.clientUrl = clientUrl;
        this.shutdownHook = new Thread(this::stop, "etcd-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts {@code binary} (e.g. "etcd" from PATH) and waits up to {@code readyTimeout} for it to be healthy. */
    static EtcdProcess start(String binary, Duration readyTimeout) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("nodenet-bench-etcd-");
        String clientUrl = "http://127.0.0.1:" + freePort();
        String peerUrl = "http://127.0.0.1:" + freePort();
        Path log = dir.resolve("etcd.log");
        Process p;
        try {
            p = new ProcessBuilder(List.of(binary, "--name", "bench", "--data-dir", dir.resolve("data").toString(),
                    "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                    "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                    "--initial-cluster", "bench=" + peerUrl, "--initial-cluster-state", "new",
                    "--logger", "zap", "--log-outputs", "stderr", "--log-level", "warn"))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            Dirs.deleteTree(dir);
            throw new IOException("cannot start etcd (\"" + binary + "\"): " + e.getMessage(), e);
        }
        EtcdProcess etcd = new EtcdProcess(p, dir, clientUrl);
        try {
            etcd.awaitHealthy(readyTimeout);
            return etcd;
        } catch (IOException | InterruptedException | RuntimeException e) {
            etcd.close();
            throw e;
        }
    }

    private void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            HttpRequest health = HttpRequest.newBuilder(URI.create(clientUrl + "/health")).timeout(Duration.ofSeconds(2)).build();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException("etcd exited with code " + process.exitValue() + " before it was ready: " + logTail());
                }
                try {
                    HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200 && r.body().contains("\"true\"")) return;
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
        }
        throw new IOException("etcd not healthy within " + timeout + ": " + logTail());
    }

    private String logTail() {
        try {
            String s = Files.readString(dir.resolve("etcd.log"), StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? "(empty log)" : s.substring(Math.max(0, s.length() - 1500));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Loopback ports that were free a moment ago; etcd binds them right after, a race only other processes can lose. */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    String clientUrl() {
        return clientUrl;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down and the hook runs (or ran) stop() itself
        }
        stop();
    }

    private void stop() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Dirs.deleteTree(dir);
    }
}
