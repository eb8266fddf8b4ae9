package dev.nodenet.controlplane.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the real kubectl binaries on this machine (1.27–1.33) against a minimal stub API server that serves discovery
 * and our {@link OpenApiV3} documents, and checks what kubectl does with them:
 * <ul>
 *   <li>kubectl's query-param verifier accepts our documents: kubectl 1.29+ then never asks for /openapi/v2 (had the
 *       verifier said "unsupported", kubectl would fetch the protobuf v2 document for client-side validation).
 *       Note that kubectl sends {@code ?fieldValidation=Strict} on create/apply whatever the verifier decides; the
 *       verifier only decides whether kubectl validates on its own first;</li>
 *   <li>a second {@code apply} sends a strategic merge patch keyed by the merge keys we declare.</li>
 * </ul>
 * kubectl 1.27 and 1.28 fetch /openapi/v2 before looking at v3 and fail if it is missing; the stub answers with an
 * empty protobuf document, which they accept (the API server needs the same trick). Skipped when no kubectl exists.
 */
class KubectlOpenApiCompatibilityTest {

    private static final Path SDK_BIN = Path.of("/usr/lib/google-cloud-sdk/bin");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Map<String, JsonNode> store = new ConcurrentHashMap<>();
    private final List<String> patchBodies = new CopyOnWriteArrayList<>();

    static Stream<Path> kubectls() {
        List<Path> found = new ArrayList<>();
        for (int minor = 27; minor <= 33; minor++) {
            Path p = SDK_BIN.resolve("kubectl.1." + minor);
            if (Files.isExecutable(p)) {
                found.add(p);
            }
        }
        if (found.isEmpty() && Files.isExecutable(Path.of("/usr/bin/kubectl"))) {
            found.add(Path.of("/usr/bin/kubectl"));
        }
        return found.stream();
    }

