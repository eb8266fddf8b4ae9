package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * core/v1 Taint.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Taint(
        String key,
        String value,
        String effect,
        String timeAdded,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Normalises a null {@code extra} to an empty map. */
    public Taint {
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public Taint(String key, String value, String effect, String timeAdded) {
        this(key, value, effect, timeAdded, null);
    }
}
