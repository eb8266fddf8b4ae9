package dev.nodenet.iptables;

import static dev.nodenet.iptables.NetnsLab.POD_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodenet.api.client.KubeClient;
import dev.nodenet.api.client.KubeConfig;
import dev.nodenet.api.client.Resource;
import dev.nodenet.api.model.EndpointSlice;
import dev.nodenet.controlplane.server.ApiServer;
import dev.nodenet.proxy.ProxyCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./nodenet proxy} end to end: our API server in-process, Services and EndpointSlices created through the
 * client, the proxy command programming a "node" namespace (--netns), traffic and the HTTP endpoints checked.
 */
@Tag("privileged")
class EndToEndTest {
    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static long counter(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + " ")).mapToLong(l -> (long) Double.parseDouble(l.substring(name.length() + 1).strip()))
                .findFirst().orElseThrow(() -> new AssertionError(name + " missing from\n" + metrics));
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void proxyCommandAgainstTheApiServer(@TempDir Path dir) throws Exception {
        try (NetnsLab lab = new NetnsLab();
             ApiServer server = ApiServer.start(ApiServer.Config.defaults(dir).withPort(0))) {
            KubeClient client = new KubeClient(KubeConfig.load(server.kubeconfig()));
            client.create(Resource.SERVICES, "default", Objects.service("default", "web", "NodePort", "10.96.30.20", "TCP", 80, 8080, 30090));
            client.create(Resource.ENDPOINT_SLICES, "default", Objects.slice("default", "web", "TCP", 8080, POD_IP));
            int metricsPort = freePort(), healthPort = freePort();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            AtomicInteger exit = new AtomicInteger(-1);
            String[] args = {"--kubeconfig", server.kubeconfig().toString(), "--hostname-override", "node-a",
                    "--netns", lab.nodeName, "--cluster-cidr", "10.244.0.0/16", "--iptables-min-sync-period", "100ms",
                    "--metrics-bind-address", "127.0.0.1:" + metricsPort, "--healthz-bind-address", "127.0.0.1:" + healthPort};
            Thread proxy = Thread.ofPlatform().name("proxy-command").start(
                    () -> exit.set(ProxyCommand.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err))));
            try {
                NetnsTrafficSuite.eventually("ClusterIP programmed from the API server",
                        () -> "pod:e2e".equals(NetnsLab.tcp(lab.node, "10.96.30.20", 80, "e2e")));
                assertEquals("pod:np", NetnsLab.tcp(lab.client, NetnsLab.NODE_IP, 30090, "np"));
                assertEquals("iptables", get(metricsPort, "/proxyMode").body());
                String metrics = get(metricsPort, "/metrics").body();
                assertTrue(metrics.contains("kubeproxy_sync_proxy_rules_duration_seconds_count"), metrics);
                assertFalse(metrics.contains("kubeproxy_sync_proxy_rules_last_timestamp_seconds 0\n"), metrics);
                NetnsTrafficSuite.eventually("healthy", () -> get(healthPort, "/healthz").statusCode() == 200);

                // the endpoints go away: a watch event, a partial sync, REJECT
                long changesBefore = counter(get(metricsPort, "/metrics").body(), "kubeproxy_sync_proxy_rules_endpoint_changes_total");
                client.delete(Resource.ENDPOINT_SLICES, "default", "web-abc");
                NetnsTrafficSuite.eventually("refused once endpoints are gone", () -> {
                    try {
                        NetnsLab.tcp(lab.node, "10.96.30.20", 80, "x");
                        return false;
                    } catch (ConnectException e) {
                        return true;
                    }
                });
                assertTrue(counter(get(metricsPort, "/metrics").body(), "kubeproxy_sync_proxy_rules_endpoint_changes_total") > changesBefore,
                        "the deleted slice counts as an endpoint change");
            } finally {
                proxy.interrupt();
                proxy.join(10_000);
            }
            assertEquals(0, exit.get(), err.toString());
            assertTrue(lab.nodeRules().contains("KUBE-SERVICES"), "stopping leaves the rules in place");
            ByteArrayOutputStream cleanupErr = new ByteArrayOutputStream();
            assertEquals(0, ProxyCommand.run(new String[] {"--cleanup", "--netns", lab.nodeName},
                    new PrintStream(new ByteArrayOutputStream()), new PrintStream(cleanupErr)), cleanupErr.toString());
            assertFalse(lab.nodeRules().contains("KUBE-"), lab.nodeRules());
        }
    }
}
