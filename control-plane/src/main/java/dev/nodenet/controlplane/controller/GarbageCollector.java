package dev.nodenet.controlplane.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.server.ApiException;
import dev.nodenet.controlplane.server.Registry;
import dev.nodenet.controlplane.server.ResourceType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Deletes objects whose owners are gone, like kube-controller-manager's garbage collector (background propagation
 * only): a dependent whose every ownerReference names an owner that no longer exists (no object of that kind and
 * name with that uid) is deleted; one with some owners left loses only the dangling references. Owners of kinds this
 * server does not serve (ReplicaSet, …) cannot be checked and count as present.
 *
 * <p>Dependents checked: every object in the caches handed in (EndpointSlices, Endpoints, Pods). Runs when an owner in
 * one of the owner caches is deleted, and scans everything every {@code period}. The caches only pre-filter; the
 * decision reads the store (an owner created a moment ago may not be cached yet), and the delete carries the
 * dependent's uid and resourceVersion as preconditions.
 *
 * <p>Threading: handlers and the periodic scan (timer thread) enqueue; {@link #sync} runs on the single worker thread
 * {@code garbage-collector}.
 */
final class GarbageCollector implements AutoCloseable {
    /** A dependent to look at. */
    record Ref(ResourceType type, String namespace, String name) {}

    private final Registry registry;
    private final List<ObjectCache> dependents;
    private final Map<String, ObjectCache> ownerCachesByKind;
    private final WorkQueue<Ref> queue;
    private final ScheduledExecutorService timer;
    private final Duration period;
    private ScheduledFuture<?> scan;

    GarbageCollector(Registry registry, List<ObjectCache> dependents, List<ObjectCache> owners, Duration period, ScheduledExecutorService timer) {
        this.registry = registry;
        this.dependents = List.copyOf(dependents);
        Map<String, ObjectCache> byKind = new HashMap<>();
        for (ObjectCache c : owners) byKind.put(c.type().kind(), c);
        this.ownerCachesByKind = Map.copyOf(byKind);
        this.timer = timer;
        this.period = period;
        this.queue = new WorkQueue<>("garbage-collector", this::sync, timer);
        for (ObjectCache owner : owners) {
            owner.addHandler((old, cur) -> {
                if (cur == null) ownerDeleted(old);
            });
        }
        // A dependent written after its owner's delete was handled (a controller racing the delete) is caught here.
        for (ObjectCache dependent : dependents) {
            dependent.addHandler((old, cur) -> {
                if (cur != null) checkOwnersCached(dependent, cur);
            });
        }
    }

    void start() {
        queue.start();
        scan = timer.scheduleWithFixedDelay(this::scanAll, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void ownerDeleted(ObjectNode owner) {
        String uid = owner.path("metadata").path("uid").asText();
        String ns = ObjectCache.namespaceOf(owner);
        for (ObjectCache c : dependents) {
            for (ObjectNode d : ns.isEmpty() ? c.all() : c.list(ns)) {
                for (JsonNode ref : d.path("metadata").path("ownerReferences")) {
                    if (uid.equals(ref.path("uid").asText())) {
                        queue.add(new Ref(c.type(), ObjectCache.namespaceOf(d), ObjectCache.nameOf(d)));
                        break;
                    }
                }
            }
        }
    }

    /** Enqueues every dependent with an owner the caches do not know (cheap; {@link #sync} confirms against the store). */
    private void scanAll() {
        for (ObjectCache c : dependents) {
            for (ObjectNode d : c.all()) checkOwnersCached(c, d);
        }
    }

    private void checkOwnersCached(ObjectCache cache, ObjectNode d) {
        for (JsonNode ref : d.path("metadata").path("ownerReferences")) {
            ObjectCache oc = ownerCachesByKind.get(ref.path("kind").asText());
            if (oc == null || !oc.type().apiVersion().equals(ref.path("apiVersion").asText())) continue;
            ObjectNode owner = oc.get(oc.type().namespaced() ? ObjectCache.namespaceOf(d) : null, ref.path("name").asText());
            if (owner == null || !owner.path("metadata").path("uid").asText().equals(ref.path("uid").asText())) {
                queue.add(new Ref(cache.type(), ObjectCache.namespaceOf(d), ObjectCache.nameOf(d)));
                return;
            }
        }
    }

    void sync(Ref ref) {
        ObjectNode obj;
        try {
            obj = registry.get(ref.type(), ref.namespace(), ref.name());
        } catch (ApiException e) {
            if (e.code() == 404) return;
            throw e;
        }
        JsonNode refs = obj.path("metadata").path("ownerReferences");
        if (!refs.isArray() || refs.isEmpty()) return;
        List<Integer> dangling = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++) if (ownerGone(refs.get(i), ref.namespace())) dangling.add(i);
        if (dangling.isEmpty()) return;
        ObjectNode meta = (ObjectNode) obj.get("metadata");
        try {
            if (dangling.size() == refs.size()) {
                registry.delete(ref.type(), ref.namespace(), ref.name(),
                        new Registry.Preconditions(meta.path("uid").asText(), meta.path("resourceVersion").asText(), null), false);
            } else {
                ArrayNode kept = meta.putArray("ownerReferences");
                for (int i = 0; i < refs.size(); i++) if (!dangling.contains(i)) kept.add(refs.get(i));
                registry.update(ref.type(), ref.namespace(), ref.name(), obj, Registry.Part.MAIN, false);
            }
        } catch (ApiException e) {
            if (e.code() == 404) return;
            throw e; // 409: changed meanwhile, retried with backoff from fresh state
        }
    }

    /** True only when the owner's kind is served here and no object of it has that name and uid. */
    private boolean ownerGone(JsonNode ownerRef, String dependentNamespace) {
        String apiVersion = ownerRef.path("apiVersion").asText();
        String kind = ownerRef.path("kind").asText();
        ResourceType type = null;
        for (ResourceType t : ResourceType.ALL) if (t.kind().equals(kind) && t.apiVersion().equals(apiVersion)) type = t;
        if (type == null) return false;
        try {
            ObjectNode owner = registry.get(type, type.namespaced() ? dependentNamespace : null, ownerRef.path("name").asText());
            return !owner.path("metadata").path("uid").asText().equals(ownerRef.path("uid").asText());
        } catch (ApiException e) {
            if (e.code() == 404) return true;
            throw e;
        }
    }

    @Override
    public void close() {
        if (scan != null) scan.cancel(false);
        queue.close();
    }
}
