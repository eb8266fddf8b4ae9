package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * meta/v1 OwnerReference: points from a dependent to its owner (garbage collection).
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OwnerReference(
        String apiVersion,
        String kind,
        String name,
        String uid,
        Boolean controller,
        Boolean blockOwnerDeletion,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Normalises a null {@code extra} to an empty map. */
    public OwnerReference {
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public OwnerReference(String apiVersion, String kind, String name, String uid, Boolean controller,
            Boolean blockOwnerDeletion) {
        this(apiVersion, kind, name, uid, controller, blockOwnerDeletion, null);
    }
}
