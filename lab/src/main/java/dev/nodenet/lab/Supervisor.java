package dev.nodenet.lab;

import dev.nodenet.api.client.KubeClient;
import dev.nodenet.api.client.KubeConfig;
import dev.nodenet.api.client.Resource;
import dev.nodenet.api.model.Node;
import dev.nodenet.controlplane.server.ApiServer;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code lab supervise}: the lab's background process (started detached by {@code lab up}). It starts the API server
 * as a child on the bridge address, registers one lab kubelet per node (in this JVM, with that node's credentials),
 * the scheduler, and one node daemon child per node — {@code ip netns exec NODE-NETNS nodenet node ...}, the same
 * command a DaemonSet runs, with per-node file paths because all nodes share this machine's filesystem. Children that
 * exit are restarted. Once every node has a pod CIDR, its CNI config and a healthy proxy, it writes
 * {@code run/ready}. SIGTERM: kubelets tear their pods down (CNI DEL), children stop, then the process exits.
 * {@code lab remove-node NAME} drops a file in {@code run/remove/}: the node's kubelet tears its pods down, its daemon
 * stops, its Pods and Node object are deleted (what the pod GC and an operator's {@code kubectl delete node} do when a
 * machine leaves) and its namespace goes; {@code run/removed/NAME} confirms.
 *
 * <p>Threading: the main thread starts everything then waits; a readiness thread polls; children have watcher threads;
 * the JVM shutdown hook does the teardown.
 */
final class Supervisor {
    private final LabSpec spec;
    private final PrintStream log;
    private final List<Child> daemons = new ArrayList<>();
    private final List<Kubelet> kubelets = new ArrayList<>();
    private Child apiServer;
    private Scheduler scheduler;

    private Supervisor(LabSpec spec, PrintStream log) {
        this.spec = spec;
        this.log = log;
    }

    static int run(LabSpec spec, PrintStream log) throws Exception {
        Supervisor s = new Supervisor(spec, log);
        Files.createDirectories(spec.runDir());
        Files.writeString(spec.pidFile("supervisor"), ProcessHandle.current().pid() + "\n");
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            s.shutdown();
            done.countDown();
        }, "lab-shutdown"));
        s.start();
        done.await();
        return 0;
    }

    List<String> apiServerCommand() {
        List<String> cmd = new ArrayList<>(spec.launcher());
        cmd.addAll(List.of("apiserver", "--data-dir", spec.apiDataDir().toString(), "--bind-address", spec.bridgeIp(),
                "--secure-port", String.valueOf(spec.apiPort()), "--advertise-address", spec.bridgeIp(), "--tls-san", spec.bridgeIp(),
                "--cluster-cidr", spec.clusterCidr(), "--node-cidr-mask-size-ipv4", "24"));
        return cmd;
    }

    /** The node daemon's command: exactly {@code nodenet node} with a DaemonSet's flags, inside the node's netns. */
    List<String> nodeDaemonCommand(int i) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", spec.nodeNetns(i)));
        cmd.addAll(spec.launcher());
        Path d = spec.nodeDir(i);
        String ip = spec.nodeIp(i);
        cmd.addAll(List.of("node", "--kubeconfig", d.resolve("kubeconfig").toString(), "--hostname-override", spec.nodeName(i),
                "--proxy-mode", spec.mode(), "--cluster-cidr", spec.clusterCidr(),
                "--metrics-bind-address", ip + ":10249", "--healthz-bind-address", ip + ":10256",
                "--overlay-public-ip", ip, "--overlay-cni-conf-dir", spec.cniConfDir(i).toString(),
                "--overlay-subnet-file", d.resolve("subnet.env").toString(), "--overlay-cni-ipam-data-dir", d.resolve("ipam").toString()));
        return cmd;
    }

    private void start() throws Exception {
        log.println("supervisor: lab " + spec.name() + ", " + spec.nodes() + " node(s), mode " + spec.mode() + ", dir " + spec.dir());
        apiServer = new Child("apiserver", apiServerCommand(), spec.logDir().resolve("apiserver.log"), spec.pidFile("apiserver"), spec.failedFile(), log);
        apiServer.start();
        KubeClient admin = awaitApiServer();
        scheduler = new Scheduler(admin, log);
        scheduler.start();
        for (int i = 1; i <= spec.nodes(); i++) {
            Path kubeconfig = spec.nodeDir(i).resolve("kubeconfig");
            Files.createDirectories(spec.nodeDir(i));
            ApiServer.writeNodeKubeconfig(spec.apiDataDir(), spec.apiUrl(), spec.nodeName(i), kubeconfig);
            Kubelet k = new Kubelet(spec, i, new KubeClient(KubeConfig.load(kubeconfig)), log);
            kubelets.add(k);
            k.start();
        }
        for (int i = 1; i <= spec.nodes(); i++) {
            Child d = new Child("node-" + i, nodeDaemonCommand(i), spec.logDir().resolve(spec.nodeName(i) + ".log"), spec.pidFile(spec.nodeName(i)), spec.failedFile(), log);
            daemons.add(d);
            d.start();
        }
        Thread.ofPlatform().daemon(true).name("lab-readiness").start(() -> awaitReady(admin));
        Thread.ofPlatform().daemon(true).name("lab-remove-node").start(() -> watchRemovals(admin));
    }

    private void watchRemovals(KubeClient admin) {
        Path requests = spec.runDir().resolve("remove");
        while (true) {
            Underlay.sleep(300);
            for (int i = 1; i <= spec.nodes(); i++) {
                Path request = requests.resolve(spec.nodeName(i));
                if (!Files.exists(request)) continue;
                try {
                    removeNode(admin, i);
                    Files.createDirectories(spec.removedDir());
                    Files.writeString(spec.removedDir().resolve(spec.nodeName(i)), java.time.Instant.now() + "\n");
                } catch (Exception e) {
                    log.println("supervisor: removing " + spec.nodeName(i) + " failed: " + e.getMessage());
                }
                try {
                    Files.deleteIfExists(request);
                } catch (IOException ignored) {
                    // asked again next round; removal is idempotent
                }
            }
        }
    }

    private void removeNode(KubeClient admin, int i) {
        String node = spec.nodeName(i);
        log.println("supervisor: removing " + node + " from the cluster");
        kubelets.get(i - 1).close();
        daemons.get(i - 1).stop(10_000);
        for (var pod : admin.list(Resource.PODS, null, dev.nodenet.api.client.ListOptions.NONE.withFieldSelector("spec.nodeName=" + node)).items()) {
            try {
                admin.delete(Resource.PODS, pod.metadata().namespace(), pod.metadata().name(), 0);
            } catch (RuntimeException e) {
                log.println("supervisor: deleting pod " + pod.metadata().name() + ": " + e.getMessage());
            }
        }
        try {
            admin.delete(Resource.NODES, null, node);
        } catch (dev.nodenet.api.client.KubeApiException e) {
            if (e.code() != 404) throw e;
        }
        Sh.run("ip", "netns", "del", spec.nodeNetns(i));
        log.println("supervisor: " + node + " removed");
    }

    private KubeClient awaitApiServer() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            if (Files.exists(spec.kubeconfig())) {
                try {
                    KubeClient c = new KubeClient(KubeConfig.load(spec.kubeconfig()));
                    c.get(Resource.NAMESPACES, null, "default");
                    log.println("supervisor: API server ready at " + spec.apiUrl());
                    return c;
                } catch (RuntimeException e) {
                    last = e;
                }
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException("the API server did not become ready in 3 minutes (see " + spec.logDir().resolve("apiserver.log") + ")"
                + (last == null ? "" : ": " + last.getMessage()));
    }

    private void awaitReady(KubeClient admin) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        while (true) {
            List<String> waiting = notReady(admin, http, spec);
            if (waiting.isEmpty()) break;
            Underlay.sleep(500);
        }
        try {
            Files.writeString(spec.readyFile(), java.time.Instant.now() + "\n");
            log.println("supervisor: lab ready");
        } catch (IOException e) {
            log.println("supervisor: cannot write " + spec.readyFile() + ": " + e.getMessage());
        }
    }

    /** What keeps the lab from being ready: per node, a missing pod CIDR, CNI config or healthy proxy. Empty: ready. */
    static List<String> notReady(KubeClient admin, HttpClient http, LabSpec spec) {
        List<String> waiting = new ArrayList<>();
        for (int i = 1; i <= spec.nodes(); i++) {
            String n = spec.nodeName(i);
            if (Files.exists(spec.removedDir().resolve(n))) continue;
            try {
                Node node = admin.get(Resource.NODES, null, n);
                if (node.spec() == null || node.spec().podCIDR() == null) waiting.add(n + ": no pod CIDR yet");
            } catch (RuntimeException e) {
                waiting.add(n + ": " + e.getMessage());
            }
            if (!Files.exists(spec.cniConfDir(i).resolve("10-nodenet.conflist"))) waiting.add(n + ": no CNI config yet");
            int code = healthz(http, spec.nodeIp(i));
            if (code != 200) waiting.add(n + ": proxy healthz " + (code < 0 ? "unreachable" : String.valueOf(code)));
        }
        return waiting;
    }

    static int healthz(HttpClient http, String ip) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":10256/healthz")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void shutdown() {
        log.println("supervisor: stopping: pods first (CNI DEL), then node daemons, then the API server");
        try {
            Files.deleteIfExists(spec.readyFile());
        } catch (IOException ignored) {
            // lab down sweeps the run dir
        }
        if (scheduler != null) scheduler.close();
        List<Thread> stops = new ArrayList<>();
        for (Kubelet k : kubelets) stops.add(Thread.ofPlatform().start(k::close));
        joinAll(stops);
        stops.clear();
        for (Child d : daemons) stops.add(Thread.ofPlatform().start(() -> d.stop(10_000)));
        joinAll(stops);
        if (apiServer != null) apiServer.stop(10_000);
        log.println("supervisor: stopped");
    }

    private static void joinAll(List<Thread> threads) {
        for (Thread t : threads) {
            try {
                t.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
