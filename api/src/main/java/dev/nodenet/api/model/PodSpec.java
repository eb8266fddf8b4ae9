package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * core/v1 PodSpec.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PodSpec(
        String nodeName,
        List<Container> containers,
        Boolean hostNetwork,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Copies collections into unmodifiable ones; null stays null (absent and empty differ on the wire). */
    public PodSpec {
        containers = Copies.list(containers);
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public PodSpec(String nodeName, List<Container> containers, Boolean hostNetwork) {
        this(nodeName, containers, hostNetwork, null);
    }

    /** A copy with {@code nodeName} replaced. */
    public PodSpec withNodeName(String value) {
        return new PodSpec(value, containers, hostNetwork, extra);
    }

    /** A copy with {@code containers} replaced. */
    public PodSpec withContainers(List<Container> value) {
        return new PodSpec(nodeName, value, hostNetwork, extra);
    }

    /** A copy with {@code hostNetwork} replaced. */
    public PodSpec withHostNetwork(Boolean value) {
        return new PodSpec(nodeName, containers, value, extra);
    }
}
