package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nodenet.api.codec.Json;
import java.util.Map;

/**
 * meta/v1 WatchEvent: one line of a watch stream. {@code object} stays raw JSON because its kind depends on
 * {@code type}: the watched kind for ADDED/MODIFIED/DELETED/BOOKMARK, a {@link Status} for ERROR.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WatchEvent(String type, JsonNode object, @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {
    public static final String ADDED = "ADDED";
    public static final String MODIFIED = "MODIFIED";
    public static final String DELETED = "DELETED";
    public static final String BOOKMARK = "BOOKMARK";
    public static final String ERROR = "ERROR";

    /** Normalises a null {@code extra} to an empty map. */
    public WatchEvent {
        extra = Copies.extra(extra);
    }

    public WatchEvent(String type, JsonNode object) {
        this(type, object, null);
    }

    /** An event carrying {@code object} encoded as JSON. */
    public static WatchEvent of(String type, Object object) {
        return new WatchEvent(type, Json.mapper().valueToTree(object));
    }

    /** Decodes {@code object} as {@code type}. */
    public <T> T objectAs(Class<T> type) {
        return Json.convert(object, type);
    }
}
