package dev.nodenet.controlplane.controller;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Which Pods each Service selects, kept up to date from the Service and Pod caches, so a Service sync reads its own
 * Pods instead of scanning the namespace, and a Pod change is matched against the namespace's Services once for all
 * controllers. Listeners get the key ({@code namespace/name}) of every Service whose selection or selected Pods
 * changed.
 *
 * <p>Threading: updated from cache handlers (store dispatcher and re-list timer threads) under one lock; listeners
 * are called under it and must only enqueue. {@link #members} may be called from any thread.
 */
final class SelectorIndex {
    private final ObjectCache pods;
    private final Object lock = new Object();
    /** Service key → names of the Pods (same namespace) its selector matches. */
    private final Map<String, Set<String>> members = new HashMap<>(); // guarded by lock
    /** Namespace → Service key → parsed selector, for the Services that have one. */
    private final Map<String, Map<String, Map<String, String>>> selectors = new HashMap<>(); // guarded by lock
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    SelectorIndex(ObjectCache services, ObjectCache pods) {
        this.pods = pods;
        services.addHandler(this::onService);
        pods.addHandler(this::onPod);
    }

    void addListener(Consumer<String> serviceKeyListener) {
        listeners.add(serviceKeyListener);
    }

    /** Names of the Pods the Service selects now (a copy). */
    List<String> members(String serviceKey) {
        synchronized (lock) {
            Set<String> m = members.get(serviceKey);
            return m == null ? List.of() : List.copyOf(m);
        }
    }

    private void onService(ObjectNode old, ObjectNode cur) {
        ObjectNode any = cur != null ? cur : old;
        String key = EndpointSliceController.key(any), ns = ObjectCache.namespaceOf(any);
        Map<String, String> sel = cur == null ? null : Services.selector(cur);
        synchronized (lock) {
            Map<String, Map<String, String>> inNs = selectors.computeIfAbsent(ns, k -> new HashMap<>());
            if (sel == null) {
                members.remove(key);
                inNs.remove(key);
            } else if (!sel.equals(inNs.get(key))) {
                inNs.put(key, sel);
                Set<String> m = new HashSet<>();
                for (ObjectNode pod : pods.list(ns)) {
                    if (Services.matches(sel, pod)) m.add(ObjectCache.nameOf(pod));
                }
                members.put(key, m);
            }
            for (Consumer<String> l : listeners) l.accept(key);
        }
    }

    private void onPod(ObjectNode old, ObjectNode cur) {
        ObjectNode any = cur != null ? cur : old;
        String ns = ObjectCache.namespaceOf(any), name = ObjectCache.nameOf(any);
        synchronized (lock) {
            Map<String, Map<String, String>> inNs = selectors.get(ns);
            if (inNs == null) return;
            for (Map.Entry<String, Map<String, String>> e : inNs.entrySet()) {
                String key = e.getKey();
                boolean now = Services.matches(e.getValue(), cur);
                Set<String> m = members.computeIfAbsent(key, k -> new HashSet<>());
                boolean was = now ? !m.add(name) : m.remove(name);
                if (now || was) for (Consumer<String> l : listeners) l.accept(key);
            }
        }
    }
}
