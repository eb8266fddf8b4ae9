package dev.nodenet.controlplane.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.storage.Store;
import dev.nodenet.controlplane.storage.StoreException;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Generic object storage with Kubernetes semantics over a {@link Store}: server-set metadata (uid, creationTimestamp,
 * generation, resourceVersion), optimistic concurrency, status subresources, name rules, kind strategies.
 * Objects are JSON trees, so fields this server does not model are kept exactly as clients sent them.
 *
 * <p>Thread-safe: called concurrently from request threads; all coordination is in the store's conditional writes.
 */
public final class Registry {
    /** How often a read-modify-write (patch, guaranteed update) retries after losing a race. */
    private static final int MAX_CONFLICT_RETRIES = 8;
    private static final char[] GENERATE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789".toCharArray();

    private final Store store;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final Map<String, Strategy> strategies;
    private final SecureRandom random = new SecureRandom();

    public Registry(Store store, ObjectMapper mapper, Clock clock, Map<String, Strategy> strategiesByKind) {
        this.store = store;
        this.mapper = mapper;
        this.clock = clock;
        this.strategies = Map.copyOf(strategiesByKind);
    }

    public Store store() { return store; }

    private Strategy strategy(ResourceType type) {
        return strategies.getOrDefault(type.kind(), Strategy.NONE);
    }

    /** A consistent list: items (with resourceVersion set) and the revision they were read at. */
    public record Snapshot(List<ObjectNode> items, long revision) {}

    public ObjectNode get(ResourceType type, String namespace, String name) {
        return store.get(type.key(namespace, name)).map(this::decode)
                .orElseThrow(() -> ApiException.notFound(type, name));
    }

    public Snapshot list(ResourceType type, String namespace, Predicate<ObjectNode> filter) {
        Store.ListResult result = store.list(type.keyPrefix(namespace));
        List<ObjectNode> items = new ArrayList<>(result.entries().size());
        for (Store.Entry e : result.entries()) {
            ObjectNode obj = decode(e);
            if (filter.test(obj)) items.add(obj);
        }
        return new Snapshot(items, result.revision());
    }

    /** Creates {@code obj} (already checked for kind/apiVersion and namespace by the caller). */
    public ObjectNode create(ResourceType type, String namespace, ObjectNode obj, boolean dryRun) {
        ObjectNode meta = metadata(obj);
        String name = text(meta, "name");
        if (name == null || name.isEmpty()) {
            String generateName = text(meta, "generateName");
            if (generateName == null || generateName.isEmpty()) {
                throw ApiException.invalid(type, "", List.of(new ApiException.Cause("FieldValueRequired", "metadata.name", "Required value: name or generateName is required")));
            }
            name = generateName + randomSuffix();
            meta.put("name", name);
        }
        if (type.namespaced()) {
            meta.put("namespace", namespace);
            requireNamespace(namespace);
        } else {
            meta.remove("namespace");
        }
        meta.remove("resourceVersion");
        meta.remove("deletionTimestamp");
        meta.remove("deletionGracePeriodSeconds");
        meta.remove("managedFields");
        meta.put("uid", UUID.randomUUID().toString());
        meta.put("creationTimestamp", now());
        if (obj.has("spec")) meta.put("generation", 1);
        else meta.remove("generation");
        obj.put("kind", type.kind());
        obj.put("apiVersion", type.apiVersion());
        strategy(type).prepareForCreate(obj);
        validate(type, obj, null);
        java.util.function.Consumer<Boolean> finish = strategy(type).beginWrite(obj, null, dryRun);
        boolean written = false;
        try {
            if (dryRun) return obj;
            Store.Entry e = store.create(type.key(namespace, name), encode(obj));
            written = true;
            return withRevision(obj, e.modRevision());
        } catch (StoreException.AlreadyExists ex) {
            throw ApiException.alreadyExists(type, name);
        } finally {
            finish.accept(written);
        }
    }

    /** Which part of an object a write may change. */
    public enum Part { MAIN, STATUS }

