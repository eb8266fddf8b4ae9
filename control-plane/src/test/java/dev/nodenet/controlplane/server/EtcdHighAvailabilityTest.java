package dev.nodenet.controlplane.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodenet.controlplane.storage.etcd.EtcdProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two API servers on one real etcd serve the same data: a write through one is read and watched through the other,
 * and optimistic concurrency holds across them. The second server shares the first one's CA and admin token, as
 * replicas behind one address would.
 */
class EtcdHighAvailabilityTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void twoServersOneEtcd() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.start()) {
            Path a = dir.resolve("a"), b = dir.resolve("b");
            try (ApiServer first = ApiServer.start(ApiServer.Config.defaults(a).withPort(0).withEtcd(etcd.endpoints(), "/ha-test"))) {
                Files.createDirectories(b.resolve("pki"));
                for (String f : new String[]{"pki/ca.crt", "pki/ca.key", "admin.token"}) {
                    Files.copy(a.resolve(f), b.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
                try (ApiServer second = ApiServer.start(ApiServer.Config.defaults(b).withPort(0).withEtcd(etcd.endpoints(), "/ha-test"))) {
                    Http one = new Http(a, first.url()), two = new Http(b, second.url());
                    String rv = JSON.readTree(two.get("/api/v1/namespaces/default/services").body()).path("metadata").path("resourceVersion").asText();
                    CompletableFuture<HttpResponse<String>> watch = CompletableFuture.supplyAsync(() -> {
                        try {
                            return two.get("/api/v1/namespaces/default/services?watch=1&timeoutSeconds=3&resourceVersion=" + rv);
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    });
                    Thread.sleep(300);
                    JsonNode created = JSON.readTree(one.post("/api/v1/namespaces/default/services",
                            "{\"metadata\":{\"name\":\"ha\"},\"spec\":{\"ports\":[{\"port\":80}]}}").body());
                    JsonNode read = JSON.readTree(two.get("/api/v1/namespaces/default/services/ha").body());
                    assertEquals(created.path("metadata").path("uid"), read.path("metadata").path("uid"));
                    assertEquals(created.path("metadata").path("resourceVersion"), read.path("metadata").path("resourceVersion"),
                            "resourceVersion is the etcd revision on both servers");
                    String body = watch.get().body();
                    assertTrue(body.contains("\"ADDED\"") && body.contains("\"name\":\"ha\""), "a watch on one server sees writes through the other: " + body);

                    // Both try to update from the same resourceVersion: one wins, the other gets 409.
                    String update = "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"ha\",\"resourceVersion\":\""
                            + read.path("metadata").path("resourceVersion").asText() + "\"},\"spec\":{\"ports\":[{\"port\":%d}]}}";
                    int c1 = one.send("PUT", "/api/v1/namespaces/default/services/ha", "application/json", update.formatted(81)).statusCode();
                    int c2 = two.send("PUT", "/api/v1/namespaces/default/services/ha", "application/json", update.formatted(82)).statusCode();
                    assertEquals(200, c1);
                    assertEquals(409, c2);
                }
            }
        }
    }

    /** Both servers could run the controllers; leader election makes one do it, and the other take over when it stops. */
    @Test
    void oneControllerLeaderAndFailover() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.start()) {
            Path a = dir.resolve("a"), b = dir.resolve("b");
            java.time.Duration lease = java.time.Duration.ofSeconds(1);
            ApiServer first = ApiServer.start(ApiServer.Config.defaults(a).withPort(0).withEtcd(etcd.endpoints(), "/leader").withLeaderLease(lease));
            try {
                Files.createDirectories(b.resolve("pki"));
                for (String f : new String[]{"pki/ca.crt", "pki/ca.key", "admin.token"}) Files.copy(a.resolve(f), b.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                try (ApiServer second = ApiServer.start(ApiServer.Config.defaults(b).withPort(0).withEtcd(etcd.endpoints(), "/leader").withLeaderLease(lease))) {
                    Http one = new Http(a, first.url()), two = new Http(b, second.url());
                    assertEquals(201, one.post("/api/v1/namespaces/default/services",
                            "{\"metadata\":{\"name\":\"ha-web\"},\"spec\":{\"selector\":{\"app\":\"ha\"},\"ports\":[{\"port\":80}]}}").statusCode());
                    for (int i = 0; i < 3; i++) {
                        assertEquals(201, two.post("/api/v1/namespaces/default/pods", "{\"metadata\":{\"name\":\"ha-" + i
                                + "\",\"labels\":{\"app\":\"ha\"}},\"spec\":{\"nodeName\":\"node-x\",\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}").statusCode());
                        ready(two, "ha-" + i, "10.244.9." + (i + 10), true);
                    }
                    awaitSlices(two, 3, 3);
                    Thread.sleep(2 * lease.toMillis()); // give a second controller every chance to (wrongly) write too
                    awaitSlices(two, 3, 3);

                    first.close(); // the leader goes away: the other server's controllers take over
                    first = null;
                    ready(two, "ha-0", "10.244.9.10", false);
                    awaitSlices(two, 3, 2);
                }
            } finally {
                if (first != null) first.close();
            }
        }
    }

    private static void ready(Http http, String pod, String ip, boolean ready) throws Exception {
        String patch = "{\"status\":{\"phase\":\"Running\",\"podIP\":\"" + ip + "\",\"podIPs\":[{\"ip\":\"" + ip
                + "\"}],\"conditions\":[{\"type\":\"Ready\",\"status\":\"" + (ready ? "True" : "False") + "\"}]}}";
        assertEquals(200, http.send("PATCH", "/api/v1/namespaces/default/pods/" + pod + "/status", "application/merge-patch+json", patch).statusCode());
    }

    /** Waits until the Service has exactly one slice with {@code endpoints} endpoints, {@code ready} of them ready. */
    private static void awaitSlices(Http http, int endpoints, int ready) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        String last = "";
        while (System.nanoTime() < deadline) {
            JsonNode list = JSON.readTree(http.get("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dha-web").body());
            last = list.toString();
            if (list.path("items").size() == 1) {
                JsonNode eps = list.path("items").get(0).path("endpoints");
                int r = 0;
                for (JsonNode e : eps) if (e.path("conditions").path("ready").asBoolean()) r++;
                if (eps.size() == endpoints && r == ready) return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("want one slice with " + endpoints + " endpoints, " + ready + " ready; have " + last);
    }
}