    @BeforeEach
    void startStub() throws IOException {
        List<ResourceInfo> table = OpenApiV3Test.TABLE;
        OpenApiV3 openApi = new OpenApiV3(KubeSchemas.catalog(), table, "v1.33.0");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", ex -> {
            try (ex) {
                handle(ex, openApi, table);
            }
        });
        server.start();
        String kubeconfig = """
                apiVersion: v1
                kind: Config
                clusters: [{name: stub, cluster: {server: "http://127.0.0.1:%d"}}]
                users: [{name: u, user: {}}]
                contexts: [{name: c, context: {cluster: stub, user: u, namespace: default}}]
                current-context: c
                """.formatted(server.getAddress().getPort());
        Files.writeString(tmp.resolve("kubeconfig"), kubeconfig);
    }

    @AfterEach
    void stopStub() {
        server.stop(0);
    }

    private void handle(HttpExchange ex, OpenApiV3 openApi, List<ResourceInfo> table) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        String query = ex.getRequestURI().getRawQuery();
        byte[] body = ex.getRequestBody().readAllBytes();
        requests.add(method + " " + path + (query == null ? "" : "?" + query) + " "
                + ex.getRequestHeaders().getFirst("Content-Type"));
        switch (method + " " + path) {
            case "GET /version" -> send(ex, 200, "{\"major\":\"1\",\"minor\":\"33\",\"gitVersion\":\"v1.33.0\"}");
            case "GET /api" -> send(ex, 200, "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],"
                    + "\"serverAddressByClientCIDRs\":[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1\"}]}");
            case "GET /apis" -> send(ex, 200, "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[{\"name\":"
                    + "\"discovery.k8s.io\",\"versions\":[{\"groupVersion\":\"discovery.k8s.io/v1\",\"version\":\"v1\"}],"
                    + "\"preferredVersion\":{\"groupVersion\":\"discovery.k8s.io/v1\",\"version\":\"v1\"}}]}");
            case "GET /api/v1" -> send(ex, 200, resourceList("v1", table));
            case "GET /apis/discovery.k8s.io/v1" -> send(ex, 200, resourceList("discovery.k8s.io/v1", table));
            case "GET /openapi/v3" -> send(ex, 200, openApi.rootBytes(), "application/json");
            case "GET /openapi/v2" -> send(ex, 200, new byte[0], "application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
            default -> {
                if (method.equals("GET") && path.startsWith("/openapi/v3/")) {
                    var doc = openApi.documentBytes(path.substring("/openapi/v3/".length()));
                    if (doc.isPresent()) {
                        send(ex, 200, doc.get(), "application/json");
                        return;
                    }
                } else if (method.equals("POST")) {
                    ObjectNode obj = (ObjectNode) JSON.readTree(body);
                    ObjectNode meta = (ObjectNode) obj.get("metadata");
                    meta.put("uid", "6f1c2f44-0000-4000-8000-000000000001").put("resourceVersion", "1");
                    meta.put("namespace", "default");
                    store.put(path + "/" + meta.get("name").asText(), obj);
                    send(ex, 201, JSON.writeValueAsString(obj));
                    return;
                } else if (method.equals("PATCH") && store.containsKey(path)) {
                    patchBodies.add(new String(body, StandardCharsets.UTF_8));
                    send(ex, 200, JSON.writeValueAsString(store.get(path)));
                    return;
                } else if (method.equals("GET") && store.containsKey(path)) {
                    send(ex, 200, JSON.writeValueAsString(store.get(path)));
                    return;
                }
                send(ex, 404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                        + "\"reason\":\"NotFound\",\"code\":404,\"message\":\"not found\"}");
            }
        }
    }

    private static String resourceList(String groupVersion, List<ResourceInfo> table) throws IOException {
        ObjectNode list = JSON.createObjectNode().put("kind", "APIResourceList").put("apiVersion", "v1")
                .put("groupVersion", groupVersion);
        var resources = list.putArray("resources");
        for (ResourceInfo r : table) {
            if (GroupVersionKind.of(groupVersion, r.kind()).equals(r.gvk())) {
                ObjectNode n = resources.addObject().put("name", r.plural()).put("singularName", r.kind().toLowerCase())
                        .put("namespaced", r.namespaced()).put("kind", r.kind());
                r.verbs().forEach(n.putArray("verbs")::add);
            }
        }
        return JSON.writeValueAsString(list);
    }

    private static void send(HttpExchange ex, int code, String json) throws IOException {
        send(ex, code, json.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    private static void send(HttpExchange ex, int code, byte[] body, String contentType) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        ex.getResponseBody().write(body);
    }

    private String kubectl(Path binary, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--kubeconfig", tmp.resolve("kubeconfig").toString(),
                "--cache-dir", tmp.resolve("cache").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("HOME", tmp.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl timed out");
        assertEquals(0, p.exitValue(), String.join(" ", args) + " failed: " + out + "\nrequests: " + requests);
        return out;
    }

    @ParameterizedTest
    @MethodSource("kubectls")
    void kubectlTrustsServerValidationAndMergesPortsByKey(Path binary) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(binary));
        Path svc = tmp.resolve("svc.yaml");
        Files.writeString(svc, Manifests.SERVICE.replace("  clusterIP: 10.96.12.34\n", "").replaceAll("(?s)\nstatus:.*", "\n"));
        Path slice = tmp.resolve("slice.yaml");
        Files.writeString(slice, Manifests.ENDPOINT_SLICE);

        kubectl(binary, "create", "-f", slice.toString());
        kubectl(binary, "apply", "-f", svc.toString());
        Files.writeString(svc, Files.readString(svc).replace("port: 443", "port: 8443"));
        String out = kubectl(binary, "apply", "-f", svc.toString());

        assertTrue(requests.stream().anyMatch(r -> r.startsWith(
                "POST /apis/discovery.k8s.io/v1/namespaces/shop/endpointslices?") && r.contains("fieldValidation=Strict")),
                requests.toString());
        assertTrue(requests.stream().anyMatch(r -> r.startsWith("POST /api/v1/namespaces/shop/services?")
                && r.contains("fieldValidation=Strict")), requests.toString());
        assertTrue(requests.stream().anyMatch(r -> r.startsWith("PATCH /api/v1/namespaces/shop/services/web?")
                && r.contains("fieldValidation=Strict") && r.endsWith("application/strategic-merge-patch+json")),
                requests.toString());
        assertEquals(1, patchBodies.size());
        JsonNode patch = JSON.readTree(patchBodies.getFirst());
        assertTrue(patch.get("spec").has("$setElementOrder/ports"), patchBodies.getFirst());
        assertTrue(patchBodies.getFirst().contains("{\"$patch\":\"delete\",\"port\":443}"), patchBodies.getFirst());
        assertTrue(!out.contains("warning"), out);
        if (minorVersion(binary) >= 29) {
            assertTrue(requests.stream().noneMatch(r -> r.contains("/openapi/v2")),
                    "kubectl fell back to /openapi/v2: " + requests);
        }
    }

    /** 27 for ".../kubectl.1.27"; 99 (newest rules) for a binary without a version suffix. */
    private static int minorVersion(Path binary) {
        String name = binary.getFileName().toString();
        return name.matches("kubectl\\.1\\.\\d+") ? Integer.parseInt(name.substring("kubectl.1.".length())) : 99;
    }
}