    /**
     * Replaces an object (PUT). A {@code metadata.resourceVersion} in {@code obj} is a precondition (409 when stale);
     * without one the update is unconditional, as for the core resources in kube-apiserver.
     */
    public ObjectNode update(ResourceType type, String namespace, String name, ObjectNode obj, Part part, boolean dryRun) {
        String rv = text(metadata(obj), "resourceVersion");
        if (rv == null || rv.isEmpty()) {
            // Unconditional for the client, conditional in the store: a racing writer makes us retry on fresh state,
            // so what strategies derived from the old object (released ports, say) is never stale.
            return patch(type, namespace, name, current -> obj.deepCopy(), part, dryRun);
        }
        long expected = parseResourceVersion(rv);
        Store.Entry current = store.get(type.key(namespace, name)).orElseThrow(() -> ApiException.notFound(type, name));
        if (expected != current.modRevision()) throw ApiException.conflict(type, name);
        return write(type, namespace, name, current, obj, part, dryRun);
    }

    /**
     * Read-modify-write: applies {@code mutation} to the current object and stores the result, retrying when another
     * writer got there first. When the mutated object carries a resourceVersion different from the one read, the
     * caller asked for a precondition: 409 instead of a retry.
     */
    public ObjectNode patch(ResourceType type, String namespace, String name, UnaryOperator<ObjectNode> mutation, Part part, boolean dryRun) {
        for (int attempt = 0; ; attempt++) {
            Store.Entry current = store.get(type.key(namespace, name)).orElseThrow(() -> ApiException.notFound(type, name));
            ObjectNode original = decode(current);
            ObjectNode patched = mutation.apply(original.deepCopy());
            String rv = text(metadata(patched), "resourceVersion");
            boolean precondition = rv != null && !rv.isEmpty() && !rv.equals(Long.toString(current.modRevision()));
            if (precondition) throw ApiException.conflict(type, name);
            try {
                return write(type, namespace, name, current, patched, part, dryRun);
            } catch (ApiException e) {
                if (e.code() != 409 || !"Conflict".equals(e.reason()) || attempt >= MAX_CONFLICT_RETRIES) throw e;
            }
        }
    }

    private ObjectNode write(ResourceType type, String namespace, String name, Store.Entry current, ObjectNode obj, Part part, boolean dryRun) {
        ObjectNode old = decode(current);
        ObjectNode meta = metadata(obj);
        String bodyName = text(meta, "name");
        if (bodyName != null && !bodyName.isEmpty() && !bodyName.equals(name)) {
            throw ApiException.badRequest("the name of the object (" + bodyName + ") does not match the name on the URL (" + name + ")");
        }
        if (type.namespaced()) {
            String bodyNs = text(meta, "namespace");
            if (bodyNs != null && !bodyNs.isEmpty() && !bodyNs.equals(namespace)) {
                throw ApiException.badRequest("the namespace of the object (" + bodyNs + ") does not match the namespace on the URL (" + namespace + ")");
            }
        }
        ObjectNode next;
        if (part == Part.STATUS) {
            // A status write changes status only: everything else comes from the stored object.
            next = old.deepCopy();
            JsonNode status = obj.get("status");
            if (status == null || status.isNull()) next.remove("status");
            else next.set("status", status);
            ObjectNode nextMeta = metadata(next);
            nextMeta.remove("resourceVersion");
        } else {
            next = obj;
            if (type.hasStatus()) {
                JsonNode oldStatus = old.get("status");
                if (oldStatus == null) next.remove("status");
                else next.set("status", oldStatus);
            }
            // Metadata the server owns.
            ObjectNode oldMeta = metadata(old);
            meta.put("name", name);
            if (type.namespaced()) meta.put("namespace", namespace);
            copyField(oldMeta, meta, "uid");
            copyField(oldMeta, meta, "creationTimestamp");
            copyField(oldMeta, meta, "deletionTimestamp");
            copyField(oldMeta, meta, "deletionGracePeriodSeconds");
            meta.remove("resourceVersion");
            meta.remove("managedFields");
            next.put("kind", type.kind());
            next.put("apiVersion", type.apiVersion());
            if (next.has("spec")) {
                long generation = oldMeta.path("generation").asLong(1);
                meta.put("generation", Objects.equals(old.get("spec"), next.get("spec")) ? generation : generation + 1);
            }
        }
        strategy(type).prepareForUpdate(next, old);
        validate(type, next, old);
        java.util.function.Consumer<Boolean> finish = strategy(type).beginWrite(next, old, dryRun);
        boolean written = false;
        try {
            byte[] encoded = encode(next);
            // Compare as parsed from bytes on both sides, so 1 (int) and 1 (long) or a different key order are equal.
            if (decodeBytes(encoded).equals(decodeBytes(current.value()))) { // no-op: no new revision
                written = !dryRun;
                return withRevision(next, current.modRevision());
            }
            if (dryRun) return withRevision(next, current.modRevision());
            Store.Entry e = store.update(type.key(namespace, name), encoded, current.modRevision());
            written = true;
            return withRevision(next, e.modRevision());
        } catch (StoreException.Conflict ex) {
            throw ApiException.conflict(type, name);
        } catch (StoreException.NotFound ex) {
            throw ApiException.notFound(type, name);
        } finally {
            finish.accept(written);
        }
    }

