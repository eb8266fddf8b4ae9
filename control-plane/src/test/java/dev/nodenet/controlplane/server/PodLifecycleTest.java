package dev.nodenet.controlplane.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a node data plane sees as pods come and go, driven by kubectl: ready pods become ready endpoints, a deleted
 * pod on a node is Terminating (serving, not ready) until its node finishes it, 250 pods fill three slices, and Nodes
 * get pod CIDRs.
 */
class PodLifecycleTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static ApiServer server;
    static Kubectl k;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        server = ApiServer.start(ApiServer.Config.defaults(dir.resolve("data")).withPort(0));
        k = Kubectl.onPath(server.kubeconfig());
        http = new Http(dir.resolve("data"), server.url());
        k.withInput("apiVersion: v1\nkind: Node\nmetadata: {name: node-1}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: node-2}\n", "apply", "-f", "-").ok();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static void pod(String ns, String name, String app, String ip) throws Exception {
        k.withInput("""
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, labels: {app: %s}}
                spec:
                  nodeName: node-1
                  containers: [{name: c, image: nodenet/echo, ports: [{name: http, containerPort: 8080}]}]
                """.formatted(name, app), "apply", "-n", ns, "-f", "-").ok();
        setReady(ns, name, ip, true);
    }

    static void setReady(String ns, String name, String ip, boolean ready) throws Exception {
        String patch = "{\"status\":{\"phase\":\"Running\",\"podIP\":\"" + ip + "\",\"podIPs\":[{\"ip\":\"" + ip + "\"}],\"conditions\":[{\"type\":\"Ready\",\"status\":\""
                + (ready ? "True" : "False") + "\"}]}}";
        assertEquals(200, http.send("PATCH", "/api/v1/namespaces/" + ns + "/pods/" + name + "/status", "application/merge-patch+json", patch).statusCode());
    }

    static JsonNode endpoint(String ns, String service, String ip) throws Exception {
        JsonNode list = JSON.readTree(k.run("get", "-n", ns, "endpointslices", "-l", "kubernetes.io/service-name=" + service, "-o", "json").ok().out());
        for (JsonNode slice : list.path("items")) {
            for (JsonNode e : slice.path("endpoints")) if (e.path("addresses").get(0).asText().equals(ip)) return e;
        }
        return null;
    }

    static void await(BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out: " + what);
            Thread.sleep(50);
        }
    }

    static BooleanSupplier quietly(java.util.concurrent.Callable<Boolean> c) {
        return () -> {
            try {
                return c.call();
            } catch (Exception e) {
                return false;
            }
        };
    }

    @Test
    void readyThenTerminatingThenGone() throws Exception {
        k.run("create", "namespace", "life").ok();
        k.withInput("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}\n", "apply", "-n", "life", "-f", "-").ok();
        pod("life", "web-1", "web", "10.244.1.5");
        await(quietly(() -> { JsonNode e = endpoint("life", "web", "10.244.1.5"); return e != null && e.path("conditions").path("ready").asBoolean(); }),
                "the ready pod is a ready endpoint");
        JsonNode slice = JSON.readTree(k.run("get", "-n", "life", "endpointslices", "-l", "kubernetes.io/service-name=web", "-o", "json").ok().out()).path("items").get(0);
        assertEquals(8080, slice.path("ports").get(0).path("port").asInt(), "named targetPort resolved from the pod");
        assertEquals("10.244.1.5:8080", k.run("get", "-n", "life", "endpoints", "web", "-o", "jsonpath={.subsets[0].addresses[0].ip}:{.subsets[0].ports[0].port}").ok().out());

        k.run("delete", "-n", "life", "pod", "web-1", "--wait=false").ok();
        assertTrue(k.run("get", "-n", "life", "pod", "web-1").ok().out().contains("Terminating"));
        await(quietly(() -> {
            JsonNode c = endpoint("life", "web", "10.244.1.5").path("conditions");
            return !c.path("ready").asBoolean() && c.path("serving").asBoolean() && c.path("terminating").asBoolean();
        }), "a terminating pod is serving and terminating, not ready");

        k.run("delete", "-n", "life", "pod", "web-1", "--grace-period=0", "--force").ok();
        await(quietly(() -> endpoint("life", "web", "10.244.1.5") == null), "the endpoint goes with the pod");
        k.run("delete", "namespace", "life").ok();
    }

    @Test
    void twoHundredFiftyPodsFillThreeSlices() throws Exception {
        k.run("create", "namespace", "many").ok();
        k.withInput("apiVersion: v1\nkind: Service\nmetadata: {name: big}\nspec: {selector: {app: big}, ports: [{port: 80}]}\n", "apply", "-n", "many", "-f", "-").ok();
        StringBuilder pods = new StringBuilder();
        for (int i = 0; i < 250; i++) {
            pods.append("---\napiVersion: v1\nkind: Pod\nmetadata: {name: big-").append(i).append(", labels: {app: big}}\n")
                    .append("spec: {nodeName: node-2, containers: [{name: c, image: i}]}\n");
        }
        k.withInput(pods.toString(), "apply", "-n", "many", "-f", "-").ok();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 250; i++) {
                int n = i;
                pool.submit(() -> {
                    setReady("many", "big-" + n, "10.244.2." + (n + 1), true);
                    return null;
                });
            }
        }
        await(quietly(() -> {
            JsonNode list = JSON.readTree(k.run("get", "-n", "many", "endpointslices", "-l", "kubernetes.io/service-name=big", "-o", "json").ok().out());
            int total = 0;
            for (JsonNode s : list.path("items")) total += s.path("endpoints").size();
            return list.path("items").size() == 3 && total == 250;
        }), "250 endpoints in 3 slices of at most 100");
        k.run("delete", "namespace", "many").ok();
    }

    @Test
    void nodesGetPodCidrs() throws Exception {
        await(quietly(() -> k.run("get", "nodes", "-o", "jsonpath={.items[*].spec.podCIDR}").ok().out().split(" ").length == 2
                && !k.run("get", "node", "node-1", "-o", "jsonpath={.spec.podCIDR}").ok().out().isEmpty()), "both nodes have a pod CIDR");
        String a = k.run("get", "node", "node-1", "-o", "jsonpath={.spec.podCIDR}").ok().out();
        String b = k.run("get", "node", "node-2", "-o", "jsonpath={.spec.podCIDR}").ok().out();
        assertTrue(a.matches("10\\.244\\.\\d+\\.0/24") && b.matches("10\\.244\\.\\d+\\.0/24") && !a.equals(b), a + " " + b);
    }
}
