package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * meta/v1 StatusCause: one reason a request failed, often naming the offending field.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StatusCause(
        String reason,
        String message,
        String field,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Normalises a null {@code extra} to an empty map. */
    public StatusCause {
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public StatusCause(String reason, String message, String field) {
        this(reason, message, field, null);
    }
}
