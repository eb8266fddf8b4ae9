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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ClusterIP and NodePort allocation as kubectl users and concurrent clients see it, on SQLite and across two servers on etcd. */
class ServiceAllocationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String NODEPORT = """
            apiVersion: v1
            kind: Service
            metadata: {name: %s}
            spec:
              type: NodePort
              %s
              selector: {app: web}
              ports: [{name: http, port: 80, targetPort: 8080}, {name: dns, port: 53, protocol: UDP}]
            """;

    @TempDir
    Path dir;

    static long ip(String dotted) {
        long v = 0;
        for (String o : dotted.split("\\.")) v = v * 256 + Integer.parseInt(o);
        return v;
    }

    @Test
    void kubectlSeesAllocatedAddressesAndPorts() throws Exception {
        try (ApiServer server = ApiServer.start(ApiServer.Config.defaults(dir.resolve("data")).withPort(0))) {
            Kubectl k = Kubectl.onPath(server.kubeconfig());
            k.withInput(NODEPORT.formatted("np", ""), "apply", "-f", "-").ok();
            String[] got = k.run("get", "svc", "np", "-o", "jsonpath={.spec.clusterIP} {.spec.ports[0].nodePort} {.spec.ports[1].nodePort}").ok().out().split(" ");
            long clusterIp = ip(got[0]);
            assertTrue(clusterIp > ip("10.96.0.1") && clusterIp <= ip("10.111.255.254"), "ClusterIP " + got[0] + " in 10.96.0.0/12");
            for (int i = 1; i <= 2; i++) {
                int port = Integer.parseInt(got[i]);
                assertTrue(port >= 30000 && port <= 32767, "NodePort " + port + " in range");
            }
            assertEquals("10.96.0.1", k.run("get", "svc", "kubernetes", "-o", "jsonpath={.spec.clusterIP}").ok().out(), "the kubernetes Service has the first IP");

            k.withInput(NODEPORT.formatted("fixed", "clusterIP: 10.100.0.100"), "apply", "-f", "-").ok();
            assertEquals("10.100.0.100", k.run("get", "svc", "fixed", "-o", "jsonpath={.spec.clusterIP}").ok().out(), "a requested IP is honoured");
            Kubectl.Result taken = k.withInput(NODEPORT.formatted("clash", "clusterIP: 10.100.0.100"), "apply", "-f", "-");
            assertNotEquals(0, taken.exitCode());
            assertTrue(taken.err().contains("provided IP is already allocated"), taken.err());
            Kubectl.Result outside = k.withInput(NODEPORT.formatted("outside", "clusterIP: 192.168.0.10"), "apply", "-f", "-");
            assertNotEquals(0, outside.exitCode());
            assertTrue(outside.err().contains("not in the valid range"), outside.err());
            Kubectl.Result badPort = k.withInput(NODEPORT.formatted("badport", "").replace("targetPort: 8080}", "targetPort: 8080, nodePort: 80}"), "apply", "-f", "-");
            assertNotEquals(0, badPort.exitCode());
            assertTrue(badPort.err().contains("nodePort"), badPort.err());

            // Released on delete and on type change: the same IP can be requested again.
            k.run("delete", "svc", "fixed").ok();
            k.withInput(NODEPORT.formatted("again", "clusterIP: 10.100.0.100"), "apply", "-f", "-").ok();
            k.run("patch", "svc", "np", "--type=json", "-p",
                    "[{\"op\":\"replace\",\"path\":\"/spec/type\",\"value\":\"ClusterIP\"},{\"op\":\"remove\",\"path\":\"/spec/ports/0/nodePort\"},{\"op\":\"remove\",\"path\":\"/spec/ports/1/nodePort\"}]").ok();
            assertEquals("", k.run("get", "svc", "np", "-o", "jsonpath={.spec.ports[*].nodePort}").ok().out(), "ClusterIP Services hold no node ports");
        }
    }

    @Test
    void fiftyConcurrentCreatesGetDistinctAddressesAndPorts() throws Exception {
        try (ApiServer server = ApiServer.start(ApiServer.Config.defaults(dir.resolve("data")).withPort(0))) {
            Http http = new Http(dir.resolve("data"), server.url());
            assertDistinct(createConcurrently(List.of(http), 50));
        }
    }

    @Test
    void fiftyConcurrentCreatesSplitAcrossTwoServersOnOneEtcd() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.start()) {
            Path a = dir.resolve("a"), b = dir.resolve("b");
            try (ApiServer one = ApiServer.start(ApiServer.Config.defaults(a).withPort(0).withEtcd(etcd.endpoints(), "/alloc"))) {
                Files.createDirectories(b.resolve("pki"));
                for (String f : new String[]{"pki/ca.crt", "pki/ca.key", "admin.token"}) Files.copy(a.resolve(f), b.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                try (ApiServer two = ApiServer.start(ApiServer.Config.defaults(b).withPort(0).withEtcd(etcd.endpoints(), "/alloc"))) {
                    assertDistinct(createConcurrently(List.of(new Http(a, one.url()), new Http(b, two.url())), 50));
                }
            }
        }
    }

    /** Creates {@code n} NodePort Services at once, alternating between the given servers; returns the created objects. */
    static List<JsonNode> createConcurrently(List<Http> servers, int n) throws Exception {
        List<Future<HttpResponse<String>>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                Http http = servers.get(i % servers.size());
                String body = "{\"metadata\":{\"name\":\"c-" + i + "\"},\"spec\":{\"type\":\"NodePort\",\"ports\":[{\"port\":80}]}}";
                futures.add(pool.submit(() -> http.post("/api/v1/namespaces/default/services", body)));
            }
        }
        List<JsonNode> created = new ArrayList<>();
        for (Future<HttpResponse<String>> f : futures) {
            HttpResponse<String> r = f.get();
            assertEquals(201, r.statusCode(), r.body());
            created.add(JSON.readTree(r.body()));
        }
        return created;
    }

    static void assertDistinct(List<JsonNode> services) {
        Set<String> ips = new HashSet<>();
        Set<Integer> ports = new HashSet<>();
        for (JsonNode s : services) {
            ips.add(s.path("spec").path("clusterIP").asText());
            ports.add(s.path("spec").path("ports").get(0).path("nodePort").asInt());
        }
        assertEquals(services.size(), ips.size(), "distinct ClusterIPs: " + ips);
        assertEquals(services.size(), ports.size(), "distinct NodePorts: " + ports);
        assertTrue(ports.stream().allMatch(p -> p >= 30000 && p <= 32767), ports.toString());
    }
}
