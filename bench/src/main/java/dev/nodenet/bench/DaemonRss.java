package dev.nodenet.bench;

import dev.nodenet.api.client.KubeClient;
import dev.nodenet.api.client.KubeConfig;
import dev.nodenet.controlplane.server.ApiServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The node proxy's memory at scale: a real API server (in-process, temporary data dir) loaded with S Services x E
 * endpoints, then the daemon exactly as {@code ./nodenet proxy --proxy-mode iptables --netns NS} runs it, as a child
 * JVM; VmRSS and VmHWM are read from /proc once its first full sync is done (its metrics say so) and again 10 s later.
 * One row with the JVM's defaults, one per set of options given (sets separated by ";").
 */
final class DaemonRss {
    private DaemonRss() {}

    static void run(int services, int endpoints, String javaOpts, PrintStream out) throws Exception {
        Path dir = Files.createTempDirectory("nn-ipb-rss");
        try (ApiServer server = ApiServer.start(ApiServer.Config.defaults(dir).withPort(0))) {
            long t0 = System.nanoTime();
            ApiLoad.load(new KubeClient(KubeConfig.load(server.kubeconfig())), services, endpoints);
            out.printf(Locale.ROOT, "%nnode proxy daemon (child JVM, iptables mode, own namespace) at %d Services x %d endpoints (API load %.0f s)%n",
                    services, endpoints, IptablesBench.secs(t0));
            out.println(String.format(Locale.ROOT, "%-52s %-14s %-14s %-16s %-12s", "JVM options", "first sync s", "VmRSS MB", "VmRSS +10s MB", "VmHWM MB"));
            List<String> rows = new ArrayList<>(List.of(""));
            for (String set : javaOpts.split(";")) if (!set.isBlank()) rows.add(set.strip());
            for (String opts : rows) row(server, services * endpoints, opts, dir, out);
        } finally {
            IptablesLatency.deleteTree(dir);
        }
    }

    private static void row(ApiServer server, int endpoints, String opts, Path dir, PrintStream out) throws Exception {
        int metricsPort = freePort(), healthPort = freePort();
        Path log = dir.resolve("daemon-" + metricsPort + ".log");
        try (Netns ns = Netns.create("ipr")) {
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            cmd.add("--enable-native-access=ALL-UNNAMED");
            if (!opts.isEmpty()) cmd.addAll(List.of(opts.split("\\s+")));
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ProxyDaemon.class.getName(),
                    "--proxy-mode", "iptables", "--netns", ns.name, "--kubeconfig", server.kubeconfig().toString(),
                    "--hostname-override", "node-a", "--cluster-cidr", "10.244.0.0/16",
                    "--metrics-bind-address", "127.0.0.1:" + metricsPort, "--healthz-bind-address", "127.0.0.1:" + healthPort));
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                waitForFirstSync(p, metricsPort, endpoints, log);
                double firstSync = IptablesBench.secs(t0);
                long rss = status(p.pid(), "VmRSS");
                Thread.sleep(10_000);
                long rssLater = status(p.pid(), "VmRSS"), hwm = status(p.pid(), "VmHWM");
                out.println(String.format(Locale.ROOT, "%-52s %-14.1f %-14d %-16d %-12d", opts.isEmpty() ? "(JVM defaults)" : opts,
                        firstSync, rss / 1024, rssLater / 1024, hwm / 1024));
            } finally {
                p.destroy();
                if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
            }
        }
    }

    /** Until the daemon's metrics show a finished sync that programmed at least {@code endpoints} rule lines. */
    private static void waitForFirstSync(Process p, int metricsPort, int endpoints, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new IOException("daemon exited (" + p.exitValue() + "): " + tail(log));
            try {
                String m = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                if (value(m, "kubeproxy_sync_proxy_rules_duration_seconds_count") >= 1
                        && value(m, "nodenet_proxy_iptables_restore_lines{family=\"IPv4\"}") >= endpoints) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IOException("no full sync within 30 min: " + tail(log));
    }

    static double value(String metrics, String series) {
        for (String line : metrics.split("\n")) if (line.startsWith(series + " ")) return Double.parseDouble(line.substring(series.length() + 1).strip());
        return 0;
    }

    /** A /proc/PID/status field in kB. */
    static long status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip());
        }
        throw new IOException(field + " missing from /proc/" + pid + "/status");
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
