package dev.nodenet.controlplane.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * RFC 7386 JSON Merge Patch ({@code application/merge-patch+json}): objects merge recursively, {@code null} deletes a
 * member, every other value (arrays included) replaces the target value. A patch that is not an object replaces the
 * whole target.
 *
 * <p>Pure function, thread-safe.
 */
public final class JsonMergePatch {
    private JsonMergePatch() {}

    /** Applies {@code patch} to {@code target} (which may be {@code null}) and returns a new tree; neither is modified. */
    public static JsonNode apply(JsonNode target, JsonNode patch) {
        if (patch == null) throw new NullPointerException("patch");
        if (!patch.isObject()) return patch.deepCopy();
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : Json.NODES.objectNode();
        merge(result, (ObjectNode) patch);
        return result;
    }

    /** Merges {@code patch} into {@code target}, which is a private copy. */
    private static void merge(ObjectNode target, ObjectNode patch) {
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            String name = e.getKey();
            JsonNode value = e.getValue();
            if (value.isNull()) {
                target.remove(name);
            } else if (value.isObject()) {
                JsonNode existing = target.get(name);
                ObjectNode child = existing != null && existing.isObject() ? (ObjectNode) existing : Json.NODES.objectNode();
                merge(child, (ObjectNode) value);
                target.set(name, child);
            } else {
                target.set(name, value.deepCopy());
            }
        }
    }
}
