package dev.nodenet.controlplane.schema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A named object schema, e.g. {@code io.k8s.api.core.v1.ServicePort}.
 *
 * <p>An <em>open</em> schema declares no fields and accepts any content; we use it for deep, rarely-written subtrees
 * (affinity, most volume sources, managed fields) where a full declaration would add much text and little safety.
 *
 * @param name        component name as upstream spells it ({@code io.k8s.api.core.v1.Service})
 * @param description one-line description (ours)
 * @param fields      declared fields, in declaration order; empty for an open schema
 * @param open        true if any content is accepted
 * @param kind        the group-version-kind when this schema is a top-level kind
 */
public record ObjectSchema(String name, String description, List<FieldSchema> fields, boolean open,
                           Optional<GroupVersionKind> kind) {

    public ObjectSchema {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        fields = List.copyOf(fields);
        Objects.requireNonNull(kind, "kind");
        if (open && !fields.isEmpty()) {
            throw new IllegalArgumentException(name + ": an open schema declares no fields");
        }
        Map<String, FieldSchema> seen = new LinkedHashMap<>();
        for (FieldSchema f : fields) {
            if (seen.put(f.name(), f) != null) {
                throw new IllegalArgumentException(name + ": field " + f.name() + " declared twice");
            }
        }
    }

    /** The short Go-style type name, e.g. "ServicePort" for {@code io.k8s.api.core.v1.ServicePort}. */
    public String shortName() {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /** The declared field called {@code fieldName}, if any. */
    public Optional<FieldSchema> field(String fieldName) {
        for (FieldSchema f : fields) {
            if (f.name().equals(fieldName)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
