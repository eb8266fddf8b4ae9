package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * discovery.k8s.io/v1 EndpointHints (topology-aware routing).
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EndpointHints(
        List<ForZone> forZones,
        List<ForNode> forNodes,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Copies collections into unmodifiable ones; null stays null (absent and empty differ on the wire). */
    public EndpointHints {
        forZones = Copies.list(forZones);
        forNodes = Copies.list(forNodes);
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public EndpointHints(List<ForZone> forZones, List<ForNode> forNodes) {
        this(forZones, forNodes, null);
    }
}
