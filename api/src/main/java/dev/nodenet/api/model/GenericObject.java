package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * Any kind of object: apiVersion, kind and metadata typed, everything else kept in {@code extra}. Lets an informer or
 * client work with resources this model has no record for.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GenericObject(
        String apiVersion,
        String kind,
        ObjectMeta metadata,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) implements KubeObject {

    /** Normalises a null {@code extra} to an empty map. */
    public GenericObject {
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public GenericObject(String apiVersion, String kind, ObjectMeta metadata) {
        this(apiVersion, kind, metadata, null);
    }
}
