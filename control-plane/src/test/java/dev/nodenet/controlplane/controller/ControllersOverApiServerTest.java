package dev.nodenet.controlplane.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodenet.controlplane.server.ApiServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controllers beside a real API server, driven by the real kubectl: what a user applies becomes EndpointSlices,
 * Endpoints and a Node pod CIDR that kubectl reads back. (Until ApiServer wires the controllers itself, the test
 * starts them over the server's store the way the wiring will.)
 */
@Timeout(120)
class ControllersOverApiServerTest {
    @TempDir Path dir;

    private String kubectl(Path kubeconfig, String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig=" + kubeconfig));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("kubectl.out"), err = dir.resolve("kubectl.err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("HOME", dir.toString());
        pb.environment().remove("KUBECONFIG");
        Process p = pb.start();
        if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kubectl " + args[0] + " hung");
        }
        if (p.exitValue() != 0) throw new AssertionError("kubectl " + String.join(" ", args) + " failed: " + Files.readString(err));
        return Files.readString(out);
    }

    @Test
    void kubectlSeesSlicesEndpointsAndPodCidr() throws Exception {
        try (ApiServer server = ApiServer.start(ApiServer.Config.defaults(dir.resolve("server")).withPort(0))) {
            { // the API server runs the controllers itself

                Path kc = server.kubeconfig();
                kubectl(kc, """
                        apiVersion: v1
                        kind: Node
                        metadata: {name: node-a, labels: {topology.kubernetes.io/zone: zone-1}}
                        ---
                        apiVersion: v1
                        kind: Service
                        metadata: {name: web, namespace: default}
                        spec:
                          selector: {app: web}
                          ports: [{name: http, port: 80, targetPort: web}]
                        ---
                        apiVersion: v1
                        kind: Pod
                        metadata: {name: web-1, namespace: default, labels: {app: web}}
                        spec:
                          nodeName: node-a
                          containers: [{name: c, image: nginx, ports: [{name: web, containerPort: 8080}]}]
                        """, "apply", "-f", "-");
                kubectl(kc, null, "patch", "pod", "web-1", "--subresource=status", "--type=merge", "-p",
                        "{\"status\":{\"phase\":\"Running\",\"podIP\":\"10.244.0.7\",\"podIPs\":[{\"ip\":\"10.244.0.7\"}],"
                                + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}");
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                JsonNode ep;
                while (true) {
                    JsonNode slices = TestCluster.JSON.readTree(kubectl(kc, null, "get", "endpointslices", "-l", "kubernetes.io/service-name=web", "-o", "json"));
                    ep = slices.path("items").path(0).path("endpoints").path(0);
                    if (ep.path("conditions").path("ready").asBoolean() || System.nanoTime() > deadline) break;
                    Thread.sleep(50);
                }
                assertEquals("10.244.0.7", ep.path("addresses").path(0).asText());
                assertEquals("zone-1", ep.path("zone").asText());
                assertEquals("node-a", ep.path("nodeName").asText());
                assertEquals("10.244.0.7:8080", kubectl(kc, null, "get", "endpoints", "web", "-o",
                        "jsonpath={.subsets[0].addresses[0].ip}:{.subsets[0].ports[0].port}"));
                assertEquals("10.244.0.0/24", kubectl(kc, null, "get", "node", "node-a", "-o", "jsonpath={.spec.podCIDR}"));

                kubectl(kc, null, "delete", "service", "web");
                deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                String left;
                do {
                    left = kubectl(kc, null, "get", "endpointslices", "-l", "kubernetes.io/service-name=web", "-o", "name");
                } while (!left.isBlank() && System.nanoTime() < deadline);
                assertEquals("", left.strip(), "slices of the deleted Service are garbage-collected");
            }
        }
    }
}
