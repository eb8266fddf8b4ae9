package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * core/v1 EndpointAddress.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EndpointAddress(
        String ip,
        String hostname,
        String nodeName,
        ObjectReference targetRef,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Normalises a null {@code extra} to an empty map. */
    public EndpointAddress {
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public EndpointAddress(String ip, String hostname, String nodeName, ObjectReference targetRef) {
        this(ip, hostname, nodeName, targetRef, null);
    }
}
