package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * A status condition (Pod, Node and most other kinds share this shape).
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Condition(
        String type,
        String status,
        String reason,
        String message,
        String lastTransitionTime,
        String lastHeartbeatTime,
        String lastProbeTime,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Normalises a null {@code extra} to an empty map. */
    public Condition {
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public Condition(String type, String status, String reason, String message, String lastTransitionTime,
            String lastHeartbeatTime, String lastProbeTime) {
        this(type, status, reason, message, lastTransitionTime, lastHeartbeatTime, lastProbeTime, null);
    }
}
