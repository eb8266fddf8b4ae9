package dev.nodenet.controlplane.protobuf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the real kubectl against a stub API server that records the bodies kubectl POSTs, and checks
 * that each protobuf body decodes to exactly the JSON kubectl prints for the same command with
 * {@code --dry-run=client -o json}. kubectl v1.32 prints {@code creationTimestamp: null} and
 * {@code status: {}}, and the protobuf body carries both (an empty Time, an empty status), so the
 * decoder keeps them. Only a null creationTimestamp is removed from both sides before comparing:
 * newer apimachinery tags it {@code omitzero}, so newer kubectl leaves it out of its JSON.
 */
class KubectlProtobufTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static HttpServer server;
    private static final List<Captured> posts = new ArrayList<>();

    record Captured(String path, String contentType, byte[] body) {}

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", KubectlProtobufTest::handle);
        server.start();
        String kubeconfig = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: stub
                  cluster:
                    server: http://127.0.0.1:%d
                users:
                - name: stub
                  user:
                    token: stub
                contexts:
                - name: stub
                  context:
                    cluster: stub
                    user: stub
                    namespace: default
                current-context: stub
                """.formatted(server.getAddress().getPort());
        Files.writeString(dir.resolve("kubeconfig"), kubeconfig);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.stop(0);
    }

    private static void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        String path = ex.getRequestURI().getPath();
        String reply;
        int code = 200;
        if (ex.getRequestMethod().equals("POST")) {
            synchronized (posts) {
                posts.add(new Captured(path, ex.getRequestHeaders().getFirst("Content-Type"), body));
            }
            code = 201;
            String kind = path.endsWith("/namespaces") ? "Namespace" : "Service";
            reply = "{\"apiVersion\":\"v1\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"stub\"}}";
        } else {
            reply = switch (path) {
                case "/version" -> "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0\"}";
                case "/api" -> "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":[]}";
                case "/apis" -> "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[]}";
                case "/api/v1" -> """
                        {"kind":"APIResourceList","groupVersion":"v1","resources":[
                         {"name":"namespaces","singularName":"namespace","namespaced":false,"kind":"Namespace","verbs":["create","get","list"],"shortNames":["ns"]},
                         {"name":"services","singularName":"service","namespaced":true,"kind":"Service","verbs":["create","get","list"],"shortNames":["svc"]}]}""";
                default -> null;
            };
            if (reply == null) {
                code = 404;
                reply = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}";
            }
        }
        byte[] out = reply.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(code, out.length);
        ex.getResponseBody().write(out);
        ex.close();
    }

    private static String kubectl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", dir.resolve("kubeconfig").toString(),
                "--cache-dir", dir.resolve("cache").toString()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("out"), err = dir.resolve("err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl timed out: " + cmd);
        String stdout = Files.readString(out), stderr = Files.readString(err);
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + " failed: " + stderr + stdout);
        return stdout;
    }

    private static boolean kubectlAvailable() {
        try {
            Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** Runs the create command for real, then with --dry-run=client -o json, and compares. */
    private static ObjectNode check(String path, String... create) throws Exception {
        assumeTrue(kubectlAvailable(), "kubectl is not on PATH");
        int before;
        synchronized (posts) { before = posts.size(); }
        kubectl(create);
        Captured c;
        synchronized (posts) {
            assertEquals(before + 1, posts.size(), "kubectl POSTed once");
            c = posts.get(before);
        }
        assertEquals(path, c.path());
        assertTrue(KubeProtobuf.isProtobuf(c.contentType()), "kubectl sent " + c.contentType());
        ObjectNode decoded = KubeProtobuf.decode(c.body());

        List<String> dry = new ArrayList<>(List.of(create));
        dry.addAll(List.of("--dry-run=client", "-o", "json"));
        ObjectNode expected = (ObjectNode) JSON.readTree(kubectl(dry.toArray(String[]::new)));
        dropNullCreationTimestamp(expected);
        dropNullCreationTimestamp(decoded);
        assertEquals(expected, decoded, () -> "decoded " + decoded + "\nexpected " + expected
                + "\nbody " + java.util.HexFormat.of().formatHex(c.body()));
        return decoded;
    }

    private static void dropNullCreationTimestamp(ObjectNode obj) {
        if (obj.get("metadata") instanceof ObjectNode meta && meta.has("creationTimestamp") && meta.get("creationTimestamp").isNull()) {
            meta.remove("creationTimestamp");
        }
    }

    @Test
    void createNamespace() throws Exception {
        ObjectNode ns = check("/api/v1/namespaces", "create", "namespace", "ns1");
        assertEquals("ns1", ns.at("/metadata/name").asText());
    }

    @Test
    void createServiceClusterIp() throws Exception {
        ObjectNode svc = check("/api/v1/namespaces/default/services", "create", "service", "clusterip", "s1", "--tcp=80:8080", "--tcp=443:8443");
        assertEquals(8443, svc.at("/spec/ports/1/targetPort").asInt());
    }

    @Test
    void createServiceHeadless() throws Exception {
        ObjectNode svc = check("/api/v1/namespaces/default/services", "create", "service", "clusterip", "s0", "--clusterip=None", "--tcp=80");
        assertEquals("None", svc.at("/spec/clusterIP").asText());
    }

    @Test
    void createServiceNodePort() throws Exception {
        ObjectNode svc = check("/api/v1/namespaces/default/services", "create", "service", "nodeport", "s2", "--tcp=80:8080", "--node-port=30080");
        assertEquals(30080, svc.at("/spec/ports/0/nodePort").asInt());
    }

    @Test
    void createServiceLoadBalancer() throws Exception {
        check("/api/v1/namespaces/default/services", "create", "service", "loadbalancer", "s4", "--tcp=443:https");
    }

    @Test
    void createServiceExternalName() throws Exception {
        ObjectNode svc = check("/api/v1/namespaces/default/services", "create", "service", "externalname", "s3", "--external-name=example.com");
        assertEquals("example.com", svc.at("/spec/externalName").asText());
    }
}
