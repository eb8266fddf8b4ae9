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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of bad request gets a Kubernetes Status with the right code and reason, changes nothing, and the server
 * keeps serving.
 */
class BadInputTest {
    @TempDir
    static Path dir;
    static ApiServer server;
    static Http http;
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SVC = "/api/v1/namespaces/bad/services";

    @BeforeAll
    static void start() throws Exception {
        server = ApiServer.start(ApiServer.Config.defaults(dir.resolve("data")).withPort(0).withWatchHeartbeat(Duration.ofSeconds(1)));
        http = new Http(dir.resolve("data"), server.url());
        assertEquals(201, http.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"bad\"}}").statusCode());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static JsonNode status(HttpResponse<String> r, int code, String reason) throws Exception {
        JsonNode s = JSON.readTree(r.body());
        assertEquals(code, r.statusCode(), r.body());
        assertEquals("Status", s.path("kind").asText(), r.body());
        assertEquals("Failure", s.path("status").asText(), r.body());
        assertEquals(reason, s.path("reason").asText(), r.body());
        assertEquals(code, s.path("code").asInt(), r.body());
        return s;
    }

    @Test
    void malformedJsonIs400() throws Exception {
        status(http.post(SVC, "{\"metadata\": {\"name\": \"x\""), 400, "BadRequest");
        status(http.post(SVC, "[1,2,3]"), 400, "BadRequest");
        status(http.post(SVC, ""), 400, "BadRequest");
        assertServiceCount(0);
    }

    @Test
    void wrongKindOrApiVersionIs400() throws Exception {
        JsonNode s = status(http.post(SVC, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"}}"), 400, "BadRequest");
        assertTrue(s.path("message").asText().contains("does not match"), s.toString());
        status(http.post(SVC, "{\"apiVersion\":\"apps/v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"x\"}}"), 400, "BadRequest");
        assertServiceCount(0);
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        String big = "{\"metadata\":{\"name\":\"big\",\"annotations\":{\"a\":\"" + "x".repeat(4 * 1024 * 1024) + "\"}}}";
        status(http.post(SVC, big), 413, "RequestEntityTooLarge");
        assertServiceCount(0);
    }

    @Test
    void unknownPathsAre404() throws Exception {
        status(http.get("/api/v1/widgets"), 404, "NotFound");
        status(http.get("/apis/apps/v1/deployments"), 404, "NotFound");
        status(http.get("/no/such/thing"), 404, "NotFound");
        status(http.get("/api/v1/namespaces/default/services/web/scale"), 404, "NotFound");
        status(http.get(SVC + "/nope"), 404, "NotFound");
    }

