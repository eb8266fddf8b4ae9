package dev.nodenet.controlplane.server;

import dev.nodenet.api.client.Informer;
import dev.nodenet.api.client.KubeClient;
import dev.nodenet.api.client.KubeConfig;
import dev.nodenet.api.client.Resource;
import dev.nodenet.api.model.ObjectMeta;
import dev.nodenet.api.model.Service;
import dev.nodenet.api.model.ServicePort;
import dev.nodenet.api.model.ServiceSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The api module's informer (what the node daemon runs) against our API server: kube-proxy's label selector, events
 * in order, and recovery after the server restarts and after the history it watched from was compacted.
 */
class InformerAgainstServerTest {
    static final String KUBE_PROXY_SELECTOR = "!service.kubernetes.io/service-proxy-name,!service.kubernetes.io/headless";

    @TempDir
    Path dir;

    static Service service(String name, int port, String... labels) {
        ObjectMeta meta = ObjectMeta.of("default", name);
        for (int i = 0; i + 1 < labels.length; i += 2) meta = meta.withLabel(labels[i], labels[i + 1]);
        return Service.of(meta).withSpec(ServiceSpec.empty().withPorts(List.of(ServicePort.tcp("p", port))));
    }

    @Test
    void followsTheServerThroughRestartAndCompaction() throws Exception {
        Path data = dir.resolve("data");
        ApiServer server = ApiServer.start(ApiServer.Config.defaults(data).withPort(0));
        int port = server.port();
        KubeClient client = new KubeClient(KubeConfig.load(server.kubeconfig()));
        List<String> events = new CopyOnWriteArrayList<>();
        Informer<Service> informer = Informer.builder(client, Resource.SERVICES)
                .labelSelector(KUBE_PROXY_SELECTOR)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .handler(new Informer.Handler<>() {
                    @Override
                    public void onAdd(Service s) { events.add("add " + s.metadata().name()); }

                    @Override
                    public void onUpdate(Service o, Service n) { events.add("update " + n.metadata().name()); }

                    @Override
                    public void onDelete(Service s) { events.add("delete " + s.metadata().name()); }
                })
                .build();
        try {
            client.create(Resource.SERVICES, "default", service("before", 80));
            informer.start();
            assertTrue(informer.awaitSynced(Duration.ofSeconds(10)));
            client.create(Resource.SERVICES, "default", service("web", 80));
            client.create(Resource.SERVICES, "default", service("headless", 80, "service.kubernetes.io/headless", ""));
            client.create(Resource.SERVICES, "default", service("other-proxy", 80, "service.kubernetes.io/service-proxy-name", "x"));
            client.patch(Resource.SERVICES, "default", "web", KubeClient.PatchType.MERGE, java.util.Map.of("metadata", java.util.Map.of("labels", java.util.Map.of("a", "b"))));
            await(() -> events.contains("update web"));
            assertEquals(List.of("add before", "add kubernetes", "add web", "update web"), events, "selector keeps out headless and other proxies' Services");

            // The server goes away and comes back on the same port and data: the informer re-watches from where it was.
            server.close();
            server = ApiServer.start(ApiServer.Config.defaults(data).withPort(port));
            client.delete(Resource.SERVICES, "default", "before");
            await(() -> events.contains("delete before"));

            // While the informer cannot reach the server, writes happen elsewhere and the history it would resume
            // from is compacted: when the server is back, the watch gets 410 Expired and the informer relists.
            server.close();
            ApiServer elsewhere = ApiServer.start(ApiServer.Config.defaults(data).withPort(0));
            KubeClient c2 = new KubeClient(KubeConfig.load(elsewhere.kubeconfig()));
            c2.create(Resource.SERVICES, "default", service("late", 81));
            c2.delete(Resource.SERVICES, "default", "web");
            elsewhere.store().compact(elsewhere.store().currentRevision());
            elsewhere.close();
            server = ApiServer.start(ApiServer.Config.defaults(data).withPort(port));
            await(() -> events.contains("add late") && events.contains("delete web"));
            assertEquals(List.of("kubernetes", "late"), informer.list().stream().map(s -> s.metadata().name()).sorted().toList());
        } finally {
            informer.stop();
            server.close();
        }
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 30 s");
            Thread.sleep(20);
        }
    }
}
