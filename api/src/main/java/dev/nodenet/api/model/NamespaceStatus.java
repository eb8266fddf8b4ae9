package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * core/v1 NamespaceStatus.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NamespaceStatus(
        String phase,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Normalises a null {@code extra} to an empty map. */
    public NamespaceStatus {
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public NamespaceStatus(String phase) {
        this(phase, null);
    }
}
