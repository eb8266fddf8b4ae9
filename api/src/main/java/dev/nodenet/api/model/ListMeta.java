package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * meta/v1 ListMeta: the resourceVersion a list was read at, and the continue token of a paged list.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ListMeta(
        String resourceVersion,
        @JsonProperty("continue") String continueToken,
        Long remainingItemCount,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Normalises a null {@code extra} to an empty map. */
    public ListMeta {
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public ListMeta(String resourceVersion, String continueToken, Long remainingItemCount) {
        this(resourceVersion, continueToken, remainingItemCount, null);
    }
}
