package dev.nodenet.controlplane.patch;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Objects;

/**
 * Entry point for PATCH requests: parses the body and applies it with the semantics of its {@link PatchType}.
 *
 * <p>Pure functions, thread-safe; the original tree is never modified.
 */
public final class Patches {
    private Patches() {}

    /**
     * Applies a PATCH body to a stored Kubernetes object.
     *
     * @param type     the patch flavour, from the request's Content-Type ({@link PatchType#fromContentType})
     * @param original the stored object (a JSON object)
     * @param body     the raw request body
     * @param schema   strategic-merge metadata of the object's kind ({@link PatchSchema#forKind}); only used by
     *                 {@link PatchType#STRATEGIC_MERGE_PATCH}
     * @return the patched object, a new tree
     * @throws PatchException 400 for a malformed body, 422 for a patch that cannot be applied or does not yield a
     *                        JSON object
     */
    public static JsonNode apply(PatchType type, JsonNode original, byte[] body, PatchSchema schema) {
        return apply(type, original, Json.parse(body), schema);
    }

    /** {@link #apply(PatchType, JsonNode, byte[], PatchSchema)} with an already parsed patch. */
    public static JsonNode apply(PatchType type, JsonNode original, JsonNode patch, PatchSchema schema) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(patch, "patch");
        JsonNode result = switch (type) {
            case JSON_PATCH -> JsonPatch.apply(original, patch);
            case MERGE_PATCH -> {
                if (!patch.isObject()) {
                    throw PatchException.badRequest("a merge patch for an object must be a JSON object, got " + Json.typeName(patch));
                }
                yield JsonMergePatch.apply(original, patch);
            }
            case STRATEGIC_MERGE_PATCH ->
                    StrategicMergePatch.apply(original, patch, schema == null ? PatchSchema.generic() : schema);
        };
        if (!result.isObject()) {
            throw PatchException.invalid("the patched document must be a JSON object, got " + Json.typeName(result));
        }
        return result;
    }

    /** Parses a PATCH body; malformed JSON is a 400 {@link PatchException}. */
    public static JsonNode parse(byte[] body) { return Json.parse(body); }
}
