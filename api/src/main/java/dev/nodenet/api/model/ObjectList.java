package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * Any {@code <Kind>List} (ServiceList, NodeList...): list metadata plus items. Decode with
 * {@link dev.nodenet.api.codec.Json#listType(Class)}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ObjectList<T>(
        String apiVersion,
        String kind,
        ListMeta metadata,
        List<T> items,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Copies {@code items} into an unmodifiable list; a missing {@code items} reads as empty. */
    public ObjectList {
        items = items == null ? List.of() : Copies.list(items);
        extra = Copies.extra(extra);
    }

    public ObjectList(String apiVersion, String kind, ListMeta metadata, List<T> items) {
        this(apiVersion, kind, metadata, items, null);
    }

    /** The list's resourceVersion, or null. */
    public String resourceVersion() {
        return metadata == null ? null : metadata.resourceVersion();
    }
}