    @Test
    void missingOrWrongTokenIs401ButHealthIsOpen() throws Exception {
        status(http.send("GET", SVC, null, null, false), 401, "Unauthorized");
        HttpResponse<String> wrong = http.client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + SVC))
                .header("Authorization", "Bearer not-the-token").build(), HttpResponse.BodyHandlers.ofString());
        status(wrong, 401, "Unauthorized");
        for (String p : new String[]{"/healthz", "/livez", "/readyz"}) {
            HttpResponse<String> r = http.send("GET", p, null, null, false);
            assertEquals(200, r.statusCode());
            assertEquals("ok", r.body());
        }
        assertEquals(200, http.send("GET", "/version", null, null, false).statusCode());
    }

    @Test
    void duplicatesAndStaleWritesAre409() throws Exception {
        String body = "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"dup\"},\"spec\":{\"ports\":[{\"port\":80}]}}";
        assertEquals(201, http.post(SVC, body).statusCode());
        status(http.post(SVC, body), 409, "AlreadyExists");
        JsonNode current = JSON.readTree(http.get(SVC + "/dup").body());
        String rv = current.path("metadata").path("resourceVersion").asText();
        String update = "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"dup\",\"resourceVersion\":\"" + rv + "\"},\"spec\":{\"ports\":[{\"port\":81}]}}";
        assertEquals(200, http.send("PUT", SVC + "/dup", "application/json", update).statusCode());
        JsonNode conflict = status(http.send("PUT", SVC + "/dup", "application/json", update), 409, "Conflict");
        assertTrue(conflict.path("message").asText().contains("the object has been modified"), conflict.toString());
        assertEquals(200, http.send("DELETE", SVC + "/dup", null, null).statusCode());
    }

    @Test
    void invalidNamesAndLabelsAre422WithCauses() throws Exception {
        JsonNode s = status(http.post(SVC, "{\"metadata\":{\"name\":\"Bad_Name\",\"labels\":{\"ok\":\"-bad-\"}},\"spec\":{\"ports\":[{\"port\":80}]}}"), 422, "Invalid");
        assertEquals(2, s.path("details").path("causes").size(), s.toString());
        assertServiceCount(0);
    }

    @Test
    void strictFieldValidationRejectsUnknownAndDuplicateFields() throws Exception {
        JsonNode s = status(http.post(SVC + "?fieldValidation=Strict", "{\"metadata\":{\"name\":\"s\"},\"spec\":{\"prots\":[]}}"), 400, "BadRequest");
        assertTrue(s.path("message").asText().contains("unknown field \"spec.prots\""), s.toString());
        s = status(http.post(SVC + "?fieldValidation=Strict", "{\"metadata\":{\"name\":\"s\",\"name\":\"t\"},\"spec\":{\"ports\":[{\"port\":80}]}}"), 400, "BadRequest");
        assertTrue(s.path("message").asText().contains("duplicate field \"metadata.name\""), s.toString());
        status(http.post(SVC + "?fieldValidation=Sometimes", "{\"metadata\":{\"name\":\"s\"}}"), 400, "BadRequest");
        HttpResponse<String> warn = http.post(SVC, "{\"metadata\":{\"name\":\"warned\"},\"spec\":{\"prots\":[],\"ports\":[{\"port\":80}]}}");
        assertEquals(201, warn.statusCode());
        assertTrue(warn.headers().allValues("Warning").stream().anyMatch(w -> w.contains("spec.prots")), warn.headers().toString());
        assertEquals(200, http.send("DELETE", SVC + "/warned", null, null).statusCode());
    }

    @Test
    void badPatchesAreRejected() throws Exception {
        assertEquals(201, http.post(SVC, "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"ports\":[{\"port\":80}]}}").statusCode());
        status(http.send("PATCH", SVC + "/p", "application/merge-patch+json", "{not json"), 400, "BadRequest");
        status(http.send("PATCH", SVC + "/p", "application/json-patch+json", "[{\"op\":\"test\",\"path\":\"/spec/type\",\"value\":\"NodePort\"}]"), 422, "Invalid");
        status(http.send("PATCH", SVC + "/p", "text/plain", "x"), 415, "UnsupportedMediaType");
        status(http.send("PATCH", SVC + "/p", "application/apply-patch+yaml", "x"), 415, "UnsupportedMediaType");
        status(http.send("PATCH", SVC + "/missing", "application/merge-patch+json", "{}"), 404, "NotFound");
        status(http.send("PATCH", SVC + "/p", "application/strategic-merge-patch+json", "{\"spec\":{\"ports\":[{\"$patch\":\"bogus\"}]}}"), 422, "Invalid");
        JsonNode p = JSON.readTree(http.get(SVC + "/p").body());
        assertEquals(80, p.path("spec").path("ports").get(0).path("port").asInt(), "failed patches change nothing");
        assertEquals(200, http.send("DELETE", SVC + "/p", null, null).statusCode());
    }

    @Test
    void badQueryParametersAre400() throws Exception {
        status(http.get(SVC + "?labelSelector=a%20in%20(b"), 400, "BadRequest");
        status(http.get(SVC + "?fieldSelector=spec.nodeName%3Dx"), 400, "BadRequest");
        status(http.get(SVC + "?watch=1&resourceVersion=abc"), 400, "BadRequest");
        status(http.get(SVC + "?watch=1&timeoutSeconds=-5"), 400, "BadRequest");
        status(http.post(SVC + "?dryRun=Maybe", "{\"metadata\":{\"name\":\"x\"}}"), 400, "BadRequest");
        status(http.send("PUT", SVC, "application/json", "{}"), 405, "MethodNotAllowed");
    }

    @Test
    void watchFromACompactedRevisionGetsExpired() throws Exception {
        for (int i = 0; i < 5; i++) assertEquals(201, http.post(SVC, "{\"metadata\":{\"name\":\"c" + i + "\"},\"spec\":{\"ports\":[{\"port\":80}]}}").statusCode());
        long rv = server.store().currentRevision();
        server.store().compact(rv - 1);
        HttpResponse<String> r = http.get(SVC + "?watch=1&resourceVersion=1&timeoutSeconds=2");
        assertEquals(200, r.statusCode());
        JsonNode ev = JSON.readTree(r.body().lines().findFirst().orElseThrow());
        assertEquals("ERROR", ev.path("type").asText());
        assertEquals(410, ev.path("object").path("code").asInt());
        assertEquals("Expired", ev.path("object").path("reason").asText());
        for (int i = 0; i < 5; i++) assertEquals(200, http.send("DELETE", SVC + "/c" + i, null, null).statusCode());
    }

    private void assertServiceCount(int n) throws Exception {
        HttpResponse<String> list = http.get(SVC);
        assertEquals(200, list.statusCode(), "server still serving");
        assertEquals(n, JSON.readTree(list.body()).path("items").size(), list.body());
    }
}
