package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * core/v1 NodeSpec.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeSpec(
        String podCIDR,
        List<String> podCIDRs,
        String providerID,
        Boolean unschedulable,
        List<Taint> taints,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Copies collections into unmodifiable ones; null stays null (absent and empty differ on the wire). */
    public NodeSpec {
        podCIDRs = Copies.list(podCIDRs);
        taints = Copies.list(taints);
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public NodeSpec(String podCIDR, List<String> podCIDRs, String providerID, Boolean unschedulable,
            List<Taint> taints) {
        this(podCIDR, podCIDRs, providerID, unschedulable, taints, null);
    }

    /** A copy with {@code podCIDR} replaced. */
    public NodeSpec withPodCIDR(String value) {
        return new NodeSpec(value, podCIDRs, providerID, unschedulable, taints, extra);
    }

    /** A copy with {@code podCIDRs} replaced. */
    public NodeSpec withPodCIDRs(List<String> value) {
        return new NodeSpec(podCIDR, value, providerID, unschedulable, taints, extra);
    }

    /** A copy with {@code providerID} replaced. */
    public NodeSpec withProviderID(String value) {
        return new NodeSpec(podCIDR, podCIDRs, value, unschedulable, taints, extra);
    }

    /** A copy with {@code unschedulable} replaced. */
    public NodeSpec withUnschedulable(Boolean value) {
        return new NodeSpec(podCIDR, podCIDRs, providerID, value, taints, extra);
    }

    /** A copy with {@code taints} replaced. */
    public NodeSpec withTaints(List<Taint> value) {
        return new NodeSpec(podCIDR, podCIDRs, providerID, unschedulable, value, extra);
    }
}
