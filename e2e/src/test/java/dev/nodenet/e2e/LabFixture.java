package dev.nodenet.e2e;

import dev.nodenet.api.client.KubeApiException;
import dev.nodenet.api.client.KubeClient;
import dev.nodenet.api.client.ListOptions;
import dev.nodenet.api.client.Resource;
import dev.nodenet.api.codec.Json;
import dev.nodenet.api.model.Endpoint;
import dev.nodenet.api.model.EndpointSlice;
import dev.nodenet.api.model.Namespace;
import dev.nodenet.api.model.Pod;
import dev.nodenet.api.model.Service;
import dev.nodenet.lab.Lab;
import dev.nodenet.lab.LabSpec;
import dev.nodenet.lab.Requests;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One lab for a test class: unique name prefix, underlay subnet and directory, children launched with this test
 * JVM's classpath, and helpers to create objects and send requests from pods, nodes and the underlay (this JVM, in
 * the root namespace, on the bridge). {@link #close} runs lab down and fails if anything was left.
 */
final class LabFixture implements AutoCloseable {
    static final Duration CONVERGE = Duration.ofSeconds(60);
    final Lab lab;
    final LabSpec spec;
    final KubeClient k;

    private LabFixture(Lab lab) {
        this.lab = lab;
        this.spec = lab.spec();
        this.k = lab.admin();
    }

    static LabSpec uniqueSpec(String mode, int nodes) throws IOException {
        int r = ThreadLocalRandom.current().nextInt(0x100, 0xfff);
        Path dir = Files.createTempDirectory("nodenet-e2e-lab-");
        Files.delete(dir); // lab up refuses nothing here, but wants to create it
        return new LabSpec(dir, "nne" + Integer.toHexString(r), nodes, mode, "172.29." + (100 + r % 150) + ".0/24", 6443, "10.244.0.0/16",
                Lab.launcherForThisJvm(), false);
    }

    static LabFixture up(String mode, int nodes) throws Exception {
        LabSpec spec = uniqueSpec(mode, nodes);
        return new LabFixture(Lab.up(spec, new PrintStream(PrintStream.nullOutputStream()), Duration.ofMinutes(5)));
    }

    @Override
    public void close() {
        List<String> left = lab.down(new PrintStream(PrintStream.nullOutputStream()));
        if (!left.isEmpty()) throw new AssertionError("lab down left: " + left);
    }

    // ---- objects ----

    String namespace(String name) {
        k.create(Resource.NAMESPACES, null, Json.read("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"}}", Namespace.class));
        return name;
    }

    Service service(String ns, String json) {
        return k.create(Resource.SERVICES, ns, Json.read(json, Service.class));
    }

    /** A pod of the echo workload on node {@code node} (1-based), labels app=APP, one port (TCP and UDP). */
    Pod pod(String ns, String name, int node, String app, int port) {
        return k.create(Resource.PODS, ns, Json.read("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","labels":{"app":"%s"}},
                 "spec":{"nodeName":"%s","terminationGracePeriodSeconds":5,
                         "containers":[{"name":"echo","image":"nodenet/echo","ports":[{"containerPort":%d}]}]}}"""
                .formatted(name, app, spec.nodeName(node), port), Pod.class));
    }

    void deletePod(String ns, String name) {
        k.delete(Resource.PODS, ns, name);
    }

    void awaitReady(String ns, String... pods) throws Exception {
        for (String p : pods) await(() -> ready(ns, p), "pod " + ns + "/" + p + " Ready");
    }

    void awaitGone(String ns, String pod) throws Exception {
        await(() -> {
            try {
                k.get(Resource.PODS, ns, pod);
                return false;
            } catch (KubeApiException e) {
                return e.code() == 404;
            }
        }, "pod " + ns + "/" + pod + " gone");
    }

    boolean ready(String ns, String name) {
        Pod p = k.get(Resource.PODS, ns, name);
        return p.status() != null && p.status().podIP() != null && p.status().conditions() != null
                && p.status().conditions().stream().anyMatch(c -> c.type().equals("Ready") && c.status().equals("True"));
    }

    int readyEndpoints(String ns, String service) {
        int n = 0;
        for (EndpointSlice s : k.list(Resource.ENDPOINT_SLICES, ns, ListOptions.NONE.withLabelSelector("kubernetes.io/service-name=" + service)).items()) {
            if (s.endpoints() == null) continue;
            for (Endpoint e : s.endpoints()) if (e.conditions() != null && Boolean.TRUE.equals(e.conditions().ready())) n++;
        }
        return n;
    }

    void awaitEndpoints(String ns, String service, int ready) throws Exception {
        await(() -> readyEndpoints(ns, service) == ready, ready + " ready endpoints of " + ns + "/" + service);
    }

    String podNetns(String ns, String pod) {
        return lab.netnsOf(ns + "/" + pod).orElseThrow(() -> new AssertionError("pod " + ns + "/" + pod + " is not running"));
    }

    // ---- requests ----

    String tcpFromPod(String ns, String pod, String ip, int port) throws IOException {
        return Requests.tcp(podNetns(ns, pod), ip, port, 2000);
    }

    String tcpFromNode(int node, String ip, int port) throws IOException {
        return Requests.tcp(spec.nodeNetns(node), ip, port, 2000);
    }

    /** From this JVM in the root namespace: a client on the underlay, source address = the bridge's. */
    static String tcpFromUnderlay(String ip, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), 2000);
            s.setSoTimeout(2000);
            s.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = s.getInputStream().read()) >= 0 && c != '\n') sb.append((char) c);
            if (c < 0 && sb.isEmpty()) throw new IOException("closed without an answer");
            return sb.toString();
        }
    }

    interface Request {
        String send() throws IOException;
    }

    /** Retries {@code r} until it answers (rules converge after an API change); returns the first answer. */
    static String awaitAnswer(Request r, String what) throws Exception {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try {
                return r.send();
            } catch (IOException e) {
                last = e;
                Thread.sleep(300);
            }
        }
        throw new AssertionError("no answer for " + what + " in " + CONVERGE.toSeconds() + " s: " + (last == null ? "" : last.getMessage()));
    }

    /** Retries until an answer comes from {@code pod} (e.g. after a change that moves traffic). */
    static String awaitAnswerFrom(Request r, String pod, String what) throws Exception {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = r.send();
                if (last.startsWith(pod + " ")) return last;
            } catch (IOException e) {
                last = e.getMessage();
            }
            Thread.sleep(300);
        }
        throw new AssertionError("no answer from " + pod + " for " + what + " in " + CONVERGE.toSeconds() + " s; last: " + last);
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void await(Check c, String what) throws Exception {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        while (!c.ok()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + CONVERGE.toSeconds() + " s waiting for " + what);
            Thread.sleep(200);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