    /** What a DELETE may carry in its DeleteOptions: preconditions and a grace period (null = the object's default). */
    public record Preconditions(String uid, String resourceVersion, Long gracePeriodSeconds) {
        public static final Preconditions NONE = new Preconditions(null, null, null);
    }

    /** Deletes an object immediately and returns it as last stored (resourceVersion = the deletion's revision). */
    public ObjectNode delete(ResourceType type, String namespace, String name, Preconditions pre, boolean dryRun) {
        Store.Entry current = store.get(type.key(namespace, name)).orElseThrow(() -> ApiException.notFound(type, name));
        ObjectNode obj = decode(current);
        ObjectNode meta = metadata(obj);
        if (pre.uid() != null && !pre.uid().equals(text(meta, "uid"))) {
            throw ApiException.conflict(type, name, "Precondition failed: UID in precondition: " + pre.uid() + ", UID in object meta: " + text(meta, "uid"));
        }
        if (pre.resourceVersion() != null && !pre.resourceVersion().equals(Long.toString(current.modRevision()))) {
            throw ApiException.conflict(type, name, "Precondition failed: ResourceVersion in precondition: " + pre.resourceVersion()
                    + ", ResourceVersion in object meta: " + current.modRevision());
        }
        if (type.kind().equals("Namespace") && Bootstrap.SYSTEM_NAMESPACES.contains(name)) {
            throw ApiException.forbidden(type, name, "namespaces \"" + name + "\" is forbidden: this namespace may not be deleted");
        }
        if (type.kind().equals("Pod")) {
            ObjectNode terminating = gracefulPodDelete(type, namespace, name, current, obj, pre, dryRun);
            if (terminating != null) return terminating;
        }
        if (dryRun) return obj;
        if (type.kind().equals("Namespace")) deleteNamespaceContents(name);
        try {
            Store.Entry deleted = store.delete(type.key(namespace, name), current.modRevision());
            ObjectNode result = withRevision(decode(deleted), deleted.modRevision());
            strategy(type).afterDelete(result);
            return result;
        } catch (StoreException.Conflict e) {
            throw ApiException.conflict(type, name);
        } catch (StoreException.NotFound e) {
            throw ApiException.notFound(type, name);
        }
    }

    /**
     * Pods on a node end gracefully, as in kube-apiserver: the first DELETE only sets deletionTimestamp (now + grace)
     * and deletionGracePeriodSeconds, so the pod shows Terminating and its endpoints become serving/terminating; the
     * node's kubelet deletes it for good (grace 0) once its containers stopped. Pods not bound to an existing node,
     * finished pods and grace 0 are deleted at once. Returns the terminating pod, or null to delete now.
     */
    private ObjectNode gracefulPodDelete(ResourceType type, String namespace, String name, Store.Entry current, ObjectNode pod, Preconditions pre, boolean dryRun) {
        JsonNode spec = pod.path("spec");
        long grace = pre.gracePeriodSeconds() != null ? pre.gracePeriodSeconds() : spec.path("terminationGracePeriodSeconds").asLong(30);
        String node = spec.path("nodeName").asText("");
        String phase = pod.path("status").path("phase").asText("");
        boolean bound = !node.isEmpty() && store.get(ResourceType.byKind("Node").key(null, node)).isPresent();
        if (grace <= 0 || !bound || phase.equals("Succeeded") || phase.equals("Failed")) return null;
        ObjectNode meta = metadata(pod);
        long currentGrace = meta.path("deletionGracePeriodSeconds").asLong(Long.MAX_VALUE);
        if (meta.hasNonNull("deletionTimestamp") && grace >= currentGrace) return pod; // already terminating, no shorter grace asked for
        meta.put("deletionTimestamp", Instant.now(clock).plusSeconds(grace).truncatedTo(ChronoUnit.SECONDS).toString());
        meta.put("deletionGracePeriodSeconds", grace);
        meta.remove("resourceVersion");
        if (dryRun) return pod;
        try {
            Store.Entry e = store.update(type.key(namespace, name), encode(pod), current.modRevision());
            return withRevision(pod, e.modRevision());
        } catch (StoreException.Conflict | StoreException.NotFound ex) {
            throw ApiException.conflict(type, name);
        }
    }

