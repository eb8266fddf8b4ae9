package dev.nodenet.iptables;

import static dev.nodenet.iptables.EndToEndTest.counter;
import static dev.nodenet.iptables.EndToEndTest.freePort;
import static dev.nodenet.iptables.EndToEndTest.get;
import static dev.nodenet.iptables.NetnsLab.POD_IP;
import static dev.nodenet.iptables.NetnsLab.POD_IP2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodenet.api.client.KubeClient;
import dev.nodenet.api.client.KubeConfig;
import dev.nodenet.api.client.Resource;
import dev.nodenet.api.model.EndpointSlice;
import dev.nodenet.controlplane.server.ApiServer;
import dev.nodenet.proxy.ProxyCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy outlives its API server, as kube-proxy does: while the server is gone the programmed rules keep serving,
 * periodic syncs go on and /healthz stays 200 (kube-proxy turns unhealthy only when a change it has received waits
 * longer than 2 x syncPeriod, and none arrives while the server is away). Changes made while the proxy could not see
 * them (a second server on the same data dir, on a port the proxy does not know) are picked up once its server is back:
 * the informers resume their watch (or relist) and the rules converge.
 */
@Tag("privileged")
class ApiServerOutageTest {
    @Test
    void rulesSurviveTheOutageAndConvergeAfterIt(@TempDir Path dir) throws Exception {
        int apiPort = freePort(), metricsPort = freePort(), healthPort = freePort();
        try (NetnsLab lab = new NetnsLab()) {
            ApiServer server = ApiServer.start(ApiServer.Config.defaults(dir).withPort(apiPort));
            Thread proxy = null;
            AtomicInteger exit = new AtomicInteger(-1);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try {
                KubeClient client = new KubeClient(KubeConfig.load(server.kubeconfig()));
                client.create(Resource.SERVICES, "default", Objects.clusterIPForApi("default", "who", "10.96.30.31", 80, 8081));
                client.create(Resource.ENDPOINT_SLICES, "default", Objects.slice("default", "who", "TCP", 8081, POD_IP));
                String[] args = {"--kubeconfig", server.kubeconfig().toString(), "--hostname-override", "node-a",
                        "--netns", lab.nodeName, "--cluster-cidr", "10.244.0.0/16", "--iptables-min-sync-period", "100ms",
                        "--iptables-sync-period", "2s",
                        "--metrics-bind-address", "127.0.0.1:" + metricsPort, "--healthz-bind-address", "127.0.0.1:" + healthPort};
                proxy = Thread.ofPlatform().name("proxy-command").start(
                        () -> exit.set(ProxyCommand.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err))));
                eventually("programmed", () -> (POD_IP + " ").equals(servedBy(lab)));
                eventually("healthy", () -> get(healthPort, "/healthz").statusCode() == 200);

                server.close();
                server = null;
                double lastSync = counterValue(metricsPort);
                Thread.sleep(5_000); // more than 2 x syncPeriod
                assertEquals(POD_IP + " ", servedBy(lab), "the rules keep serving while the API server is gone");
                assertEquals(200, get(healthPort, "/healthz").statusCode(), "no change is pending, so kube-proxy stays healthy");
                assertTrue(counterValue(metricsPort) > lastSync, "periodic syncs go on without the API server");

                // changes the proxy cannot see: a second server on the same data dir, on another port
                try (ApiServer elsewhere = ApiServer.start(ApiServer.Config.defaults(dir).withPort(freePort()))) {
                    KubeClient other = new KubeClient(KubeConfig.load(elsewhere.kubeconfig()));
                    EndpointSlice s = other.get(Resource.ENDPOINT_SLICES, "default", "who-abc");
                    other.update(Resource.ENDPOINT_SLICES, "default", "who-abc", s.withEndpoints(
                            Objects.slice("default", "who", "TCP", 8081, POD_IP2).endpoints()));
                    other.create(Resource.SERVICES, "default", Objects.clusterIPForApi("default", "late", "10.96.30.32", 80, 8080));
                    other.create(Resource.ENDPOINT_SLICES, "default", Objects.slice("default", "late", "TCP", 8080, POD_IP));
                }
                Thread.sleep(1_000);
                assertEquals(POD_IP + " ", servedBy(lab), "nothing reached the proxy yet");

                server = ApiServer.start(ApiServer.Config.defaults(dir).withPort(apiPort));
                eventually("the moved endpoint is programmed", () -> (POD_IP2 + " ").equals(servedBy(lab)));
                eventually("the Service created meanwhile is programmed", () -> "pod:late".equals(NetnsLab.tcp(lab.node, "10.96.30.32", 80, "late")));
                assertEquals(200, get(healthPort, "/healthz").statusCode());
            } finally {
                if (proxy != null) {
                    proxy.interrupt();
                    proxy.join(10_000);
                }
                if (server != null) server.close();
            }
            assertEquals(0, exit.get(), err.toString());
        }
    }

    /** The pod address that served a connection to the Service (the 8081 echo names it), plus a space. */
    private static String servedBy(NetnsLab lab) throws Exception {
        String who = NetnsLab.who(lab.node, "10.96.30.31", 80);
        return who.substring(0, who.indexOf(' ') + 1);
    }

    private static double counterValue(int metricsPort) throws Exception {
        return counter(get(metricsPort, "/metrics").body(), "kubeproxy_sync_proxy_rules_last_timestamp_seconds");
    }

    private static void eventually(String what, Callable<Boolean> check) throws Exception {
        NetnsTrafficSuite.eventually(what, Duration.ofSeconds(90), check);
    }
}
