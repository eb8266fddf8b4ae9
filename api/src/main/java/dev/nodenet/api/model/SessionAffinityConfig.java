package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * core/v1 SessionAffinityConfig.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionAffinityConfig(
        ClientIPConfig clientIP,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Normalises a null {@code extra} to an empty map. */
    public SessionAffinityConfig {
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public SessionAffinityConfig(ClientIPConfig clientIP) {
        this(clientIP, null);
    }
}
