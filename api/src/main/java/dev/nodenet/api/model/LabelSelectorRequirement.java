package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * meta/v1 LabelSelectorRequirement: key, operator (In, NotIn, Exists, DoesNotExist) and values.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LabelSelectorRequirement(
        String key,
        String operator,
        List<String> values,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Copies collections into unmodifiable ones; null stays null (absent and empty differ on the wire). */
    public LabelSelectorRequirement {
        values = Copies.list(values);
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public LabelSelectorRequirement(String key, String operator, List<String> values) {
        this(key, operator, values, null);
    }
}
