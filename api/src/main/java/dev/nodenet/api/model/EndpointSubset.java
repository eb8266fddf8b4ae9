package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * core/v1 EndpointSubset.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EndpointSubset(
        List<EndpointAddress> addresses,
        List<EndpointAddress> notReadyAddresses,
        List<EndpointPort> ports,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Copies collections into unmodifiable ones; null stays null (absent and empty differ on the wire). */
    public EndpointSubset {
        addresses = Copies.list(addresses);
        notReadyAddresses = Copies.list(notReadyAddresses);
        ports = Copies.list(ports);
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public EndpointSubset(List<EndpointAddress> addresses, List<EndpointAddress> notReadyAddresses,
            List<EndpointPort> ports) {
        this(addresses, notReadyAddresses, ports, null);
    }
}
