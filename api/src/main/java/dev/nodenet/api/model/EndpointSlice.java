package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * discovery.k8s.io/v1 EndpointSlice.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EndpointSlice(
        String apiVersion,
        String kind,
        ObjectMeta metadata,
        String addressType,
        List<Endpoint> endpoints,
        List<EndpointPort> ports,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) implements KubeObject {

    /** The apiVersion of this kind. */
    public static final String API_VERSION = "discovery.k8s.io/v1";
    /** The kind name. */
    public static final String KIND = "EndpointSlice";

    /** Copies collections into unmodifiable ones; null stays null (absent and empty differ on the wire). */
    public EndpointSlice {
        endpoints = Copies.list(endpoints);
        ports = Copies.list(ports);
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public EndpointSlice(String apiVersion, String kind, ObjectMeta metadata, String addressType,
            List<Endpoint> endpoints, List<EndpointPort> ports) {
        this(apiVersion, kind, metadata, addressType, endpoints, ports, null);
    }

    /** An object of this kind with the given metadata and nothing else set. */
    public static EndpointSlice of(ObjectMeta metadata) {
        return new EndpointSlice(API_VERSION, KIND, metadata, null, null, null);
    }

    /** A copy with {@code metadata} replaced. */
    public EndpointSlice withMetadata(ObjectMeta value) {
        return new EndpointSlice(apiVersion, kind, value, addressType, endpoints, ports, extra);
    }

    /** A copy with {@code addressType} replaced. */
    public EndpointSlice withAddressType(String value) {
        return new EndpointSlice(apiVersion, kind, metadata, value, endpoints, ports, extra);
    }

    /** A copy with {@code endpoints} replaced. */
    public EndpointSlice withEndpoints(List<Endpoint> value) {
        return new EndpointSlice(apiVersion, kind, metadata, addressType, value, ports, extra);
    }

    /** A copy with {@code ports} replaced. */
    public EndpointSlice withPorts(List<EndpointPort> value) {
        return new EndpointSlice(apiVersion, kind, metadata, addressType, endpoints, value, extra);
    }

    /** Label naming the Service an EndpointSlice belongs to. */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    /** The owning Service's name (from {@link #SERVICE_NAME_LABEL}), or null. */
    public String serviceName() {
        return metadata == null ? null : metadata.label(SERVICE_NAME_LABEL);
    }
}
