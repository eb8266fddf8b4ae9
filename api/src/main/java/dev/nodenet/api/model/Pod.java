package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * core/v1 Pod (the subset the node daemon and the lab kubelet use).
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Pod(
        String apiVersion,
        String kind,
        ObjectMeta metadata,
        PodSpec spec,
        PodStatus status,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) implements KubeObject {

    /** The apiVersion of this kind. */
    public static final String API_VERSION = "v1";
    /** The kind name. */
    public static final String KIND = "Pod";

    /** Normalises a null {@code extra} to an empty map. */
    public Pod {
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public Pod(String apiVersion, String kind, ObjectMeta metadata, PodSpec spec, PodStatus status) {
        this(apiVersion, kind, metadata, spec, status, null);
    }

    /** An object of this kind with the given metadata and nothing else set. */
    public static Pod of(ObjectMeta metadata) {
        return new Pod(API_VERSION, KIND, metadata, null, null);
    }

    /** A copy with {@code metadata} replaced. */
    public Pod withMetadata(ObjectMeta value) {
        return new Pod(apiVersion, kind, value, spec, status, extra);
    }

    /** A copy with {@code spec} replaced. */
    public Pod withSpec(PodSpec value) {
        return new Pod(apiVersion, kind, metadata, value, status, extra);
    }

    /** A copy with {@code status} replaced. */
    public Pod withStatus(PodStatus value) {
        return new Pod(apiVersion, kind, metadata, spec, value, extra);
    }
}
