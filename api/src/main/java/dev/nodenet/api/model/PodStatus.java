package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * core/v1 PodStatus.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PodStatus(
        String phase,
        String podIP,
        List<PodIP> podIPs,
        String hostIP,
        List<Condition> conditions,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Copies collections into unmodifiable ones; null stays null (absent and empty differ on the wire). */
    public PodStatus {
        podIPs = Copies.list(podIPs);
        conditions = Copies.list(conditions);
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public PodStatus(String phase, String podIP, List<PodIP> podIPs, String hostIP, List<Condition> conditions) {
        this(phase, podIP, podIPs, hostIP, conditions, null);
    }

    /** A copy with {@code phase} replaced. */
    public PodStatus withPhase(String value) {
        return new PodStatus(value, podIP, podIPs, hostIP, conditions, extra);
    }

    /** A copy with {@code podIP} replaced. */
    public PodStatus withPodIP(String value) {
        return new PodStatus(phase, value, podIPs, hostIP, conditions, extra);
    }

    /** A copy with {@code podIPs} replaced. */
    public PodStatus withPodIPs(List<PodIP> value) {
        return new PodStatus(phase, podIP, value, hostIP, conditions, extra);
    }

    /** A copy with {@code hostIP} replaced. */
    public PodStatus withHostIP(String value) {
        return new PodStatus(phase, podIP, podIPs, value, conditions, extra);
    }

    /** A copy with {@code conditions} replaced. */
    public PodStatus withConditions(List<Condition> value) {
        return new PodStatus(phase, podIP, podIPs, hostIP, value, extra);
    }
}
