package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * core/v1 Namespace.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Namespace(
        String apiVersion,
        String kind,
        ObjectMeta metadata,
        NamespaceSpec spec,
        NamespaceStatus status,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) implements KubeObject {

    /** The apiVersion of this kind. */
    public static final String API_VERSION = "v1";
    /** The kind name. */
    public static final String KIND = "Namespace";

    /** Normalises a null {@code extra} to an empty map. */
    public Namespace {
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public Namespace(String apiVersion, String kind, ObjectMeta metadata, NamespaceSpec spec, NamespaceStatus status) {
        this(apiVersion, kind, metadata, spec, status, null);
    }

    /** An object of this kind with the given metadata and nothing else set. */
    public static Namespace of(ObjectMeta metadata) {
        return new Namespace(API_VERSION, KIND, metadata, null, null);
    }

    /** A copy with {@code metadata} replaced. */
    public Namespace withMetadata(ObjectMeta value) {
        return new Namespace(apiVersion, kind, value, spec, status, extra);
    }

    /** A copy with {@code spec} replaced. */
    public Namespace withSpec(NamespaceSpec value) {
        return new Namespace(apiVersion, kind, metadata, value, status, extra);
    }

    /** A copy with {@code status} replaced. */
    public Namespace withStatus(NamespaceStatus value) {
        return new Namespace(apiVersion, kind, metadata, spec, value, extra);
    }
}