    private void deleteNamespaceContents(String namespace) {
        for (ResourceType t : ResourceType.ALL) {
            if (!t.namespaced()) continue;
            for (Store.Entry e : store.list(t.keyPrefix(namespace)).entries()) {
                try {
                    Store.Entry deleted = store.delete(e.key(), 0);
                    strategy(t).afterDelete(withRevision(decode(deleted), deleted.modRevision()));
                } catch (StoreException.NotFound ignored) {
                    // deleted concurrently: that is the goal anyway
                }
            }
        }
    }

    private void requireNamespace(String namespace) {
        if (namespace == null || namespace.isEmpty()) throw ApiException.badRequest("the namespace of the object is required");
        if (store.get(ResourceType.byKind("Namespace").key(null, namespace)).isEmpty()) {
            throw ApiException.notFound(ResourceType.byKind("Namespace"), namespace);
        }
    }

    private void validate(ResourceType type, ObjectNode obj, ObjectNode old) {
        List<ApiException.Cause> causes = new ArrayList<>();
        ObjectNode meta = metadata(obj);
        String name = text(meta, "name");
        if (old == null) {
            for (String err : Names.nameErrors(name, Names.ruleFor(type))) {
                causes.add(new ApiException.Cause("FieldValueInvalid", "metadata.name", "Invalid value: \"" + name + "\": " + err));
            }
        }
        Names.validateLabelsAndAnnotations(meta, causes);
        causes.addAll(strategy(type).validate(obj, old));
        if (!causes.isEmpty()) throw ApiException.invalid(type, name, causes);
    }

    /** Parses bytes from the store and fills in resourceVersion. */
    public ObjectNode decode(Store.Entry e) {
        return withRevision(decodeBytes(e.value()), e.modRevision());
    }

    public ObjectNode decodeBytes(byte[] value) {
        try {
            return (ObjectNode) mapper.readTree(value);
        } catch (IOException | ClassCastException ex) {
            throw ApiException.internal("stored object is not valid JSON: " + ex.getMessage());
        }
    }

    private byte[] encode(ObjectNode obj) {
        try {
            return mapper.writeValueAsBytes(obj);
        } catch (IOException e) {
            throw ApiException.internal("cannot encode object: " + e.getMessage());
        }
    }

    public static ObjectNode withRevision(ObjectNode obj, long revision) {
        metadata(obj).put("resourceVersion", Long.toString(revision));
        return obj;
    }

    static ObjectNode metadata(ObjectNode obj) {
        JsonNode meta = obj.get("metadata");
        if (meta instanceof ObjectNode m) return m;
        if (meta != null && !meta.isNull()) throw ApiException.badRequest("metadata must be an object");
        return obj.putObject("metadata");
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static void copyField(ObjectNode from, ObjectNode to, String field) {
        JsonNode v = from.get(field);
        if (v == null) to.remove(field);
        else to.set(field, v);
    }

    static long parseResourceVersion(String rv) {
        try {
            long v = Long.parseLong(rv);
            if (v < 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid resourceVersion \"" + rv + "\": must be a non-negative integer");
        }
    }

    private String now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private String randomSuffix() {
        char[] c = new char[5];
        for (int i = 0; i < c.length; i++) c[i] = GENERATE_ALPHABET[random.nextInt(GENERATE_ALPHABET.length)];
        return new String(c);
    }
}
