package dev.nodenet.controlplane.patch;

import dev.nodenet.controlplane.schema.FieldSchema;
import dev.nodenet.controlplane.schema.KubeSchemas;
import dev.nodenet.controlplane.schema.ObjectSchema;
import dev.nodenet.controlplane.schema.SchemaCatalog;
import dev.nodenet.controlplane.schema.TypeRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Strategic-merge metadata of an object type: for a path of JSON field names from the object root (for example
 * {@code ["spec", "ports"]}) the {@code patchStrategy} and {@code patchMergeKey} that the Kubernetes Go struct tags
 * declare. Paths through lists of objects continue into the elements: the container ports of a Pod are
 * {@code ["spec", "containers", "ports"]}.
 *
 * <p>A field without an entry has no strategy: a list is replaced wholesale, an object is merged key by key.
 *
 * <p>Immutable and thread-safe. {@link #forKind(String)} returns the built-in schemas, which mirror the struct tags
 * of k8s.io/api core/v1 and discovery/v1 and of metav1.ObjectMeta.
 */
public final class PatchSchema {

    /** The {@code patchStrategy} of a field. */
    public enum Strategy {
        /** No strategy tag: lists are replaced, objects are merged. */
        NONE,
        /** {@code patchStrategy:"merge"}: lists are merged (by merge key, or as a set of primitives). */
        MERGE,
        /** {@code patchStrategy:"replace"}: the value is replaced wholesale, objects included. */
        REPLACE
    }

    /**
     * The metadata of one field.
     *
     * @param strategy   the patch strategy
     * @param mergeKey   the {@code patchMergeKey} of a merged list of objects; {@code null} for lists of primitives
     *                   and for everything else
     * @param retainKeys whether the tag also names {@code retainKeys} (informational: the server honours a
     *                   {@code $retainKeys} directive wherever it appears, as Kubernetes does)
     */
    public record FieldMeta(Strategy strategy, String mergeKey, boolean retainKeys) {
        /** A field without tags. */
        public static final FieldMeta NONE = new FieldMeta(Strategy.NONE, null, false);

        public FieldMeta {
            Objects.requireNonNull(strategy, "strategy");
            if (mergeKey != null && (mergeKey.isEmpty() || strategy != Strategy.MERGE)) {
                throw new IllegalArgumentException("a merge key needs strategy MERGE and a non-empty name");
            }
        }

        /** {@code patchStrategy:"merge"} with {@code patchMergeKey:"key"}. */
        public static FieldMeta merge(String key) { return new FieldMeta(Strategy.MERGE, Objects.requireNonNull(key), false); }

        /** {@code patchStrategy:"merge"} on a list of primitives (a set). */
        public static FieldMeta mergePrimitives() { return new FieldMeta(Strategy.MERGE, null, false); }

        /** {@code patchStrategy:"merge,retainKeys"} with {@code patchMergeKey:"key"}. */
        public static FieldMeta mergeRetainKeys(String key) {
            return new FieldMeta(Strategy.MERGE, Objects.requireNonNull(key), true);
        }

        /** {@code patchStrategy:"replace"}. */
        public static FieldMeta replace() { return new FieldMeta(Strategy.REPLACE, null, false); }
    }

    /** One field: its metadata and the schema of its (or its list elements') fields. */
    record Node(FieldMeta meta, Map<String, Node> children) {
        static final Node EMPTY = new Node(FieldMeta.NONE, Map.of());

        Node child(String name) { return children.getOrDefault(name, EMPTY); }
    }

    private static final PatchSchema EMPTY = new PatchSchema(Node.EMPTY);
    private static final PatchSchema GENERIC = builder().withObjectMeta().build();
    private static final Map<String, PatchSchema> BUILT_IN = builtIns();

    private final Node root;

    private PatchSchema(Node root) { this.root = root; }

    Node root() { return root; }

    /** A schema without any rules: every list is replaced, every object merged. */
    public static PatchSchema empty() { return EMPTY; }

    /** The schema every kind shares: {@code metadata.ownerReferences} (merge by uid), {@code metadata.finalizers} (set). */
    public static PatchSchema generic() { return GENERIC; }

    /**
     * The built-in schema for a Kubernetes kind (case-sensitive, as in {@code kind:}: "Service", "Pod", "Node",
     * "Endpoints", "EndpointSlice", "Namespace", "ServiceAccount", ...). Unknown kinds get {@link #generic()}.
     */
    public static PatchSchema forKind(String kind) {
        return BUILT_IN.getOrDefault(kind, GENERIC);
    }

    /** The metadata of the field at {@code path} (field names from the object root); {@link FieldMeta#NONE} if none. */
    public FieldMeta lookup(List<String> path) {
        Node n = root;
        for (String p : path) {
            n = n.children.get(p);
            if (n == null) return FieldMeta.NONE;
        }
        return n.meta;
    }

    /** {@link #lookup(List)} with the path given as separate names. */
    public FieldMeta lookup(String... path) { return lookup(Arrays.asList(path)); }

    /** A new builder. */
    public static Builder builder() { return new Builder(); }

    /** Builds a {@link PatchSchema}; not thread-safe, the built schema is. */
    public static final class Builder {
        private final MutableNode root = new MutableNode();

        private Builder() {}

        /** Sets the metadata of the field at {@code path}; intermediate fields stay untagged. */
        public Builder field(List<String> path, FieldMeta meta) {
            if (path.isEmpty()) throw new IllegalArgumentException("empty path");
            MutableNode n = root;
            for (String p : path) n = n.children.computeIfAbsent(Objects.requireNonNull(p), k -> new MutableNode());
            n.meta = Objects.requireNonNull(meta);
            return this;
        }

        /** {@link #field(List, FieldMeta)} with a dotted path such as {@code "spec.containers.ports"}. */
        public Builder field(String dottedPath, FieldMeta meta) {
            return field(List.of(dottedPath.split("\\.", -1)), meta);
        }

        /** A list of objects merged by {@code mergeKey}. */
        public Builder mergeList(String dottedPath, String mergeKey) { return field(dottedPath, FieldMeta.merge(mergeKey)); }

        /** A list of primitives merged as a set. */
        public Builder mergePrimitives(String dottedPath) { return field(dottedPath, FieldMeta.mergePrimitives()); }

        /** The rules of metav1.ObjectMeta under {@code metadata}. */
        public Builder withObjectMeta() {
            mergeList("metadata.ownerReferences", "uid");
            mergePrimitives("metadata.finalizers");
            return this;
        }

        public PatchSchema build() { return new PatchSchema(root.freeze()); }
    }

    private static final class MutableNode {
        FieldMeta meta = FieldMeta.NONE;
        final Map<String, MutableNode> children = new LinkedHashMap<>();

        Node freeze() {
            if (children.isEmpty() && meta.equals(FieldMeta.NONE)) return Node.EMPTY;
            Map<String, Node> frozen = new LinkedHashMap<>();
            children.forEach((k, v) -> frozen.put(k, v.freeze()));
            return new Node(meta, Map.copyOf(frozen));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Built-in schemas: derived from the object schemas the server publishes in /openapi/v3 (KubeSchemas), so the
    // patch strategies kubectl reads from our OpenAPI documents and the ones the server applies are the same facts.
    // Lists without x-kubernetes-patch-strategy (Service spec.externalIPs, Node spec.taints, Endpoints subsets,
    // EndpointSlice endpoints, ...) get no rule: they are replaced wholesale.

    private static Map<String, PatchSchema> builtIns() {
        SchemaCatalog catalog = KubeSchemas.catalog();
        Map<String, PatchSchema> m = new LinkedHashMap<>();
        for (ObjectSchema schema : catalog.schemas().values()) {
            if (schema.kind().isEmpty()) continue;
            Builder b = builder();
            collect(catalog, schema, new ArrayList<>(), b, new java.util.HashSet<>());
            m.putIfAbsent(schema.kind().get().kind(), b.build());
        }
        return Map.copyOf(m);
    }

    /** Adds a rule for every tagged field reachable from {@code schema}; {@code visiting} guards recursive types. */
    private static void collect(SchemaCatalog catalog, ObjectSchema schema, List<String> path, Builder b, java.util.Set<String> visiting) {
        if (schema.open() || !visiting.add(schema.name())) return;
        for (FieldSchema f : schema.fields()) {
            path.add(f.name());
            FieldMeta meta = meta(f);
            if (meta != FieldMeta.NONE) b.field(List.copyOf(path), meta);
            TypeRef t = f.type();
            while (t instanceof TypeRef.ArrayOf a) t = a.items();
            if (t instanceof TypeRef.Ref ref) collect(catalog, catalog.resolve(ref), path, b, visiting);
            path.removeLast();
        }
        visiting.remove(schema.name());
    }

    private static FieldMeta meta(FieldSchema f) {
        String strategy = f.patchStrategy();
        if (strategy.isEmpty()) return FieldMeta.NONE;
        boolean merge = strategy.contains("merge");
        boolean retainKeys = strategy.contains("retainKeys");
        String key = f.patchMergeKey().isEmpty() ? null : f.patchMergeKey();
        if (strategy.equals("replace")) return FieldMeta.replace();
        if (merge && key != null) return retainKeys ? FieldMeta.mergeRetainKeys(key) : FieldMeta.merge(key);
        if (merge) return FieldMeta.mergePrimitives();
        return new FieldMeta(Strategy.NONE, null, retainKeys);
    }

    @Override
    public String toString() {
        List<String> rules = new ArrayList<>();
        describe(root, "", rules);
        return "PatchSchema" + rules;
    }

    private static void describe(Node n, String path, List<String> out) {
        if (!n.meta.equals(FieldMeta.NONE)) {
            out.add(path + "=" + n.meta.strategy().name().toLowerCase(java.util.Locale.ROOT)
                    + (n.meta.retainKeys() ? ",retainKeys" : "")
                    + (n.meta.mergeKey() != null ? "(" + n.meta.mergeKey() + ")" : ""));
        }
        n.children.forEach((k, v) -> describe(v, path.isEmpty() ? k : path + "." + k, out));
    }
}
