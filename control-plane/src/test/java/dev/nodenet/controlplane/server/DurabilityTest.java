package dev.nodenet.controlplane.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodenet.controlplane.ApiServerCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API server as a separate process, killed with SIGKILL while writes are acknowledged: after a restart on the
 * same data directory every acknowledged object is there, and a watch from an old resourceVersion replays what followed.
 */
class DurabilityTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void acknowledgedWritesSurviveKill9() throws Exception {
        Path data = dir.resolve("data");
        int port = freePort();
        Process p = startServer(data, port);
        List<String> acknowledged = new ArrayList<>();
        String firstRv;
        try {
            Http http = new Http(data, "https://127.0.0.1:" + port);
            firstRv = JSON.readTree(http.get("/api/v1/namespaces/default/services").body()).path("metadata").path("resourceVersion").asText();
            for (int i = 0; i < 200; i++) {
                String name = "svc-" + i;
                HttpResponse<String> r = http.post("/api/v1/namespaces/default/services",
                        "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"ports\":[{\"port\":" + (1000 + i) + "}]}}");
                assertEquals(201, r.statusCode(), r.body());
                acknowledged.add(name);
            }
        } finally {
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
            p.waitFor(10, TimeUnit.SECONDS);
        }
        Process again = startServer(data, port);
        try {
            Http http = new Http(data, "https://127.0.0.1:" + port);
            JsonNode list = JSON.readTree(http.get("/api/v1/namespaces/default/services").body());
            Set<String> names = new HashSet<>();
            list.path("items").forEach(i -> names.add(i.path("metadata").path("name").asText()));
            assertTrue(names.containsAll(acknowledged), "missing after kill -9: " + acknowledged.stream().filter(n -> !names.contains(n)).toList());
            HttpResponse<String> watch = http.get("/api/v1/namespaces/default/services?watch=1&timeoutSeconds=5&resourceVersion=" + firstRv);
            long added = watch.body().lines().filter(l -> l.contains("\"ADDED\"")).count();
            assertEquals(acknowledged.size(), added, "a watch from before the crash replays every create");
        } finally {
            again.destroy();
            again.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts {@code ApiServerCommand} in a child JVM and waits for its "serving on" line. */
    static Process startServer(Path data, int port) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ApiServerCommand.class.getName(), "--data-dir", data.toString(), "--secure-port", Integer.toString(port))
                .redirectErrorStream(true).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        StringBuilder seen = new StringBuilder();
        String line;
        while (System.nanoTime() < deadline && (line = r.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.contains("serving on")) {
                Thread.ofVirtual().start(() -> r.lines().forEach(l -> { }));
                return p;
            }
        }
        p.destroyForcibly();
        throw new AssertionError("API server did not start:\n" + seen);
    }
}
