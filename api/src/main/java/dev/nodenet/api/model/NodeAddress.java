package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * core/v1 NodeAddress: type (InternalIP, ExternalIP, Hostname...) and address.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeAddress(
        String type,
        String address,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Normalises a null {@code extra} to an empty map. */
    public NodeAddress {
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public NodeAddress(String type, String address) {
        this(type, address, null);
    }
}
