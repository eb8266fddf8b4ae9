package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * core/v1 Endpoints (legacy; the proxy reads EndpointSlices).
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Endpoints(
        String apiVersion,
        String kind,
        ObjectMeta metadata,
        List<EndpointSubset> subsets,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) implements KubeObject {

    /** The apiVersion of this kind. */
    public static final String API_VERSION = "v1";
    /** The kind name. */
    public static final String KIND = "Endpoints";

    /** Copies collections into unmodifiable ones; null stays null (absent and empty differ on the wire). */
    public Endpoints {
        subsets = Copies.list(subsets);
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public Endpoints(String apiVersion, String kind, ObjectMeta metadata, List<EndpointSubset> subsets) {
        this(apiVersion, kind, metadata, subsets, null);
    }

    /** An object of this kind with the given metadata and nothing else set. */
    public static Endpoints of(ObjectMeta metadata) {
        return new Endpoints(API_VERSION, KIND, metadata, null);
    }

    /** A copy with {@code metadata} replaced. */
    public Endpoints withMetadata(ObjectMeta value) {
        return new Endpoints(apiVersion, kind, value, subsets, extra);
    }

    /** A copy with {@code subsets} replaced. */
    public Endpoints withSubsets(List<EndpointSubset> value) {
        return new Endpoints(apiVersion, kind, metadata, value, extra);
    }
}
