package dev.nodenet.controlplane.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.patch.PatchException;
import dev.nodenet.controlplane.patch.PatchSchema;
import dev.nodenet.controlplane.patch.PatchType;
import dev.nodenet.controlplane.patch.Patches;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Applies a PATCH body to a stored object, mapping patch failures to Kubernetes errors (400 or 422). Thread-safe. */
final class Patching {
    private final Map<String, PatchSchema> schemas = new ConcurrentHashMap<>();

    ObjectNode apply(PatchType kind, ResourceType type, ObjectNode current, byte[] body) {
        JsonNode result;
        try {
            result = Patches.apply(kind, current, body, schemas.computeIfAbsent(type.kind(), PatchSchema::forKind));
        } catch (PatchException e) {
            if (e.badRequest()) throw ApiException.badRequest(e.getMessage());
            throw ApiException.invalid(type, current.path("metadata").path("name").asText(), java.util.List.of(
                    new ApiException.Cause("FieldValueInvalid", "patch", e.getMessage())));
        }
        if (!(result instanceof ObjectNode obj)) throw ApiException.badRequest("the patch did not produce an object");
        return obj;
    }
}
