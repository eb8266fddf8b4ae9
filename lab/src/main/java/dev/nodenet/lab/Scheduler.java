package dev.nodenet.lab;

import dev.nodenet.api.client.Informer;
import dev.nodenet.api.client.KubeClient;
import dev.nodenet.api.client.Resource;
import dev.nodenet.api.model.Condition;
import dev.nodenet.api.model.Node;
import dev.nodenet.api.model.Pod;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A trivial scheduler: every Pod without {@code spec.nodeName} is bound to the next Ready, schedulable Node in name
 * order (round robin). Pods that name a node themselves are left alone. Binding is a merge patch of
 * {@code spec.nodeName} with admin credentials (our API server has no {@code pods/binding} subresource).
 *
 * <p>Threading: informer threads hand Pods to one single-thread executor, which does all binding, so the round-robin
 * counter has one owner.
 */
final class Scheduler implements AutoCloseable {
    private final KubeClient client;
    private final PrintStream log;
    private final ExecutorService binder = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon(true).name("lab-scheduler").unstarted(r));
    private final Informer<Node> nodes;
    private final Informer<Pod> pods;
    private int next;

    Scheduler(KubeClient client, PrintStream log) {
        this.client = client;
        this.log = log;
        this.nodes = Informer.builder(client, Resource.NODES).build();
        this.pods = Informer.builder(client, Resource.PODS).fieldSelector("spec.nodeName=").handler(new Informer.Handler<Pod>() {
            @Override
            public void onAdd(Pod p) {
                binder.execute(() -> bind(p));
            }

            @Override
            public void onUpdate(Pod o, Pod n) {
                binder.execute(() -> bind(n));
            }
        }).build();
    }

    void start() {
        nodes.start();
        pods.start();
    }

    private void bind(Pod p) {
        Pod current = pods.get(p.metadata().namespace(), p.metadata().name());
        if (current == null || current.metadata().deletionTimestamp() != null) return;
        if (current.spec() != null && current.spec().nodeName() != null && !current.spec().nodeName().isEmpty()) return;
        List<String> ready = nodes.list().stream().filter(Scheduler::schedulable).map(n -> n.metadata().name()).sorted().toList();
        if (ready.isEmpty()) {
            log.println("scheduler: no Ready node for pod " + p.metadata().namespace() + "/" + p.metadata().name() + "; retrying");
            Thread.ofVirtual().start(() -> {
                Underlay.sleep(1000);
                binder.execute(() -> bind(p));
            });
            return;
        }
        String node = ready.get(Math.floorMod(next++, ready.size()));
        try {
            client.patch(Resource.PODS, p.metadata().namespace(), p.metadata().name(), KubeClient.PatchType.MERGE, Map.of("spec", Map.of("nodeName", node)));
            log.println("scheduler: pod " + p.metadata().namespace() + "/" + p.metadata().name() + " -> " + node);
        } catch (RuntimeException e) {
            log.println("scheduler: binding " + p.metadata().namespace() + "/" + p.metadata().name() + " failed: " + e.getMessage());
        }
    }

    static boolean schedulable(Node n) {
        if (n.spec() != null && Boolean.TRUE.equals(n.spec().unschedulable())) return false;
        if (n.status() == null || n.status().conditions() == null) return false;
        for (Condition c : n.status().conditions()) if ("Ready".equals(c.type())) return "True".equals(c.status());
        return false;
    }

    @Override
    public void close() {
        pods.stop();
        nodes.stop();
        binder.shutdownNow();
    }
}
