package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * core/v1 Service.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Service(
        String apiVersion,
        String kind,
        ObjectMeta metadata,
        ServiceSpec spec,
        ServiceStatus status,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) implements KubeObject {

    /** The apiVersion of this kind. */
    public static final String API_VERSION = "v1";
    /** The kind name. */
    public static final String KIND = "Service";

    /** Normalises a null {@code extra} to an empty map. */
    public Service {
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public Service(String apiVersion, String kind, ObjectMeta metadata, ServiceSpec spec, ServiceStatus status) {
        this(apiVersion, kind, metadata, spec, status, null);
    }

    /** An object of this kind with the given metadata and nothing else set. */
    public static Service of(ObjectMeta metadata) {
        return new Service(API_VERSION, KIND, metadata, null, null);
    }

    /** A copy with {@code metadata} replaced. */
    public Service withMetadata(ObjectMeta value) {
        return new Service(apiVersion, kind, value, spec, status, extra);
    }

    /** A copy with {@code spec} replaced. */
    public Service withSpec(ServiceSpec value) {
        return new Service(apiVersion, kind, metadata, value, status, extra);
    }

    /** A copy with {@code status} replaced. */
    public Service withStatus(ServiceStatus value) {
        return new Service(apiVersion, kind, metadata, spec, value, extra);
    }
}
