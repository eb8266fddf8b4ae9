package dev.nodenet.controlplane.schema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable, resolved set of {@link ObjectSchema}s, looked up by component name or by group-version-kind.
 *
 * <p>Construction checks that every {@link TypeRef.Ref} resolves, so a typo in a declaration fails at start-up
 * rather than at a client. Thread-safe once built.
 */
public final class SchemaCatalog {

    private final Map<String, ObjectSchema> byName;
    private final Map<GroupVersionKind, ObjectSchema> byKind;

    private SchemaCatalog(Map<String, ObjectSchema> byName) {
        this.byName = Collections.unmodifiableMap(new TreeMap<>(byName));
        Map<GroupVersionKind, ObjectSchema> kinds = new LinkedHashMap<>();
        for (ObjectSchema s : this.byName.values()) {
            s.kind().ifPresent(gvk -> {
                if (kinds.put(gvk, s) != null) {
                    throw new IllegalArgumentException("kind " + gvk + " declared twice");
                }
            });
        }
        this.byKind = Collections.unmodifiableMap(kinds);
        for (ObjectSchema s : this.byName.values()) {
            for (FieldSchema f : s.fields()) {
                checkResolves(s.name() + "." + f.name(), f.type());
            }
        }
    }

    private void checkResolves(String where, TypeRef type) {
        switch (type) {
            case TypeRef.Ref r -> {
                if (!byName.containsKey(r.schemaName())) {
                    throw new IllegalArgumentException(where + ": unknown schema " + r.schemaName());
                }
            }
            case TypeRef.ArrayOf a -> checkResolves(where, a.items());
            case TypeRef.MapOf m -> checkResolves(where, m.values());
            case TypeRef.Scalar s -> { }
            case TypeRef.Open o -> { }
        }
    }

    /** All schemas, sorted by component name. */
    public Map<String, ObjectSchema> schemas() {
        return byName;
    }

    /** The schema called {@code name} (e.g. {@code io.k8s.api.core.v1.Service}), if declared. */
    public Optional<ObjectSchema> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The top-level schema of a kind, if declared. */
    public Optional<ObjectSchema> byKind(GroupVersionKind gvk) {
        return Optional.ofNullable(byKind.get(gvk));
    }

    /** Resolves a reference; the catalog guarantees every declared reference resolves. */
    public ObjectSchema resolve(TypeRef.Ref ref) {
        ObjectSchema s = byName.get(ref.schemaName());
        if (s == null) {
            throw new IllegalArgumentException("unknown schema " + ref.schemaName());
        }
        return s;
    }

    /**
     * The names of the schemas reachable from {@code roots} (the roots included), sorted; used to emit only the
     * components a group-version document needs.
     */
    public List<String> reachableFrom(List<String> roots) {
        TreeMap<String, Boolean> seen = new TreeMap<>();
        ArrayList<String> todo = new ArrayList<>(roots);
        while (!todo.isEmpty()) {
            String name = todo.removeLast();
            if (seen.put(name, Boolean.TRUE) != null) {
                continue;
            }
            ObjectSchema s = byName.get(name);
            if (s == null) {
                throw new IllegalArgumentException("unknown schema " + name);
            }
            for (FieldSchema f : s.fields()) {
                collectRefs(f.type(), todo);
            }
        }
        return List.copyOf(seen.keySet());
    }

    private static void collectRefs(TypeRef type, List<String> out) {
        switch (type) {
            case TypeRef.Ref r -> out.add(r.schemaName());
            case TypeRef.ArrayOf a -> collectRefs(a.items(), out);
            case TypeRef.MapOf m -> collectRefs(m.values(), out);
            case TypeRef.Scalar s -> { }
            case TypeRef.Open o -> { }
        }
    }

    /** Collects declarations; not thread-safe, used once at start-up. */
    public static final class Builder {
        private final Map<String, ObjectSchema> schemas = new LinkedHashMap<>();

        /** Declares an object schema {@code prefix + shortName}. */
        public Builder object(String prefix, String shortName, String description, FieldSchema... fields) {
            return add(new ObjectSchema(prefix + shortName, description, List.of(fields), false, Optional.empty()));
        }

        /** Declares a top-level kind; its schema carries {@code x-kubernetes-group-version-kind}. */
        public Builder kind(String prefix, String shortName, String group, String version, String description,
                            FieldSchema... fields) {
            return add(new ObjectSchema(prefix + shortName, description, List.of(fields), false,
                    Optional.of(new GroupVersionKind(group, version, shortName))));
        }

        /** Declares an open schema that accepts any content. */
        public Builder open(String name, String description) {
            return add(new ObjectSchema(name, description, List.of(), true, Optional.empty()));
        }

        private Builder add(ObjectSchema s) {
            if (schemas.putIfAbsent(s.name(), s) != null) {
                throw new IllegalArgumentException("schema " + s.name() + " declared twice");
            }
            return this;
        }

        /** Resolves and freezes the declarations. */
        public SchemaCatalog build() {
            return new SchemaCatalog(schemas);
        }
    }
}
