package dev.nodenet.iptables;

import static dev.nodenet.iptables.EndToEndTest.freePort;
import static dev.nodenet.iptables.EndToEndTest.get;
import static dev.nodenet.iptables.NetnsLab.POD_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodenet.api.client.KubeApiException;
import dev.nodenet.api.client.KubeClient;
import dev.nodenet.api.client.KubeConfig;
import dev.nodenet.api.client.Resource;
import dev.nodenet.api.model.EndpointPort;
import dev.nodenet.api.model.EndpointSlice;
import dev.nodenet.api.model.ServicePort;
import dev.nodenet.controlplane.server.ApiServer;
import dev.nodenet.proxy.ProxyCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad objects through the real API server: what the server refuses never reaches the proxy (a 422); what it lets
 * through (slice contents it does not check) is left out by the proxy with a count in
 * nodenet_proxy_skipped_objects_total, and the good Service next to it is programmed all the same.
 */
@Tag("privileged")
class BadInputEndToEndTest {
    @Test
    void badObjectsAreRefusedOrSkippedAndNeverBlockTheGoodOnes(@TempDir Path dir) throws Exception {
        try (NetnsLab lab = new NetnsLab();
             ApiServer server = ApiServer.start(ApiServer.Config.defaults(dir).withPort(0))) {
            KubeClient client = new KubeClient(KubeConfig.load(server.kubeconfig()));
            // the Service validation refuses these outright
            var bad = Objects.clusterIPForApi("default", "badip", "999.1.1.1", 80, 8080);
            assertEquals(422, code(() -> client.create(Resource.SERVICES, "default", bad)));
            var badPort = Objects.clusterIPForApi("default", "badport", "10.96.30.41", 80, 8080);
            assertEquals(422, code(() -> client.create(Resource.SERVICES, "default", badPort.withSpec(badPort.spec()
                    .withPorts(List.of(new ServicePort("p", "TCP", 70000, null, null, null)))))));

            client.create(Resource.SERVICES, "default", Objects.clusterIPForApi("default", "good", "10.96.30.40", 80, 8080));
            client.create(Resource.ENDPOINT_SLICES, "default", Objects.slice("default", "good", "TCP", 8080, POD_IP));
            EndpointSlice base = Objects.slice("default", "good", "TCP", 8080, POD_IP);
            Map<String, EndpointSlice> slices = new LinkedHashMap<>();
            slices.put("invalid_ip", named(base, "good-badaddr").withEndpoints(Objects.slice("default", "good", "TCP", 8080, "abc").endpoints()));
            slices.put("invalid_port", named(base, "good-badport").withPorts(List.of(new EndpointPort("p", "TCP", 70000, null))));
            slices.put("duplicate_port", named(base, "good-dup").withPorts(List.of(new EndpointPort("p", "TCP", 8080, null),
                    new EndpointPort("p", "TCP", 9090, null))));
            slices.put("missing_service_name", named(base, "orphan").withMetadata(base.metadata().withName("orphan").withLabels(Map.of())));
            Map<String, Integer> outcome = new LinkedHashMap<>();
            for (var e : slices.entrySet()) outcome.put(e.getKey(), code(() -> client.create(Resource.ENDPOINT_SLICES, "default", e.getValue())));

            int metricsPort = freePort();
            AtomicInteger exit = new AtomicInteger(-1);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            String[] args = {"--kubeconfig", server.kubeconfig().toString(), "--hostname-override", "node-a", "--netns", lab.nodeName,
                    "--cluster-cidr", "10.244.0.0/16", "--metrics-bind-address", "127.0.0.1:" + metricsPort, "--healthz-bind-address", ""};
            Thread proxy = Thread.ofPlatform().name("proxy-command").start(
                    () -> exit.set(ProxyCommand.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err))));
            try {
                NetnsTrafficSuite.eventually("the good Service is programmed",
                        () -> "pod:ok".equals(NetnsLab.tcp(lab.node, "10.96.30.40", 80, "ok")));
                String metrics = get(metricsPort, "/metrics").body();
                for (var e : outcome.entrySet()) {
                    if (e.getValue() == 201 || e.getValue() == 200) {
                        assertTrue(metrics.contains("nodenet_proxy_skipped_objects_total{kind=\"EndpointSlice\",reason=\"" + e.getKey() + "\"}"),
                                e.getKey() + " was accepted by the server, so the proxy must count it:\n" + metrics);
                    } else {
                        assertEquals(422, e.getValue(), e.getKey() + " refused with a validation error");
                    }
                }
                assertTrue(lab.nodeRules().contains("10.244.1.2:8080") && !lab.nodeRules().contains(":9090"), lab.nodeRules());
            } finally {
                proxy.interrupt();
                proxy.join(10_000);
            }
            assertEquals(0, exit.get(), err.toString());
            System.out.println("BadInputEndToEndTest: API server answers per bad slice " + outcome);
        }
    }

    private static EndpointSlice named(EndpointSlice s, String name) {
        return s.withMetadata(s.metadata().withName(name));
    }

    /** The HTTP status of a create: 201 on success, the error's code otherwise. */
    private static int code(Runnable create) {
        try {
            create.run();
            return 201;
        } catch (KubeApiException e) {
            return e.code();
        }
    }
}
