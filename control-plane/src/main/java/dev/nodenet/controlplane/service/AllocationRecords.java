package dev.nodenet.controlplane.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.storage.Store;
import dev.nodenet.controlplane.storage.StoreException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;

/**
 * Allocation records in the {@link Store} itself: one key per allocated ClusterIP ({@code /registry/allocations/clusterips/<ip>})
 * or node port ({@code /registry/allocations/nodeports/<port>}), whose value names the owning Service (namespace, name, uid).
 * The store's atomic create is the only lock: whoever creates the key owns the value, across threads, restarts and
 * API servers sharing one store. Thread-safe.
 */
final class AllocationRecords {
    static final String ROOT = "/registry/allocations/";
    static final String IP_PREFIX = ROOT + "clusterips/";
    static final String PORT_PREFIX = ROOT + "nodeports/";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Who holds an allocation; {@code allocatedAtMs} lets the repair pass leave young records alone. */
    record Owner(String namespace, String name, String uid, long allocatedAtMs) {}

    enum Outcome { CREATED, ALREADY_OURS, TAKEN }

    private final Store store;
    private final Clock clock;

    AllocationRecords(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    Store store() { return store; }

    Clock clock() { return clock; }

    static String ipKey(String canonicalIp) { return IP_PREFIX + canonicalIp; }

    static String portKey(int port) { return PORT_PREFIX + port; }

    /** Creates the record for {@code key} owned by the Service ({@code namespace}, {@code name}, {@code uid}). */
    Outcome claim(String key, String namespace, String name, String uid) {
        try {
            store.create(key, encode(new Owner(namespace, name, uid, clock.millis())));
            return Outcome.CREATED;
        } catch (StoreException.AlreadyExists e) {
            Optional<Owner> current = owner(key);
            // The same Service's record left behind by an earlier attempt that failed before its write: it is ours.
            return current.isPresent() && current.get().uid().equals(uid) ? Outcome.ALREADY_OURS : Outcome.TAKEN;
        }
    }

    /** True when nobody, or the Service with {@code uid}, holds {@code key} (a dry run's check; racy by nature). */
    boolean freeFor(String key, String uid) {
        Optional<Owner> o = owner(key);
        return o.isEmpty() || o.get().uid().equals(uid);
    }

    /** Deletes {@code key} if the Service with {@code uid} still holds it; someone else's record is never touched. */
    boolean release(String key, String uid) {
        Optional<Store.Entry> e = store.get(key);
        if (e.isEmpty()) return false;
        Owner o = decode(e.get().value());
        if (o != null && !o.uid().equals(uid)) return false;
        return deleteIfUnchanged(e.get());
    }

    /** Deletes the record exactly as it was read: a record recreated in between (a new owner) stays. */
    boolean deleteIfUnchanged(Store.Entry e) {
        try {
            store.delete(e.key(), e.modRevision());
            return true;
        } catch (StoreException.NotFound | StoreException.Conflict gone) {
            return false;
        }
    }

    Optional<Owner> owner(String key) {
        return store.get(key).map(e -> decode(e.value()));
    }

    static byte[] encode(Owner o) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("namespace", o.namespace()).put("name", o.name()).put("uid", o.uid()).put("allocatedAtMs", o.allocatedAtMs());
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The owner in a record, or null when the value is not one (the repair pass treats that as leaked). */
    static Owner decode(byte[] value) {
        try {
            JsonNode n = MAPPER.readTree(value);
            if (n == null || !n.path("uid").isTextual()) return null;
            return new Owner(n.path("namespace").asText(), n.path("name").asText(), n.path("uid").asText(), n.path("allocatedAtMs").asLong());
        } catch (IOException e) {
            return null;
        }
    }
}
