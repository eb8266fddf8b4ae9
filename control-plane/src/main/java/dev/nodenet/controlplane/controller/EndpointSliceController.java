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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Maintains the discovery.k8s.io/v1 EndpointSlices of every Service with a selector from the Pods it selects, like
 * kube-controller-manager's endpointslice controller: one set of slices per IP family of the Service, endpoints
 * grouped by their resolved port numbers, at most {@code maxEndpointsPerSlice} per slice, one empty placeholder slice
 * per family when nothing is selected. Slices of Services without a selector (not labelled as managed by us) are
 * never touched. Slices of deleted Services are left to the {@link GarbageCollector} (they are owned by the Service).
 *
 * <p>Churn is kept low: endpoints stay in the slice they are in, a slice is written only when its content changed,
 * new endpoints go into slices that are being written anyway before slices with room, and only then into new slices.
 * Writes happen in the order create, update, delete, so a consumer never sees an endpoint vanish while it moves.
 *
 * <p>Threading: cache handlers (store dispatcher / timer threads) only enqueue Service keys; {@link #sync} runs on the
 * queue's single worker thread ({@code endpointslice-controller}).
 */
final class EndpointSliceController implements AutoCloseable {
    static final ResourceType SLICES = ResourceType.byKind("EndpointSlice");

    private final Registry registry;
    private final int maxPerSlice;
    private final ObjectCache services, pods, nodes, slices;
    private final SelectorIndex index;
    private final WorkQueue<String> queue;

    EndpointSliceController(Registry registry, int maxEndpointsPerSlice, ObjectCache services, ObjectCache pods,
                            ObjectCache nodes, ObjectCache slices, SelectorIndex index, ScheduledExecutorService timer) {
        this.registry = registry;
        this.maxPerSlice = maxEndpointsPerSlice;
        this.services = services;
        this.pods = pods;
        this.nodes = nodes;
        this.slices = slices;
        this.queue = new WorkQueue<>("endpointslice-controller", this::sync, timer);
        this.index = index;
        index.addListener(queue::add);
        slices.addHandler((old, cur) -> {
            if (old == cur) return; // our own write coming back
            ObjectNode s = cur != null ? cur : old;
            if (managedByUs(s)) queue.add(ObjectCache.namespaceOf(s) + "/" + s.path("metadata").path("labels").path(Services.LABEL_SERVICE_NAME).asText());
        });
        nodes.addHandler((old, cur) -> {
            if (old != null && cur != null && Objects.equals(zoneOf(old), zoneOf(cur))) return;
            for (ObjectNode svc : services.all()) if (Services.managed(svc)) queue.add(key(svc));
        });
    }

    void start() {
        for (ObjectNode svc : services.all()) queue.add(key(svc));
        queue.start();
    }

    static String key(ObjectNode obj) {
        return ObjectCache.namespaceOf(obj) + "/" + ObjectCache.nameOf(obj);
    }

    static boolean managedByUs(ObjectNode slice) {
        return Services.MANAGED_BY_VALUE.equals(slice.path("metadata").path("labels").path(Services.LABEL_MANAGED_BY).asText());
    }

    private String zoneOf(ObjectNode node) {
        JsonNode z = node.path("metadata").path("labels").get("topology.kubernetes.io/zone");
        return z == null ? null : z.asText();
    }

    void sync(String key) {
        int slash = key.indexOf('/');
        String ns = key.substring(0, slash), name = key.substring(slash + 1);
        ObjectNode svc = services.get(ns, name);
        if (svc == null || !Services.managed(svc)) return;
        List<ObjectNode> selected = new ArrayList<>();
        for (String podName : index.members(key)) {
            ObjectNode pod = pods.get(ns, podName);
            if (pod != null && Services.eligible(pod, true)) selected.add(pod);
        }
        selected.sort(Comparator.comparing(ObjectCache::nameOf)); // new endpoints are placed in a stable order
        List<ObjectNode> existing = new ArrayList<>();
        for (ObjectNode s : slices.list(ns)) {
            JsonNode labels = s.path("metadata").path("labels");
            if (managedByUs(s) && name.equals(labels.path(Services.LABEL_SERVICE_NAME).asText())) existing.add(s);
        }
        existing.sort(Comparator.comparing(ObjectCache::nameOf));
        Plan plan = new Plan();
        List<String> families = Services.ipFamilies(svc);
        for (String family : families) {
            List<ObjectNode> ofFamily = new ArrayList<>();
            for (ObjectNode s : existing) if (family.equals(s.path("addressType").asText())) ofFamily.add(s);
            reconcileFamily(svc, family, selected, ofFamily, plan);
        }
        for (ObjectNode s : existing) if (!families.contains(s.path("addressType").asText())) plan.deletes.add(s);
        apply(ns, plan);
    }

    /** Writes to make, collected before any is made. */
    private static final class Plan {
        final List<ObjectNode> creates = new ArrayList<>();
        final List<ObjectNode> updates = new ArrayList<>();
        final List<ObjectNode> deletes = new ArrayList<>();
    }

    /** An existing slice and the endpoints it is to hold. */
    private static final class Kept {
        final ObjectNode slice;
        final String portsKey;
        final ArrayNode ports;
        final ArrayNode endpoints = JsonNodeFactory.instance.arrayNode();

        Kept(ObjectNode slice, String portsKey, ArrayNode ports) {
            this.slice = slice;
            this.portsKey = portsKey;
            this.ports = ports;
        }

        boolean changed() {
            return !endpoints.equals(slice.path("endpoints").isArray() ? slice.get("endpoints") : JsonNodeFactory.instance.arrayNode());
        }
    }

    /** Desired endpoints sharing one resolved port list. */
    private record Group(ArrayNode ports, LinkedHashMap<String, ObjectNode> pending) {}

    private void reconcileFamily(ObjectNode svc, String family, List<ObjectNode> selected, List<ObjectNode> existing, Plan plan) {
        Map<String, Group> desired = new LinkedHashMap<>();
        for (ObjectNode pod : selected) {
            String ip = Services.podIp(pod, family);
            if (ip == null) continue;
            ArrayNode ports = Services.endpointPorts(svc, pod, true);
            desired.computeIfAbsent(ports.toString(), k -> new Group(ports, new LinkedHashMap<>()))
                    .pending.put(ObjectCache.nameOf(pod), endpoint(svc, pod, ip));
        }
        // Keep every still-wanted endpoint where it is.
        List<Kept> kept = new ArrayList<>();
        List<ObjectNode> unused = new ArrayList<>();
        for (ObjectNode slice : existing) {
            String pk = portsKey(slice);
            Group g = desired.get(pk);
            if (g == null) {
                unused.add(slice);
                continue;
            }
            Kept k = new Kept(slice, pk, g.ports);
            for (JsonNode ep : slice.path("endpoints")) {
                ObjectNode want = g.pending.remove(ep.path("targetRef").path("name").asText());
                if (want != null && k.endpoints.size() < maxPerSlice) k.endpoints.add(want);
                else if (want != null) g.pending.put(want.path("targetRef").path("name").asText(), want);
            }
            kept.add(k);
        }
        // Place new endpoints: slices being written anyway first, then slices with room, then new slices.
        List<ObjectNode> created = new ArrayList<>();
        List<ObjectNode> recycled = new ArrayList<>();
        for (Map.Entry<String, Group> e : desired.entrySet()) {
            Group g = e.getValue();
            List<Kept> candidates = new ArrayList<>();
            for (Kept k : kept) if (k.portsKey.equals(e.getKey())) candidates.add(k);
            candidates.sort(Comparator.comparing((Kept k) -> !k.changed()).thenComparing(k -> -k.endpoints.size()));
            var it = g.pending.values().iterator();
            for (Kept k : candidates) {
                while (it.hasNext() && k.endpoints.size() < maxPerSlice) k.endpoints.add(it.next());
            }
            while (it.hasNext()) {
                ArrayNode eps = JsonNodeFactory.instance.arrayNode();
                while (it.hasNext() && eps.size() < maxPerSlice) eps.add(it.next());
                // A slice whose port list nobody needs any more (often the placeholder) is recycled, not replaced.
                if (!unused.isEmpty()) {
                    recycled.add(withContent(unused.removeFirst(), svc, family, g.ports, eps));
                } else {
                    created.add(newSlice(svc, family, g.ports, eps));
                }
            }
        }
        plan.updates.addAll(recycled);
        int nonEmpty = created.size() + recycled.size();
        for (Kept k : kept) if (!k.endpoints.isEmpty()) nonEmpty++;
        ObjectNode placeholder = null;
        if (nonEmpty == 0) {
            // Nothing selected: one empty slice stays (or is created) so clients can tell "no endpoints" from "not synced yet".
            List<ObjectNode> candidates = new ArrayList<>();
            for (Kept k : kept) candidates.add(k.slice);
            candidates.addAll(unused);
            if (candidates.isEmpty()) {
                created.add(newSlice(svc, family, JsonNodeFactory.instance.arrayNode(), JsonNodeFactory.instance.arrayNode()));
            } else {
                placeholder = candidates.getFirst();
                ObjectNode want = withContent(placeholder, svc, family, JsonNodeFactory.instance.arrayNode(), JsonNodeFactory.instance.arrayNode());
                if (!sameContent(want, placeholder)) plan.updates.add(want);
            }
        }
        plan.creates.addAll(created);
        for (Kept k : kept) {
            if (k.slice == placeholder) continue;
            if (k.endpoints.isEmpty()) {
                plan.deletes.add(k.slice);
                continue;
            }
            ObjectNode want = withContent(k.slice, svc, family, k.ports, k.endpoints);
            if (!sameContent(want, k.slice)) plan.updates.add(want);
        }
        for (ObjectNode s : unused) if (s != placeholder) plan.deletes.add(s);
    }

    private String portsKey(ObjectNode slice) {
        JsonNode p = slice.get("ports");
        return p == null || p.isNull() ? "[]" : p.toString();
    }

    private ObjectNode endpoint(ObjectNode svc, ObjectNode pod, String ip) {
        boolean podReady = Services.podReady(pod);
        boolean terminating = Services.terminating(pod);
        boolean publish = Services.publishNotReady(svc);
        boolean serving = publish || podReady;
        // A terminating Pod is never "ready" (consumers that only look at ready must stop sending new traffic), unless
        // the Service asked for not-ready addresses to be published.
        boolean ready = serving && (publish || !terminating);
        ObjectNode ep = JsonNodeFactory.instance.objectNode();
        ep.putArray("addresses").add(ip);
        ep.putObject("conditions").put("ready", ready).put("serving", serving).put("terminating", terminating);
        String hostname = Services.hostname(svc, pod);
        if (hostname != null) ep.put("hostname", hostname);
        ep.set("targetRef", Services.targetRef(pod));
        String nodeName = pod.path("spec").path("nodeName").asText();
        ep.put("nodeName", nodeName);
        ObjectNode node = nodes.get(null, nodeName);
        String zone = node == null ? null : zoneOf(node);
        if (zone != null) ep.put("zone", zone);
        return ep;
    }

    private ObjectNode newSlice(ObjectNode svc, String family, ArrayNode ports, ArrayNode endpoints) {
        ObjectNode slice = JsonNodeFactory.instance.objectNode();
        slice.put("apiVersion", SLICES.apiVersion());
        slice.put("kind", SLICES.kind());
        slice.putObject("metadata").put("generateName", ObjectCache.nameOf(svc) + "-")
                .put("namespace", ObjectCache.namespaceOf(svc));
        return withContent(slice, svc, family, ports, endpoints);
    }

    /** A copy of {@code slice} with everything this controller owns set to what it should be. */
    private ObjectNode withContent(ObjectNode slice, ObjectNode svc, String family, ArrayNode ports, ArrayNode endpoints) {
        ObjectNode out = slice.deepCopy();
        ObjectNode meta = (ObjectNode) out.get("metadata");
        ObjectNode labels = Services.derivedLabels(svc);
        labels.put(Services.LABEL_SERVICE_NAME, ObjectCache.nameOf(svc));
        labels.put(Services.LABEL_MANAGED_BY, Services.MANAGED_BY_VALUE);
        meta.set("labels", labels);
        ObjectNode owner = meta.putArray("ownerReferences").addObject();
        owner.put("apiVersion", "v1").put("kind", "Service").put("name", ObjectCache.nameOf(svc))
                .put("uid", svc.path("metadata").path("uid").asText()).put("controller", true).put("blockOwnerDeletion", true);
        out.put("addressType", family);
        out.set("endpoints", endpoints);
        out.set("ports", ports);
        return out;
    }

    private static boolean sameContent(ObjectNode a, ObjectNode b) {
        return a.equals(b);
    }

    private void apply(String ns, Plan plan) {
        for (ObjectNode s : plan.creates) {
            slices.putLocal(registry.create(SLICES, ns, s, false));
        }
        for (ObjectNode s : plan.updates) {
            // The cached resourceVersion is a precondition: if someone else wrote meanwhile we retry from fresh state.
            slices.putLocal(registry.update(SLICES, ns, ObjectCache.nameOf(s), s, Registry.Part.MAIN, false));
        }
        for (ObjectNode s : plan.deletes) {
            String name = ObjectCache.nameOf(s);
            try {
                ObjectNode gone = registry.delete(SLICES, ns, name,
                        new Registry.Preconditions(s.path("metadata").path("uid").asText(), s.path("metadata").path("resourceVersion").asText(), null), false);
                slices.deleteLocal(ns, name, ObjectCache.revisionOf(gone));
            } catch (ApiException e) {
                if (e.code() != 404) throw e;
            }
        }
    }

    @Override
    public void close() {
        queue.close();
    }
}
