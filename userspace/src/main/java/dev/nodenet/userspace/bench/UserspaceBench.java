package dev.nodenet.userspace.bench;

import dev.nodenet.api.cli.Flags;
import dev.nodenet.netlink.NetNs;
import dev.nodenet.proxy.Changes;
import dev.nodenet.proxy.EndpointInfo;
import dev.nodenet.proxy.Exec;
import dev.nodenet.proxy.Metrics;
import dev.nodenet.proxy.NodeInfo;
import dev.nodenet.proxy.ProxyConfig;
import dev.nodenet.proxy.ProxyState;
import dev.nodenet.proxy.ServiceInfo;
import dev.nodenet.proxy.ServicePortName;
import dev.nodenet.proxy.ServicePortState;
import dev.nodenet.userspace.Relays;
import dev.nodenet.userspace.UserspaceBackend;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./nodenet bench userspace}: the userspace proxy next to HAProxy (Debian's, TCP mode, nbthread = cores) and
 * next to no proxy at all, in one run on the same cores. Three throw-away namespaces: "cli" (10.77.0.2) runs the load
 * generators, "node" (10.77.0.1 / 10.78.0.1) runs the proxy under test, "srv" (10.78.0.2) runs nginx, an iperf3
 * server and a UDP echo. Paths: direct (cli → srv routed by the node's kernel: the floor), HAProxy on the node, and our
 * listener reached through a ClusterIP and the portal rules, exactly as a pod would reach it. Measures HTTP keep-alive
 * requests/s and p99 (wrk), a new connection per request (wrk with {@code Connection: close}), bulk TCP throughput
 * (iperf3) and UDP request/response rate (our own client; HAProxy has no UDP proxying). Needs root, wrk, iperf3,
 * haproxy and nginx.
 */
public final class UserspaceBench {
    static final String CLI_IP = "10.77.0.2", NODE_CLI_IP = "10.77.0.1", NODE_SRV_IP = "10.78.0.1", SRV_IP = "10.78.0.2";
    static final String CLUSTER_IP = "10.96.0.80";
    static final int HTTP_PORT = 80, IPERF_PORT = 5201, UDP_PORT = 7, HAPROXY_HTTP = 8080, HAPROXY_IPERF = 5202;

    private UserspaceBench() {
    }

    /** One path's results; NaN where a path cannot be measured. */
    record Result(double keepAliveRps, double keepAliveP99Ms, double closeRps, double closeP99Ms, double bulkGbps, double udpRps,
            double keepAliveCpuUs, double closeCpuUs) {
    }

    public static void run(String[] args, PrintStream out) throws Exception {
        Flags flags = new Flags("bench userspace", "The userspace proxy vs HAProxy vs direct: HTTP, new connections, bulk TCP, UDP.");
        Flags.Flag<Duration> duration = flags.duration("duration", Duration.ofSeconds(10), "How long each measurement runs (1s for a smoke run).");
        Flags.Flag<Integer> connections = flags.integer("connections", 32, "Concurrent wrk connections.");
        Flags.Flag<Integer> eventLoops = flags.integer("event-loops", Runtime.getRuntime().availableProcessors(), "Our proxy's event loop threads.");
        Flags.Flag<Integer> udpClients = flags.integer("udp-clients", 4, "Concurrent UDP request/response clients.");
        Flags.Flag<Integer> rounds = flags.integer("rounds", 1, "Rounds of every measurement (paths interleaved within a round); the table shows medians.");
        Flags.Flag<String> only = flags.string("only", "", "Measure only these paths (comma-separated: direct, haproxy, userspace); empty: all.");
        if (!flags.parse(args)) {
            flags.usage(out);
            return;
        }
        Duration d = duration.get();
        if (d.toMillis() < 1000 || d.toSeconds() > 600) throw new Flags.UsageException("--duration must be 1s-600s");
        if (connections.get() < 1 || connections.get() > 10000) throw new Flags.UsageException("--connections must be 1-10000");
        if (eventLoops.get() < 1 || eventLoops.get() > 64) throw new Flags.UsageException("--event-loops must be 1-64");
        if (udpClients.get() < 1 || udpClients.get() > 64) throw new Flags.UsageException("--udp-clients must be 1-64");
        Set<String> paths = only.get().isBlank() ? Set.of("direct", "haproxy", "userspace") : Set.of(only.get().split(","));
        for (String p : paths) {
            if (!Set.of("direct", "haproxy", "userspace").contains(p)) throw new Flags.UsageException("--only: unknown path \"" + p + "\"");
        }
        for (String tool : List.of("wrk", "iperf3", "haproxy", "nginx")) {
            if (!onPath(tool)) throw new Flags.UsageException(tool + " is not installed (scripts/install-deps installs it)");
        }
        if (rounds.get() < 1 || rounds.get() > 20) throw new Flags.UsageException("--rounds must be 1-20");
        try (Bench b = new Bench(d, connections.get(), udpClients.get(), out);
             AutoCloseable h = paths.contains("haproxy") ? b.startHaproxy() : () -> { };
             AutoCloseable u = paths.contains("userspace") ? b.startUserspace(eventLoops.get()) : () -> { }) {
            List<Target> targets = new ArrayList<>();
            if (paths.contains("direct")) targets.add(new Target("direct (floor)", SRV_IP, HTTP_PORT, IPERF_PORT, SRV_IP, UDP_PORT, null));
            if (paths.contains("haproxy")) targets.add(new Target("HAProxy " + haproxyVersion() + " (tcp)", NODE_CLI_IP, HAPROXY_HTTP, HAPROXY_IPERF, null, 0,
                    b::haproxyTicks));
            if (paths.contains("userspace")) targets.add(new Target("nodenet userspace", CLUSTER_IP, HTTP_PORT, IPERF_PORT, CLUSTER_IP, UDP_PORT,
                    UserspaceBench::eventLoopTicks));
            print(out, b.measure(targets, rounds.get()), d, connections.get(), udpClients.get(), eventLoops.get(), rounds.get());
        }
    }

    /** Where one path's traffic goes; udpIp null when the path cannot carry UDP. */
    record Target(String name, String ip, int httpPort, int iperfPort, String udpIp, int udpPort, java.util.function.LongSupplier cpuTicks) {
    }

    static void print(PrintStream out, Map<String, Result> results, Duration d, int connections, int udpClients, int loops, int rounds) {
        out.printf(Locale.ROOT, "%nuserspace proxy benchmark: %d s per measurement, %d round(s) (median), %d wrk connections, %d UDP clients, %d cores, our event loops %d%n",
                d.toSeconds(), rounds, connections, udpClients, Runtime.getRuntime().availableProcessors(), loops);
        out.printf(Locale.ROOT, "%-26s %14s %10s %8s %14s %10s %8s %12s %12s%n", "path", "keep-alive r/s", "p99 ms", "CPU µs",
                "new-conn r/s", "p99 ms", "CPU µs", "bulk Gbit/s", "UDP req/s");
        for (var e : results.entrySet()) {
            Result r = e.getValue();
            out.printf(Locale.ROOT, "%-26s %14s %10s %8s %14s %10s %8s %12s %12s%n", e.getKey(), num(r.keepAliveRps(), 0),
                    num(r.keepAliveP99Ms(), 2), num(r.keepAliveCpuUs(), 1), num(r.closeRps(), 0), num(r.closeP99Ms(), 2),
                    num(r.closeCpuUs(), 1), num(r.bulkGbps(), 2), num(r.udpRps(), 0));
        }
        out.println("CPU µs: the proxy's CPU time (user + system, as the kernel accounts it to its threads) per request");
    }

    private static String num(double v, int decimals) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** The namespaces, servers and load generators of one run. */
    private static final class Bench implements AutoCloseable {
        final Duration duration;
        final int connections, udpClients;
        final PrintStream log;
        final String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        final String cli = "nn-bcli-" + id, node = "nn-bnode-" + id, srv = "nn-bsrv-" + id;
        final Path work;
        final List<Process> processes = new ArrayList<>();
        final List<AutoCloseable> closeables = new ArrayList<>();
        NetNs cliNs, nodeNs, srvNs;
        Process haproxy;

        Bench(Duration duration, int connections, int udpClients, PrintStream log) throws Exception {
            this.duration = duration;
            this.connections = connections;
            this.udpClients = udpClients;
            this.log = log;
            work = Files.createTempDirectory("nodenet-bench-userspace");
            try {
                for (String n : List.of(cli, node, srv)) sh("ip", "netns", "add", n);
                sh("ip", "-n", node, "link", "add", "vcli", "type", "veth", "peer", "name", "eth0", "netns", cli);
                sh("ip", "-n", node, "link", "add", "vsrv", "type", "veth", "peer", "name", "eth0", "netns", srv);
                sh("ip", "-n", node, "addr", "add", NODE_CLI_IP + "/24", "dev", "vcli");
                sh("ip", "-n", node, "addr", "add", NODE_SRV_IP + "/24", "dev", "vsrv");
                sh("ip", "-n", cli, "addr", "add", CLI_IP + "/24", "dev", "eth0");
                sh("ip", "-n", srv, "addr", "add", SRV_IP + "/24", "dev", "eth0");
                for (String n : List.of(cli, node, srv)) sh("ip", "-n", n, "link", "set", "lo", "up");
                sh("ip", "-n", node, "link", "set", "vcli", "up");
                sh("ip", "-n", node, "link", "set", "vsrv", "up");
                sh("ip", "-n", cli, "link", "set", "eth0", "up");
                sh("ip", "-n", srv, "link", "set", "eth0", "up");
                sh("ip", "-n", cli, "route", "add", "default", "via", NODE_CLI_IP);
                sh("ip", "-n", srv, "route", "add", "default", "via", NODE_SRV_IP);
                sh("ip", "netns", "exec", node, "sysctl", "-qw", "net.ipv4.ip_forward=1");
                cliNs = NetNs.named(cli);
                nodeNs = NetNs.named(node);
                srvNs = NetNs.named(srv);
                startServers();
            } catch (Exception e) {
                close();
                throw e;
            }
        }

        private void startServers() throws Exception {
            Path conf = work.resolve("nginx.conf");
            Files.writeString(conf, """
                    worker_processes auto;
                    daemon off;
                    pid %1$s/nginx.pid;
                    error_log %1$s/nginx-error.log warn;
                    events { worker_connections 4096; }
                    http {
                      access_log off;
                      keepalive_requests 1000000;
                      client_body_temp_path %1$s/body;
                      proxy_temp_path %1$s/proxy;
                      fastcgi_temp_path %1$s/fastcgi;
                      uwsgi_temp_path %1$s/uwsgi;
                      scgi_temp_path %1$s/scgi;
                      server {
                        listen %2$s:%3$d backlog=4096;
                        location / { return 200 "ok\\n"; }
                      }
                    }
                    """.formatted(work, SRV_IP, HTTP_PORT));
            start("nginx", List.of("ip", "netns", "exec", srv, "nginx", "-c", conf.toString()));
            start("iperf3", List.of("ip", "netns", "exec", srv, "iperf3", "-s", "-B", SRV_IP, "-p", Integer.toString(IPERF_PORT)));
            DatagramSocket echo = srvNs.call(() -> new DatagramSocket(new InetSocketAddress(InetAddress.ofLiteral(SRV_IP), UDP_PORT)));
            closeables.add(echo);
            Thread.ofPlatform().daemon().name("bench-udp-echo").start(() -> {
                byte[] buf = new byte[2048];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                while (!echo.isClosed()) {
                    try {
                        p.setLength(buf.length);
                        echo.receive(p);
                        echo.send(p);
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            waitForTcp(cliNs, SRV_IP, HTTP_PORT);
            waitForTcp(cliNs, SRV_IP, IPERF_PORT);
        }

        AutoCloseable startHaproxy() throws Exception {
            int cores = Runtime.getRuntime().availableProcessors();
            Path conf = work.resolve("haproxy.cfg");
            // tuned per HAProxy's configuration manual: one thread per core, threads pinned, TCP mode, no logging
            Files.writeString(conf, """
                    global
                      nbthread %1$d
                      cpu-map auto:1/1-%1$d 0-%2$d
                      maxconn 8000
                    defaults
                      mode tcp
                      timeout connect 5s
                      timeout client 60s
                      timeout server 60s
                    frontend http
                      bind %3$s:%4$d
                      default_backend http
                    backend http
                      server s1 %5$s:%6$d
                    frontend bulk
                      bind %3$s:%7$d
                      default_backend bulk
                    backend bulk
                      server s1 %5$s:%8$d
                    """.formatted(cores, cores - 1, NODE_CLI_IP, HAPROXY_HTTP, SRV_IP, HTTP_PORT, HAPROXY_IPERF, IPERF_PORT));
            Process p = start("haproxy", List.of("ip", "netns", "exec", node, "haproxy", "-db", "-f", conf.toString()));
            haproxy = p; // ip netns exec execs haproxy: same pid
            waitForTcp(cliNs, NODE_CLI_IP, HAPROXY_HTTP);
            return () -> stop(p);
        }

        AutoCloseable startUserspace(int eventLoops) throws Exception {
            ProxyConfig d = ProxyConfig.defaults("bench-node");
            ProxyConfig config = new ProxyConfig("userspace", "", "", "bench-node", List.of(), false, 14, "", "", "", List.of(), true,
                    "", "", d.syncPeriod(), d.minSyncPeriod(), false, 0, node, ProxyConfig.DEFAULT_UDP_IDLE_TIMEOUT);
            UserspaceBackend backend = new UserspaceBackend(config, new Metrics(), nodeNs, new Relays.Options(eventLoops, config.udpIdleTimeout()));
            TreeMap<ServicePortName, ServicePortState> services = new TreeMap<>();
            for (Object[] s : new Object[][] {{"http", "TCP", HTTP_PORT}, {"iperf", "TCP", IPERF_PORT}, {"echo", "UDP", UDP_PORT}}) {
                ServicePortName name = new ServicePortName("bench", "srv", (String) s[0], (String) s[1]);
                int port = (Integer) s[2];
                ServiceInfo info = new ServiceInfo(name, List.of(CLUSTER_IP), port, 0, List.of(), List.of(), List.of(), 0, false, false, 0, false);
                services.put(name, ServicePortState.of(info, List.of(new EndpointInfo(SRV_IP, port, true, true, false, "bench-node", true, Set.of())), null));
            }
            try {
                backend.sync(new ProxyState(NodeInfo.of("bench-node", List.of(NODE_CLI_IP, NODE_SRV_IP)), services), Changes.fullSync());
                waitForTcp(cliNs, CLUSTER_IP, HTTP_PORT);
            } catch (Exception e) {
                backend.close();
                throw e;
            }
            return () -> {
                try {
                    backend.cleanup();
                } finally {
                    backend.close();
                }
            };
        }

        /**
         * Every measurement kind for every path, paths back to back within a kind (so changing machine load hits them
         * alike), {@code rounds} times; medians per path.
         */
        Map<String, Result> measure(List<Target> targets, int rounds) throws Exception {
            for (Target t : targets) { // warm-up (JIT, pools), the same for every path
                wrk(url(t), false, Duration.ofSeconds(1));
                wrk(url(t), true, Duration.ofSeconds(1));
            }
            Map<String, List<double[]>> samples = new LinkedHashMap<>();
            for (Target t : targets) samples.put(t.name(), new ArrayList<>());
            for (int r = 0; r < rounds; r++) {
                Map<String, double[]> round = new LinkedHashMap<>();
                for (Target t : targets) round.put(t.name(), new double[8]);
                for (Target t : targets) {
                    long before = t.cpuTicks() == null ? 0 : t.cpuTicks().getAsLong();
                    double[] keep = wrk(url(t), false);
                    round.get(t.name())[6] = cpuUsPerRequest(t, before, keep[0]);
                    round.get(t.name())[0] = keep[0];
                    round.get(t.name())[1] = keep[1];
                }
                for (Target t : targets) {
                    long before = t.cpuTicks() == null ? 0 : t.cpuTicks().getAsLong();
                    double[] close = wrk(url(t), true);
                    round.get(t.name())[7] = cpuUsPerRequest(t, before, close[0]);
                    round.get(t.name())[2] = close[0];
                    round.get(t.name())[3] = close[1];
                }
                for (Target t : targets) round.get(t.name())[4] = iperf(t.ip(), t.iperfPort());
                for (Target t : targets) round.get(t.name())[5] = t.udpIp() == null ? Double.NaN : udpRate(t.udpIp(), t.udpPort());
                round.forEach((name, v) -> samples.get(name).add(v));
            }
            Map<String, Result> out = new LinkedHashMap<>();
            samples.forEach((name, list) -> {
                double[] m = new double[8];
                for (int i = 0; i < 8; i++) {
                    int k = i;
                    double[] col = list.stream().mapToDouble(v -> v[k]).sorted().toArray();
                    m[i] = col[col.length / 2];
                }
                out.put(name, new Result(m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7]));
            });
            return out;
        }

        /** CPU µs the target's proxy spent per request during a run of {@code duration} at {@code rps}. */
        double cpuUsPerRequest(Target t, long ticksBefore, double rps) {
            if (t.cpuTicks() == null || rps <= 0) return Double.NaN;
            long ticks = t.cpuTicks().getAsLong() - ticksBefore;
            return ticks * (1e6 / CLOCK_TICKS_PER_SECOND) / (rps * duration.toNanos() / 1e9);
        }

        /** utime + stime of the running HAProxy (clock ticks). */
        long haproxyTicks() {
            return haproxy == null ? 0 : ticks(Path.of("/proc/" + haproxy.pid() + "/stat"));
        }

        static String url(Target t) {
            return "http://" + t.ip() + ":" + t.httpPort() + "/";
        }

        /** {requests/s, p99 ms}. */
        double[] wrk(String url, boolean close) throws Exception {
            return wrk(url, close, duration);
        }

        double[] wrk(String url, boolean close, Duration d) throws Exception {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", cli, "wrk", "-t", "1", "-c", Integer.toString(connections),
                    "-d", d.toSeconds() + "s", "--latency"));
            if (close) cmd.addAll(List.of("-H", "Connection: close"));
            cmd.add(url);
            String text = sh(cmd.toArray(String[]::new));
            Matcher rps = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(text);
            Matcher p99 = Pattern.compile("\\s99%\\s+([0-9.]+)(us|ms|s)").matcher(text);
            if (!rps.find() || !p99.find()) throw new IOException("cannot parse wrk output:\n" + text);
            double v = Double.parseDouble(p99.group(1));
            double ms = switch (p99.group(2)) {
                case "us" -> v / 1000;
                case "s" -> v * 1000;
                default -> v;
            };
            return new double[] {Double.parseDouble(rps.group(1)), ms};
        }

        /** Bulk TCP throughput in Gbit/s (receiver side). */
        double iperf(String ip, int port) throws Exception {
            String json = sh("ip", "netns", "exec", cli, "iperf3", "-c", ip, "-p", Integer.toString(port), "-t",
                    Long.toString(duration.toSeconds()), "-J");
            Matcher m = Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*?\"bits_per_second\"\\s*:\\s*([0-9.eE+]+)").matcher(json);
            if (!m.find()) throw new IOException("cannot parse iperf3 output:\n" + json.substring(0, Math.min(2000, json.length())));
            return Double.parseDouble(m.group(1)) / 1e9;
        }

        /** UDP request/response exchanges per second over {@code udpClients} sockets, each one request in flight. */
        double udpRate(String ip, int port) throws Exception {
            LongAdder done = new LongAdder();
            long end = System.nanoTime() + duration.toNanos();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < udpClients; i++) {
                DatagramSocket s = cliNs.call(() -> new DatagramSocket(new InetSocketAddress(0)));
                s.connect(new InetSocketAddress(InetAddress.ofLiteral(ip), port));
                s.setSoTimeout(200);
                threads.add(Thread.ofPlatform().name("bench-udp-client").start(() -> {
                    byte[] req = "ping-0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
                    byte[] buf = new byte[2048];
                    DatagramPacket reply = new DatagramPacket(buf, buf.length);
                    try (s) {
                        while (System.nanoTime() < end) {
                            s.send(new DatagramPacket(req, req.length));
                            try {
                                reply.setLength(buf.length);
                                s.receive(reply);
                                done.increment();
                            } catch (SocketTimeoutException lost) {
                                // counted as not done; try again
                            }
                        }
                    } catch (IOException e) {
                        // a refused datagram ends this client
                    }
                }));
            }
            for (Thread t : threads) t.join();
            return done.sum() / (duration.toNanos() / 1e9);
        }

        Process start(String what, List<String> command) throws IOException {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(work.resolve(what + ".log").toFile()).start();
            processes.add(p);
            return p;
        }

        void stop(Process p) throws InterruptedException {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
            processes.remove(p);
        }

        @Override
        public void close() throws Exception {
            for (Process p : List.copyOf(processes)) stop(p);
            for (AutoCloseable c : closeables) c.close();
            for (NetNs n : new NetNs[] {cliNs, nodeNs, srvNs}) if (n != null) n.close();
            for (String n : List.of(cli, node, srv)) {
                try {
                    sh("ip", "netns", "del", n);
                } catch (IOException ignored) {
                    // never created
                }
            }
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** USER_HZ: the unit of utime/stime in /proc (100 on every Linux architecture we run on). */
    static final int CLOCK_TICKS_PER_SECOND = 100;

    /** utime + stime of our proxy's event loop threads (clock ticks). */
    static long eventLoopTicks() {
        long sum = 0;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    if (Files.readString(t.resolve("comm")).startsWith("nodenet-userspa")) sum += ticks(t.resolve("stat"));
                } catch (IOException gone) {
                    // thread ended
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return sum;
    }

    /** utime + stime (fields 14 and 15) of a /proc stat file; 0 when unreadable. */
    static long ticks(Path stat) {
        try {
            String s = Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static void waitForTcp(NetNs ns, String ip, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                ns.run(() -> {
                    try (java.net.Socket s = new java.net.Socket()) {
                        s.connect(new InetSocketAddress(InetAddress.ofLiteral(ip), port), 500);
                    }
                    return null;
                });
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) throw new IOException("nothing answers on " + ip + ":" + port, e);
                Thread.sleep(100);
            }
        }
    }

    static String haproxyVersion() {
        try {
            Matcher m = Pattern.compile("version (\\d+\\.\\d+\\.\\d+)").matcher(sh("haproxy", "-v"));
            return m.find() ? m.group(1) : "";
        } catch (IOException e) {
            return "";
        }
    }

    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) return true;
        }
        return Files.isExecutable(Path.of("/usr/sbin", program));
    }

    /** Runs a command, failing with its output if it fails; returns stdout. */
    static String sh(String... command) throws IOException {
        Exec.Result r = new Exec(null).run(List.of(command), null);
        if (!r.ok()) throw new IOException(String.join(" ", command) + " failed: " + r.stderr() + r.stdout());
        return r.stdout();
    }
}
