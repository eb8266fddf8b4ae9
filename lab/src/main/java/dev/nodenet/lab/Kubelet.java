package dev.nodenet.lab;

import dev.nodenet.api.client.Informer;
import dev.nodenet.api.client.KubeApiException;
import dev.nodenet.api.client.KubeClient;
import dev.nodenet.api.client.Resource;
import dev.nodenet.api.codec.Json;
import dev.nodenet.api.model.Container;
import dev.nodenet.api.model.ContainerPort;
import dev.nodenet.api.model.Node;
import dev.nodenet.api.model.Pod;
import dev.nodenet.netlink.NetNs;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The lab's kubelet for one node, with the node's own credentials ({@code system:node:NAME}). It registers the Node
 * (InternalIP = the node's underlay address, Ready) and renews its Ready heartbeat; watches Pods bound to the node
 * and, per Pod, does what a runtime + kubelet would: a network namespace ({@code NAME-p-HASH}), CNI ADD, the
 * {@link EchoServer} workload on the Pod's ports, then podIP/Ready through {@code pods/status}. When a Pod is deleted
 * (deletionTimestamp) the workload keeps serving for a short drain — like a preStop sleep, so every node's proxy has
 * dropped the terminating endpoint before connections are refused — then stops, CNI DEL, the namespace goes and the
 * Pod is deleted with grace 0.
 *
 * <p>Threading: the informer thread only enqueues Pod keys. One worker at a time per Pod key (a virtual thread;
 * different Pods proceed in parallel, one Pod's steps never overlap); failures are retried after 2 s. The heartbeat
 * runs on its own scheduled thread. {@link #close} tears down every Pod it runs (used by lab down).
 */
final class Kubelet implements AutoCloseable {
    static final Duration DRAIN = Duration.ofSeconds(3);
    private static final Duration HEARTBEAT = Duration.ofSeconds(10);

    private final LabSpec spec;
    private final int index;
    private final String node;
    private final KubeClient client;
    private final Cni cni;
    private final PrintStream log;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final Set<String> busy = new HashSet<>(), again = new HashSet<>();
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon(true).name("kubelet-timer").unstarted(r));
    private volatile Informer<Pod> pods;
    private volatile boolean closing;

    /** A pod this kubelet runs: its record plus the live workload. */
    private record Running(PodRecord record, EchoServer echo, Instant drainUntil) {
        Running draining(Instant until) {
            return new Running(record, echo, until);
        }
    }

    Kubelet(LabSpec spec, int index, KubeClient client, PrintStream log) {
        this.spec = spec;
        this.index = index;
        this.node = spec.nodeName(index);
        this.client = client;
        this.log = log;
        this.cni = new Cni(spec.nodeNetns(index), spec.cniConfDir(index), spec.cniBinDir());
    }

    String node() {
        return node;
    }

    /** Registers the Node (retrying until the API server answers) and starts the pod watch and heartbeat. */
    void start() {
        while (!closing) {
            try {
                register();
                break;
            } catch (RuntimeException e) {
                log.println("kubelet " + node + ": registering the Node failed, retrying: " + e.getMessage());
                Underlay.sleep(1000);
            }
        }
        timer.scheduleWithFixedDelay(this::heartbeat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        pods = Informer.builder(client, Resource.PODS).fieldSelector("spec.nodeName=" + node).handler(new Informer.Handler<Pod>() {
            @Override
            public void onAdd(Pod p) {
                enqueue(key(p));
            }

            @Override
            public void onUpdate(Pod o, Pod n) {
                enqueue(key(n));
            }

            @Override
            public void onDelete(Pod p) {
                enqueue(key(p));
            }
        }).build();
        pods.start();
    }

    private void register() {
        Map<String, Object> status = nodeStatus();
        try {
            Node existing = client.get(Resource.NODES, null, node);
            client.patchStatus(Resource.NODES, null, existing.metadata().name(), KubeClient.PatchType.STRATEGIC_MERGE, Map.of("status", status));
        } catch (KubeApiException e) {
            if (e.code() != 404) throw e;
            Map<String, Object> obj = new LinkedHashMap<>();
            obj.put("apiVersion", "v1");
            obj.put("kind", "Node");
            obj.put("metadata", Map.of("name", node, "labels", Map.of("kubernetes.io/hostname", node, "kubernetes.io/os", "linux",
                    "nodenet.dev/lab", spec.name())));
            obj.put("status", status);
            client.create(Resource.NODES, null, Json.convert(obj, Node.class));
        }
        log.println("kubelet " + node + ": registered (InternalIP " + spec.nodeIp(index) + ")");
    }

    private Map<String, Object> nodeStatus() {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        return Map.of(
                "addresses", List.of(Map.of("type", "InternalIP", "address", spec.nodeIp(index)), Map.of("type", "Hostname", "address", node)),
                "conditions", List.of(Map.of("type", "Ready", "status", "True", "reason", "KubeletReady", "message", "nodenet lab kubelet is posting ready status",
                        "lastHeartbeatTime", now, "lastTransitionTime", now)),
                "nodeInfo", Map.of("kubeletVersion", "v1.33.0-nodenet-lab", "kubeProxyVersion", "", "operatingSystem", "linux", "architecture", "amd64",
                        "containerRuntimeVersion", "nodenet-lab://0.1", "osImage", "nodenet lab", "kernelVersion", System.getProperty("os.version"),
                        "machineID", "", "systemUUID", "", "bootID", ""));
    }

    private void heartbeat() {
        try {
            client.get(Resource.NODES, null, node);
            String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
            client.patchStatus(Resource.NODES, null, node, KubeClient.PatchType.STRATEGIC_MERGE, Map.of("status", Map.of("conditions",
                    List.of(Map.of("type", "Ready", "status", "True", "reason", "KubeletReady", "lastHeartbeatTime", now)))));
        } catch (KubeApiException e) {
            if (e.code() == 404 && !closing) {
                log.println("kubelet " + node + ": Node object is gone; registering again");
                try {
                    register();
                } catch (RuntimeException again) {
                    log.println("kubelet " + node + ": " + again.getMessage());
                }
            }
        } catch (RuntimeException e) {
            // API server away (restarting): the next beat tries again
        }
    }

    private static String key(Pod p) {
        return p.metadata().namespace() + "/" + p.metadata().name();
    }

    private void enqueue(String key) {
        synchronized (busy) {
            if (closing) return;
            if (!busy.add(key)) {
                again.add(key);
                return;
            }
        }
        workers.execute(() -> work(key));
    }

    private void work(String key) {
        while (true) {
            try {
                sync(key);
            } catch (Exception e) {
                if (!closing) {
                    log.println("kubelet " + node + ": pod " + key + ": " + e.getMessage() + " (retrying in 2 s)");
                    timer.schedule(() -> enqueue(key), 2, TimeUnit.SECONDS);
                }
            }
            synchronized (busy) {
                if (!again.remove(key) || closing) {
                    busy.remove(key);
                    return;
                }
            }
        }
    }

    /** Brings one Pod key's actual state to the Pod as the informer sees it. */
    private void sync(String key) throws Exception {
        int slash = key.indexOf('/');
        String namespace = key.substring(0, slash), name = key.substring(slash + 1);
        Pod pod = pods.get(namespace, name);
        Running r = running.get(key);
        if (r != null && (pod == null || !r.record().uid().equals(pod.metadata().uid()))) {
            teardown(key, r);
            r = null;
        }
        if (pod == null) return;
        if (pod.metadata().deletionTimestamp() != null) {
            if (r != null) {
                if (r.drainUntil() == null) {
                    long graceSeconds = pod.metadata().deletionGracePeriodSeconds() == null ? 30 : pod.metadata().deletionGracePeriodSeconds();
                    Duration drain = graceSeconds * 1000 < DRAIN.toMillis() ? Duration.ofSeconds(graceSeconds) : DRAIN;
                    r = r.draining(Instant.now().plus(drain));
                    running.put(key, r);
                }
                long waitMs = Duration.between(Instant.now(), r.drainUntil()).toMillis();
                if (waitMs > 0) Thread.sleep(waitMs);
                teardown(key, r);
            }
            try {
                client.delete(Resource.PODS, namespace, name, 0);
            } catch (KubeApiException e) {
                if (e.code() != 404) throw e;
            }
            return;
        }
        if (r == null) r = setUp(pod);
        if (!r.record().ip().equals(pod.status() == null ? null : pod.status().podIP())) reportReady(pod, r.record());
    }

    private Running setUp(Pod pod) throws Exception {
        String namespace = pod.metadata().namespace(), name = pod.metadata().name();
        if (cni.conflist() == null) throw new IOException("network not ready: the node daemon has not written its CNI config yet");
        String netns = spec.podNetns(namespace, name);
        String containerId = pod.metadata().uid().replaceAll("[^A-Za-z0-9]", "");
        String netnsPath = NetNs.NAMED_NETNS_DIR.resolve(netns).toString();
        if (!Sh.run("ip", "netns", "add", netns).ok() && !Sh.run("ip", "netns", "list").out().contains(netns)) {
            throw new IOException("cannot create network namespace " + netns);
        }
        Sh.run("ip", "-n", netns, "link", "set", "lo", "up");
        String ip;
        try {
            ip = cni.add(containerId, netnsPath, namespace, name);
        } catch (IOException e) {
            Sh.run("ip", "netns", "del", netns);
            throw e;
        }
        EchoServer echo;
        try (NetNs ns = NetNs.named(netns)) {
            echo = EchoServer.start(ns, name, ports(pod));
        } catch (IOException | RuntimeException e) {
            cleanupNetwork(containerId, netns, netnsPath, namespace, name);
            throw e;
        }
        PodRecord record = new PodRecord(namespace, name, pod.metadata().uid(), node, ip, netns, containerId);
        record.save(spec.podsDir());
        Running r = new Running(record, echo, null);
        running.put(namespace + "/" + name, r);
        log.println("kubelet " + node + ": pod " + namespace + "/" + name + " running, IP " + ip + ", netns " + netns + ", ports " + ports(pod));
        return r;
    }

    static List<Integer> ports(Pod pod) {
        Set<Integer> ports = new TreeSet<>();
        if (pod.spec() != null && pod.spec().containers() != null) {
            for (Container c : pod.spec().containers()) {
                if (c.ports() == null) continue;
                for (ContainerPort p : c.ports()) if (p.containerPort() != null) ports.add(p.containerPort());
            }
        }
        if (ports.isEmpty()) ports.add(EchoServer.DEFAULT_PORT);
        return new ArrayList<>(ports);
    }

    private void reportReady(Pod pod, PodRecord record) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        List<Map<String, Object>> containers = new ArrayList<>();
        if (pod.spec() != null && pod.spec().containers() != null) {
            for (Container c : pod.spec().containers()) {
                containers.add(Map.of("name", c.name() == null ? "main" : c.name(), "image", c.image() == null ? "" : c.image(), "imageID", "",
                        "containerID", "nodenet-lab://" + record.containerId(), "ready", true, "started", true, "restartCount", 0,
                        "state", Map.of("running", Map.of("startedAt", now))));
            }
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("phase", "Running");
        status.put("hostIP", spec.nodeIp(index));
        status.put("hostIPs", List.of(Map.of("ip", spec.nodeIp(index))));
        status.put("podIP", record.ip());
        status.put("podIPs", List.of(Map.of("ip", record.ip())));
        status.put("startTime", now);
        status.put("conditions", List.of(
                Map.of("type", "PodScheduled", "status", "True", "lastTransitionTime", now),
                Map.of("type", "Initialized", "status", "True", "lastTransitionTime", now),
                Map.of("type", "ContainersReady", "status", "True", "lastTransitionTime", now),
                Map.of("type", "Ready", "status", "True", "lastTransitionTime", now)));
        status.put("containerStatuses", containers);
        client.patchStatus(Resource.PODS, pod.metadata().namespace(), pod.metadata().name(), KubeClient.PatchType.MERGE, Map.of("status", status));
    }

    private void teardown(String key, Running r) {
        r.echo().close();
        PodRecord p = r.record();
        cleanupNetwork(p.containerId(), p.netns(), NetNs.NAMED_NETNS_DIR.resolve(p.netns()).toString(), p.namespace(), p.name());
        try {
            p.remove(spec.podsDir());
        } catch (IOException e) {
            log.println("kubelet " + node + ": " + e.getMessage());
        }
        running.remove(key, r);
        log.println("kubelet " + node + ": pod " + key + " stopped and removed");
    }

    private void cleanupNetwork(String containerId, String netns, String netnsPath, String namespace, String name) {
        try {
            cni.del(containerId, netnsPath, namespace, name);
        } catch (IOException e) {
            log.println("kubelet " + node + ": " + e.getMessage());
        }
        Sh.Result r = Sh.run("ip", "netns", "del", netns);
        if (!r.ok()) log.println("kubelet " + node + ": ip netns del " + netns + ": " + r.out().strip());
    }

    /** Stops watching and tears down every pod this kubelet runs (CNI DEL, namespace removed); leaves API objects. */
    @Override
    public void close() {
        synchronized (busy) {
            closing = true;
        }
        if (pods != null) pods.stop();
        timer.shutdownNow();
        workers.shutdown();
        try {
            workers.awaitTermination(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Map.Entry<String, Running> e : List.copyOf(running.entrySet())) teardown(e.getKey(), e.getValue());
    }
}
