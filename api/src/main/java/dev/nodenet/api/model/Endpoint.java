package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * discovery.k8s.io/v1 Endpoint: one backend of an EndpointSlice.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Endpoint(
        List<String> addresses,
        EndpointConditions conditions,
        String hostname,
        String nodeName,
        String zone,
        EndpointHints hints,
        ObjectReference targetRef,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Copies collections into unmodifiable ones; null stays null (absent and empty differ on the wire). */
    public Endpoint {
        addresses = Copies.list(addresses);
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public Endpoint(List<String> addresses, EndpointConditions conditions, String hostname, String nodeName,
            String zone, EndpointHints hints, ObjectReference targetRef) {
        this(addresses, conditions, hostname, nodeName, zone, hints, targetRef, null);
    }

    /** A copy with {@code addresses} replaced. */
    public Endpoint withAddresses(List<String> value) {
        return new Endpoint(value, conditions, hostname, nodeName, zone, hints, targetRef, extra);
    }

    /** A copy with {@code conditions} replaced. */
    public Endpoint withConditions(EndpointConditions value) {
        return new Endpoint(addresses, value, hostname, nodeName, zone, hints, targetRef, extra);
    }

    /** A copy with {@code hostname} replaced. */
    public Endpoint withHostname(String value) {
        return new Endpoint(addresses, conditions, value, nodeName, zone, hints, targetRef, extra);
    }

    /** A copy with {@code nodeName} replaced. */
    public Endpoint withNodeName(String value) {
        return new Endpoint(addresses, conditions, hostname, value, zone, hints, targetRef, extra);
    }

    /** A copy with {@code zone} replaced. */
    public Endpoint withZone(String value) {
        return new Endpoint(addresses, conditions, hostname, nodeName, value, hints, targetRef, extra);
    }

    /** A copy with {@code hints} replaced. */
    public Endpoint withHints(EndpointHints value) {
        return new Endpoint(addresses, conditions, hostname, nodeName, zone, value, targetRef, extra);
    }

    /** A copy with {@code targetRef} replaced. */
    public Endpoint withTargetRef(ObjectReference value) {
        return new Endpoint(addresses, conditions, hostname, nodeName, zone, hints, value, extra);
    }
}
