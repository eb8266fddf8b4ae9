package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * core/v1 ServicePort; {@code targetPort} is a number or a container port name.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServicePort(
        String name,
        String protocol,
        Integer port,
        IntOrString targetPort,
        Integer nodePort,
        String appProtocol,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Normalises a null {@code extra} to an empty map. */
    public ServicePort {
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public ServicePort(String name, String protocol, Integer port, IntOrString targetPort, Integer nodePort,
            String appProtocol) {
        this(name, protocol, port, targetPort, nodePort, appProtocol, null);
    }

    /** A copy with {@code name} replaced. */
    public ServicePort withName(String value) {
        return new ServicePort(value, protocol, port, targetPort, nodePort, appProtocol, extra);
    }

    /** A copy with {@code protocol} replaced. */
    public ServicePort withProtocol(String value) {
        return new ServicePort(name, value, port, targetPort, nodePort, appProtocol, extra);
    }

    /** A copy with {@code port} replaced. */
    public ServicePort withPort(Integer value) {
        return new ServicePort(name, protocol, value, targetPort, nodePort, appProtocol, extra);
    }

    /** A copy with {@code targetPort} replaced. */
    public ServicePort withTargetPort(IntOrString value) {
        return new ServicePort(name, protocol, port, value, nodePort, appProtocol, extra);
    }

    /** A copy with {@code nodePort} replaced. */
    public ServicePort withNodePort(Integer value) {
        return new ServicePort(name, protocol, port, targetPort, value, appProtocol, extra);
    }

    /** A copy with {@code appProtocol} replaced. */
    public ServicePort withAppProtocol(String value) {
        return new ServicePort(name, protocol, port, targetPort, nodePort, value, extra);
    }

    /** A TCP port forwarding to the same target port number. */
    public static ServicePort tcp(String name, int port) {
        return new ServicePort(name, "TCP", port, IntOrString.of(port), null, null);
    }
}
