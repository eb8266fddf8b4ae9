package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * core/v1 NamespaceSpec.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NamespaceSpec(
        List<String> finalizers,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Copies collections into unmodifiable ones; null stays null (absent and empty differ on the wire). */
    public NamespaceSpec {
        finalizers = Copies.list(finalizers);
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public NamespaceSpec(List<String> finalizers) {
        this(finalizers, null);
    }
}
