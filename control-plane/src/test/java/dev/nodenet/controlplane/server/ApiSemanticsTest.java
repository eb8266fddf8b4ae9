package dev.nodenet.controlplane.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kubernetes API semantics beyond what kubectl sessions show: dry-run, subresources, selectors on watches, bookmarks. */
class ApiSemanticsTest {
    @TempDir
    static Path dir;
    static ApiServer server;
    static Http http;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        server = ApiServer.start(ApiServer.Config.defaults(dir.resolve("data")).withPort(0).withWatchHeartbeat(Duration.ofMillis(300)));
        http = new Http(dir.resolve("data"), server.url());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static JsonNode ok(HttpResponse<String> r, int code) throws Exception {
        assertEquals(code, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    static void namespace(String name) throws Exception {
        ok(http.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + name + "\"}}"), 201);
    }

    @Test
    void dryRunValidatesButStoresNothing() throws Exception {
        namespace("dry");
        JsonNode created = ok(http.post("/api/v1/namespaces/dry/services?dryRun=All", "{\"metadata\":{\"name\":\"x\"},\"spec\":{\"ports\":[{\"port\":80}]}}"), 201);
        assertEquals("TCP", created.path("spec").path("ports").get(0).path("protocol").asText(), "defaults are applied in a dry run");
        assertEquals(404, http.get("/api/v1/namespaces/dry/services/x").statusCode());
        ok(http.post("/api/v1/namespaces/dry/services", "{\"metadata\":{\"name\":\"x\"},\"spec\":{\"ports\":[{\"port\":80}]}}"), 201);
        ok(http.send("DELETE", "/api/v1/namespaces/dry/services/x?dryRun=All", null, null), 200);
        assertEquals(200, http.get("/api/v1/namespaces/dry/services/x").statusCode());
    }

    @Test
    void generateNameYamlBodiesAndNoOpUpdates() throws Exception {
        namespace("gen");
        JsonNode a = ok(http.send("POST", "/api/v1/namespaces/gen/services", "application/yaml", "metadata:\n  generateName: web-\nspec:\n  ports: [{port: 80}]\n"), 201);
        String name = a.path("metadata").path("name").asText();
        assertTrue(name.matches("web-[a-z0-9]{5}"), name);
        assertEquals("1", a.path("metadata").path("generation").asText());
        JsonNode same = ok(http.send("PUT", "/api/v1/namespaces/gen/services/" + name, "application/json", a.toString()), 200);
        assertEquals(a.path("metadata").path("resourceVersion"), same.path("metadata").path("resourceVersion"), "an identical update writes nothing");
    }

    @Test
    void statusIsASubresource() throws Exception {
        namespace("st");
        ok(http.post("/api/v1/namespaces/st/pods", "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]},\"status\":{\"phase\":\"Running\"}}"), 201);
        JsonNode p = ok(http.get("/api/v1/namespaces/st/pods/p"), 200);
        assertEquals("Pending", p.path("status").path("phase").asText(), "a client cannot set status on create");
        JsonNode s = ok(http.send("PATCH", "/api/v1/namespaces/st/pods/p/status", "application/merge-patch+json",
                "{\"status\":{\"phase\":\"Running\",\"podIP\":\"10.244.0.5\"},\"spec\":{\"nodeName\":\"sneaky\"}}"), 200);
        assertEquals("Running", s.path("status").path("phase").asText());
        assertFalse(s.path("spec").has("nodeName"), "a status write changes only status");
        JsonNode m = ok(http.send("PATCH", "/api/v1/namespaces/st/pods/p", "application/merge-patch+json",
                "{\"status\":{\"phase\":\"Failed\"},\"metadata\":{\"labels\":{\"a\":\"b\"}}}"), 200);
        assertEquals("Running", m.path("status").path("phase").asText(), "a main-resource write keeps the stored status");
        assertEquals("b", m.path("metadata").path("labels").path("a").asText());
    }

    @Test
    void deleteCollectionAndNamespaceDeletion() throws Exception {
        namespace("dc");
        for (String n : List.of("a", "b", "c")) {
            ok(http.post("/api/v1/namespaces/dc/services", "{\"metadata\":{\"name\":\"" + n + "\",\"labels\":{\"group\":\"" + (n.equals("c") ? "keep" : "drop") + "\"}},\"spec\":{\"ports\":[{\"port\":80}]}}"), 201);
        }
        JsonNode deleted = ok(http.send("DELETE", "/api/v1/namespaces/dc/services?labelSelector=group%3Ddrop", null, null), 200);
        assertEquals(2, deleted.path("items").size());
        assertEquals(1, ok(http.get("/api/v1/namespaces/dc/services"), 200).path("items").size());
        ok(http.send("DELETE", "/api/v1/namespaces/dc", null, null), 200);
        assertEquals(0, ok(http.get("/api/v1/namespaces/dc/services"), 200).path("items").size(), "a namespace takes its objects with it");
        assertEquals(404, http.post("/api/v1/namespaces/dc/services", "{\"metadata\":{\"name\":\"z\"},\"spec\":{\"ports\":[{\"port\":80}]}}").statusCode());
    }

    @Test
    void watchesFollowSelectorsAndSendBookmarks() throws Exception {
        namespace("w");
        ok(http.post("/api/v1/namespaces/w/services", "{\"metadata\":{\"name\":\"s\",\"labels\":{\"app\":\"x\"}},\"spec\":{\"ports\":[{\"port\":80}]}}"), 201);
        String rv = ok(http.get("/api/v1/namespaces/w/services"), 200).path("metadata").path("resourceVersion").asText();
        CompletableFuture<HttpResponse<String>> watch = CompletableFuture.supplyAsync(() -> {
            try {
                return http.get("/api/v1/namespaces/w/services?watch=1&allowWatchBookmarks=true&timeoutSeconds=3&labelSelector=app%3Dx&resourceVersion=" + rv);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(400);
        ok(http.send("PATCH", "/api/v1/namespaces/w/services/s", "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"app\":\"y\"}}}"), 200);
        ok(http.send("PATCH", "/api/v1/namespaces/w/services/s", "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"app\":\"x\"}}}"), 200);
        ok(http.post("/api/v1/namespaces/w/services", "{\"metadata\":{\"name\":\"other\",\"labels\":{\"app\":\"z\"}},\"spec\":{\"ports\":[{\"port\":80}]}}"), 201);
        List<JsonNode> events = watch.get().body().lines().filter(l -> !l.isBlank()).map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }).toList();
        List<String> types = events.stream().filter(e -> !e.path("type").asText().equals("BOOKMARK")).map(e -> e.path("type").asText()).toList();
        assertEquals(List.of("DELETED", "ADDED"), types, "an object leaving and re-entering the selector: " + events);
        JsonNode bookmark = events.stream().filter(e -> e.path("type").asText().equals("BOOKMARK")).reduce((a, b) -> b).orElseThrow();
        long bookmarkRv = Long.parseLong(bookmark.path("object").path("metadata").path("resourceVersion").asText());
        assertTrue(bookmarkRv > Long.parseLong(rv), "bookmarks advance past events the selector filtered out: " + bookmark);

        HttpResponse<String> one = http.get("/api/v1/namespaces/w/services?watch=1&timeoutSeconds=1&fieldSelector=metadata.name%3Dother");
        List<String> names = one.body().lines().filter(l -> !l.isBlank()).map(l -> {
            try {
                return JSON.readTree(l).path("object").path("metadata").path("name").asText();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }).toList();
        assertEquals(List.of("other"), names, "a watch without resourceVersion starts with the current state, filtered");
        assertNotEquals(0, names.size());
    }

    @Test
    void aWatchOnAnEmptyCollectionAnswersAtOnce() throws Exception {
        namespace("empty");
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + "/api/v1/namespaces/empty/services?watch=1&timeoutSeconds=30"))
                .header("Authorization", "Bearer " + http.token).build();
        var response = http.client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<java.io.InputStream> r = response.get(5, java.util.concurrent.TimeUnit.SECONDS); // headers, not the 30 s timeout
        assertEquals(200, r.statusCode());
        r.body().close();
    }
}
