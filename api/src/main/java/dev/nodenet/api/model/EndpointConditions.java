package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * discovery.k8s.io/v1 EndpointConditions; a null {@code ready} means ready (API semantics).
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EndpointConditions(
        Boolean ready,
        Boolean serving,
        Boolean terminating,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Normalises a null {@code extra} to an empty map. */
    public EndpointConditions {
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public EndpointConditions(Boolean ready, Boolean serving, Boolean terminating) {
        this(ready, serving, terminating, null);
    }
}
