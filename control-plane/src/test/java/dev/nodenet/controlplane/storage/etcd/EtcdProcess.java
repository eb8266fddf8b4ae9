package dev.nodenet.controlplane.storage.etcd;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real single-member {@code etcd} (Debian's etcd-server) on 127.0.0.1 with free ports and a temporary data
 * directory, for tests. {@link #start()} waits until {@code /health} answers; {@link #close()} kills the process and
 * deletes the directory (also when start failed half-way). Not thread-safe: one test thread drives it.
 */
public final class EtcdProcess implements AutoCloseable {
    private static final long START_TIMEOUT_MS = 20_000;

    private final Path dataDir;
    private final Path log;
    private final int clientPort;
    private final int peerPort;
    private Process process;

    private EtcdProcess(Path dataDir, int clientPort, int peerPort) {
        this.dataDir = dataDir;
        this.log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        this.clientPort = clientPort;
        this.peerPort = peerPort;
    }

    /** Skips the calling test (JUnit assumption) when no {@code etcd} binary is on the PATH. */
    static void assumeInstalled() {
        Assumptions.assumeTrue(binary() != null,
                "etcd binary not found on PATH: install Debian's etcd-server (the project's install script does)");
    }

    static Path binary() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "etcd");
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    /** Starts etcd and waits until it is healthy; skips the test if etcd is not installed. */
    public static EtcdProcess start() throws IOException {
        assumeInstalled();
        Path base = Files.createTempDirectory("nn-etcd-");
        EtcdProcess p = new EtcdProcess(base.resolve("data"), freePort(), freePort());
        try {
            p.launch();
            return p;
        } catch (IOException | RuntimeException | Error e) {
            p.close();
            throw e;
        }
    }

    private void launch() throws IOException {
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        List<String> cmd = List.of(binary().toString(),
                "--name", "nn-test",
                "--data-dir", dataDir.toString(),
                "--listen-client-urls", client,
                "--advertise-client-urls", client,
                "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "nn-test=" + peer,
                "--initial-cluster-state", "new",
                "--logger", "zap",
                "--log-outputs", "stderr");
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (!healthy()) {
            if (!process.isAlive()) throw new IOException("etcd exited with " + process.exitValue() + " during start; log:\n" + logTail());
            if (System.nanoTime() > deadline) throw new IOException("etcd not healthy after " + START_TIMEOUT_MS + " ms; log:\n" + logTail());
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for etcd", e);
            }
        }
    }

    private boolean healthy() {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + "/health").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(1000);
            try {
                return c.getResponseCode() == 200 && new String(c.getInputStream().readAllBytes()).contains("\"true\"");
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    URI endpoint() { return URI.create("http://127.0.0.1:" + clientPort); }

    public List<URI> endpoints() { return List.of(endpoint()); }

    /** SIGKILLs etcd (the data directory stays, so {@link #restart()} brings the same data back). */
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts etcd again on the same ports and data directory. */
    void restart() throws IOException, InterruptedException {
        kill();
        launch();
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deleteTree(dataDir.getParent());
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp directory left behind is not worth failing a test over
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
