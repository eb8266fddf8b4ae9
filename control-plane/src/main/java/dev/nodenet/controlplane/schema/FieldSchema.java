package dev.nodenet.controlplane.schema;

import java.util.List;
import java.util.Objects;

/**
 * One declared field of an object schema, with the Kubernetes list and patch markers that clients such as
 * {@code kubectl apply} read from the OpenAPI document.
 *
 * <p>Immutable; the {@code required()}, {@code patch(..)}, {@code listMap(..)}, ... methods return modified copies
 * so that declarations read as one expression.
 *
 * @param name          JSON field name, exactly as on the wire
 * @param type          field type
 * @param isRequired    whether upstream marks the field required in its OpenAPI schema
 * @param description   one-line description (ours), or empty
 * @param patchStrategy value of {@code x-kubernetes-patch-strategy} ("merge", "merge,retainKeys", "retainKeys"), or empty
 * @param patchMergeKey value of {@code x-kubernetes-patch-merge-key}, or empty
 * @param listType      value of {@code x-kubernetes-list-type} ("atomic", "set", "map"), or empty
 * @param listMapKeys   value of {@code x-kubernetes-list-map-keys} when {@code listType} is "map"
 * @param mapType       value of {@code x-kubernetes-map-type} ("atomic", "granular"), or empty
 */
public record FieldSchema(
        String name,
        TypeRef type,
        boolean isRequired,
        String description,
        String patchStrategy,
        String patchMergeKey,
        String listType,
        List<String> listMapKeys,
        String mapType) {

    public FieldSchema {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(patchStrategy, "patchStrategy");
        Objects.requireNonNull(patchMergeKey, "patchMergeKey");
        Objects.requireNonNull(listType, "listType");
        listMapKeys = List.copyOf(listMapKeys);
        Objects.requireNonNull(mapType, "mapType");
    }

    /** An optional field with no markers. */
    public static FieldSchema of(String name, TypeRef type) {
        return new FieldSchema(name, type, false, "", "", "", "", List.of(), "");
    }

    /** This field, marked required. */
    public FieldSchema required() {
        return new FieldSchema(name, type, true, description, patchStrategy, patchMergeKey, listType, listMapKeys, mapType);
    }

    /** This field with a one-line description. */
    public FieldSchema doc(String text) {
        return new FieldSchema(name, type, isRequired, text, patchStrategy, patchMergeKey, listType, listMapKeys, mapType);
    }

    /** This field with a patch strategy and no merge key (lists of scalars: "merge" means set union). */
    public FieldSchema patch(String strategy) {
        return new FieldSchema(name, type, isRequired, description, strategy, "", listType, listMapKeys, mapType);
    }

    /** This field with a patch strategy and the key that identifies list elements when merging. */
    public FieldSchema patch(String strategy, String mergeKey) {
        return new FieldSchema(name, type, isRequired, description, strategy, mergeKey, listType, listMapKeys, mapType);
    }

    /** This field with {@code x-kubernetes-list-type} "atomic" or "set". */
    public FieldSchema listType(String kind) {
        if (kind.equals("map")) {
            throw new IllegalArgumentException("use listMap(keys...) for list-type map");
        }
        return new FieldSchema(name, type, isRequired, description, patchStrategy, patchMergeKey, kind, List.of(), mapType);
    }

    /** This field with {@code x-kubernetes-list-type} "map" keyed by {@code keys}. */
    public FieldSchema listMap(String... keys) {
        if (keys.length == 0) {
            throw new IllegalArgumentException("list-type map needs at least one key");
        }
        return new FieldSchema(name, type, isRequired, description, patchStrategy, patchMergeKey, "map", List.of(keys), mapType);
    }

    /** This field with {@code x-kubernetes-map-type}. */
    public FieldSchema mapType(String kind) {
        return new FieldSchema(name, type, isRequired, description, patchStrategy, patchMergeKey, listType, listMapKeys, kind);
    }
}
