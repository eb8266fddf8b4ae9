package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * discovery.k8s.io/v1 EndpointConditions. Absent conditions have defaults in the API: see the {@code effective...}
 * methods.
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

    /** {@code ready}, absent meaning true. */
    public boolean effectiveReady() {
        return ready == null || ready;
    }

    /** {@code serving}, absent meaning true (what kube-proxy assumes). */
    public boolean effectiveServing() {
        return serving == null || serving;
    }

    /** {@code terminating}, absent meaning false. */
    public boolean effectiveTerminating() {
        return terminating != null && terminating;
    }
}
