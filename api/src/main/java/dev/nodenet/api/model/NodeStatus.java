package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * core/v1 NodeStatus.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeStatus(
        List<NodeAddress> addresses,
        List<Condition> conditions,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Copies collections into unmodifiable ones; null stays null (absent and empty differ on the wire). */
    public NodeStatus {
        addresses = Copies.list(addresses);
        conditions = Copies.list(conditions);
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public NodeStatus(List<NodeAddress> addresses, List<Condition> conditions) {
        this(addresses, conditions, null);
    }

    /** A copy with {@code addresses} replaced. */
    public NodeStatus withAddresses(List<NodeAddress> value) {
        return new NodeStatus(value, conditions, extra);
    }

    /** A copy with {@code conditions} replaced. */
    public NodeStatus withConditions(List<Condition> value) {
        return new NodeStatus(addresses, value, extra);
    }
}
