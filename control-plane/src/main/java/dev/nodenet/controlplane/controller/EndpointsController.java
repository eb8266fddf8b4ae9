package dev.nodenet.controlplane.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.server.ApiException;
import dev.nodenet.controlplane.server.Registry;
import dev.nodenet.controlplane.server.ResourceType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Maintains the core/v1 Endpoints object named like each Service with a selector, like kube-controller-manager's
 * endpoints controller: the primary IP family's Pod addresses, ready ones in {@code addresses} and the others in
 * {@code notReadyAddresses} (all in {@code addresses} with publishNotReadyAddresses), grouped into one subset per
 * distinct resolved port list. Terminating Pods are left out unless not-ready addresses are published. When the
 * Service is deleted its Endpoints go too, as upstream; Endpoints of Services without a selector are not touched.
 * The object is written only when its subsets or labels changed.
 *
 * <p>Threading: cache handlers only enqueue Service keys; {@link #sync} runs on the single worker thread
 * {@code endpoints-controller}.
 */
final class EndpointsController implements AutoCloseable {
    static final ResourceType ENDPOINTS = ResourceType.byKind("Endpoints");

    private final Registry registry;
    private final ObjectCache services, pods, endpoints;
    private final SelectorIndex index;
    private final WorkQueue<String> queue;

    EndpointsController(Registry registry, ObjectCache services, ObjectCache pods, ObjectCache endpoints, SelectorIndex index,
                        ScheduledExecutorService timer) {
        this.registry = registry;
        this.services = services;
        this.pods = pods;
        this.endpoints = endpoints;
        this.queue = new WorkQueue<>("endpoints-controller", this::sync, timer);
        this.index = index;
        index.addListener(queue::add);
        // A deleted Service's Endpoints go with it (the index only tells about Services with selectors).
        services.addHandler((old, cur) -> {
            if (cur == null) queue.add(EndpointSliceController.key(old));
        });
        // Someone else changed or deleted the Endpoints of a selector Service: put it back.
        endpoints.addHandler((old, cur) -> {
            if (old == cur) return; // our own write coming back
            ObjectNode any = cur != null ? cur : old;
            ObjectNode svc = services.get(ObjectCache.namespaceOf(any), ObjectCache.nameOf(any));
            if (svc != null && Services.managed(svc)) queue.add(EndpointSliceController.key(any));
        });
    }

    void start() {
        for (ObjectNode svc : services.all()) queue.add(EndpointSliceController.key(svc));
        // Endpoints left behind by Services deleted while no controller ran (sync deletes them).
        for (ObjectNode ep : endpoints.all()) queue.add(EndpointSliceController.key(ep));
        queue.start();
    }

    void sync(String key) {
        int slash = key.indexOf('/');
        String ns = key.substring(0, slash), name = key.substring(slash + 1);
        ObjectNode svc = services.get(ns, name);
        ObjectNode current = endpoints.get(ns, name);
        if (svc == null) {
            if (current != null) delete(ns, name, current);
            return;
        }
        if (!Services.managed(svc)) return;
        ObjectNode want = current == null ? newEndpoints(ns, name) : current.deepCopy();
        ((ObjectNode) want.get("metadata")).set("labels", Services.derivedLabels(svc));
        ArrayNode subsets = subsets(svc, ns);
        if (subsets.isEmpty()) want.remove("subsets");
        else want.set("subsets", subsets);
        if (current != null && want.equals(current)) return;
        ObjectNode written = current == null
                ? registry.create(ENDPOINTS, ns, want, false)
                : registry.update(ENDPOINTS, ns, name, want, Registry.Part.MAIN, false);
        endpoints.putLocal(written);
    }

    private ObjectNode newEndpoints(String ns, String name) {
        ObjectNode ep = JsonNodeFactory.instance.objectNode();
        ep.put("apiVersion", "v1").put("kind", "Endpoints");
        ep.putObject("metadata").put("name", name).put("namespace", ns);
        return ep;
    }

    private void delete(String ns, String name, ObjectNode current) {
        try {
            ObjectNode gone = registry.delete(ENDPOINTS, ns, name, new Registry.Preconditions(current.path("metadata").path("uid").asText(), null, null), false);
            endpoints.deleteLocal(ns, name, ObjectCache.revisionOf(gone));
        } catch (ApiException e) {
            if (e.code() != 404) throw e;
        }
    }

    /** Subsets sorted by port list, addresses sorted by IP then Pod uid, so equal state always renders equally. */
    private ArrayNode subsets(ObjectNode svc, String ns) {
        boolean publish = Services.publishNotReady(svc);
        String family = Services.ipFamilies(svc).getFirst();
        boolean portless = Services.headless(svc) && svc.path("spec").path("ports").isEmpty();
        record Subset(ArrayNode ports, List<ObjectNode> ready, List<ObjectNode> notReady) {}
        Map<String, Subset> byPorts = new TreeMap<>();
        for (String podName : index.members(EndpointSliceController.key(svc))) {
            ObjectNode pod = pods.get(ns, podName);
            if (pod == null || !Services.eligible(pod, publish)) continue;
            String ip = Services.podIp(pod, family);
            if (ip == null) continue;
            ArrayNode ports = Services.endpointPorts(svc, pod, false);
            if (ports.isEmpty() && !portless) continue; // no Service port resolves on this Pod
            List<JsonNode> sorted = new ArrayList<>();
            ports.forEach(sorted::add);
            sorted.sort(Comparator.comparing((JsonNode p) -> p.path("name").asText()).thenComparing(p -> p.path("port").asInt()));
            ArrayNode sortedPorts = JsonNodeFactory.instance.arrayNode().addAll(sorted);
            Subset s = byPorts.computeIfAbsent(sortedPorts.toString(), k -> new Subset(sortedPorts, new ArrayList<>(), new ArrayList<>()));
            ObjectNode addr = JsonNodeFactory.instance.objectNode();
            addr.put("ip", ip);
            String hostname = Services.hostname(svc, pod);
            if (hostname != null) addr.put("hostname", hostname);
            addr.put("nodeName", pod.path("spec").path("nodeName").asText());
            addr.set("targetRef", Services.targetRef(pod));
            (publish || Services.podReady(pod) ? s.ready : s.notReady).add(addr);
        }
        Comparator<ObjectNode> order = Comparator.comparing((ObjectNode a) -> a.path("ip").asText())
                .thenComparing(a -> a.path("targetRef").path("uid").asText());
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (Subset s : byPorts.values()) {
            ObjectNode subset = out.addObject();
            s.ready.sort(order);
            s.notReady.sort(order);
            if (!s.ready.isEmpty()) subset.putArray("addresses").addAll(s.ready);
            if (!s.notReady.isEmpty()) subset.putArray("notReadyAddresses").addAll(s.notReady);
            if (!s.ports.isEmpty()) subset.set("ports", s.ports);
        }
        return out;
    }

    @Override
    public void close() {
        queue.close();
    }
}
