package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * A port of an Endpoints subset (core/v1) or of an EndpointSlice (discovery/v1); both share this shape.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EndpointPort(
        String name,
        String protocol,
        Integer port,
        String appProtocol,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Normalises a null {@code extra} to an empty map. */
    public EndpointPort {
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public EndpointPort(String name, String protocol, Integer port, String appProtocol) {
        this(name, protocol, port, appProtocol, null);
    }
}
