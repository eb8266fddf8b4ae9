package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * core/v1 Node.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Node(
        String apiVersion,
        String kind,
        ObjectMeta metadata,
        NodeSpec spec,
        NodeStatus status,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) implements KubeObject {

    /** The apiVersion of this kind. */
    public static final String API_VERSION = "v1";
    /** The kind name. */
    public static final String KIND = "Node";

    /** Normalises a null {@code extra} to an empty map. */
    public Node {
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public Node(String apiVersion, String kind, ObjectMeta metadata, NodeSpec spec, NodeStatus status) {
        this(apiVersion, kind, metadata, spec, status, null);
    }

    /** An object of this kind with the given metadata and nothing else set. */
    public static Node of(ObjectMeta metadata) {
        return new Node(API_VERSION, KIND, metadata, null, null);
    }

    /** A copy with {@code metadata} replaced. */
    public Node withMetadata(ObjectMeta value) {
        return new Node(apiVersion, kind, value, spec, status, extra);
    }

    /** A copy with {@code spec} replaced. */
    public Node withSpec(NodeSpec value) {
        return new Node(apiVersion, kind, metadata, value, status, extra);
    }

    /** A copy with {@code status} replaced. */
    public Node withStatus(NodeStatus value) {
        return new Node(apiVersion, kind, metadata, spec, value, extra);
    }

    /** Label holding a node's zone, used by topology-aware routing. */
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";

    /** The node's zone label, or null. */
    public String zone() {
        return metadata == null ? null : metadata.label(ZONE_LABEL);
    }

    /** The first status address of a type (InternalIP, ExternalIP, Hostname...), or null. */
    public String address(String type) {
        if (status == null || status.addresses() == null) return null;
        for (NodeAddress a : status.addresses()) if (type.equals(a.type())) return a.address();
        return null;
    }
}
