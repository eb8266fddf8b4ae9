package dev.nodenet.controlplane.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.storage.Store;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Decodes each stored write once and encodes each of its watch events once, however many watchers receive it — the
 * job of kube-apiserver's watch cache. Without it every watcher re-parses the stored JSON and re-serialises the event,
 * which at 1,000 watchers is most of the server's CPU.
 *
 * <p>Thread-safe. Entries are keyed by revision (one write per revision) and kept for the most recent
 * {@value #CAPACITY} revisions; a watcher further behind decodes for itself. Cached trees are shared between threads
 * and must never be modified.
 */
final class EventCache {
    static final int CAPACITY = 4096;

    /** One write, decoded: the object as written (resourceVersion set) and the value it replaced. */
    static final class Decoded {
        final long revision;
        final ObjectNode object;
        final ObjectNode previous;
        private final ConcurrentHashMap<String, byte[]> encoded = new ConcurrentHashMap<>(4);

        Decoded(long revision, ObjectNode object, ObjectNode previous) {
            this.revision = revision;
            this.object = object;
            this.previous = previous;
        }

        /** The newline-terminated JSON WatchEvent {@code {"type":kind,"object":...}}, encoded once per kind. */
        byte[] event(String kind, ObjectMapper mapper) {
            return encoded.computeIfAbsent(kind, k -> {
                ObjectNode e = mapper.createObjectNode();
                e.put("type", k);
                e.set("object", object);
                try {
                    byte[] json = mapper.writeValueAsBytes(e);
                    byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
                    line[json.length] = '\n';
                    return line;
                } catch (JsonProcessingException ex) {
                    throw ApiException.internal("cannot encode watch event: " + ex.getMessage());
                }
            });
        }
    }

    private final Registry registry;
    private final AtomicReferenceArray<Decoded> slots = new AtomicReferenceArray<>(CAPACITY);

    EventCache(Registry registry) {
        this.registry = registry;
    }

    Decoded get(Store.Event ev) {
        int slot = (int) (ev.revision() % CAPACITY);
        Decoded d = slots.get(slot);
        if (d != null && d.revision == ev.revision()) return d;
        ObjectNode obj = Registry.withRevision(registry.decodeBytes(ev.value()), ev.revision());
        ObjectNode prev = ev.prevValue() == null ? null : registry.decodeBytes(ev.prevValue());
        d = new Decoded(ev.revision(), obj, prev);
        slots.set(slot, d); // a racing watcher may decode the same revision too: harmless, both results are equal
        return d;
    }
}
