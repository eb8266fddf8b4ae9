package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * core/v1 ObjectReference: names another object (an endpoint's target Pod, for example).
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ObjectReference(
        String apiVersion,
        String kind,
        String namespace,
        String name,
        String uid,
        String resourceVersion,
        String fieldPath,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Normalises a null {@code extra} to an empty map. */
    public ObjectReference {
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public ObjectReference(String apiVersion, String kind, String namespace, String name, String uid,
            String resourceVersion, String fieldPath) {
        this(apiVersion, kind, namespace, name, uid, resourceVersion, fieldPath, null);
    }
}
