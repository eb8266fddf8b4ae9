package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * meta/v1 LabelSelector as it appears inside objects (matchLabels + matchExpressions); {@link
 * dev.nodenet.api.selector.LabelSelector#from(LabelSelectorSpec)} turns it into a matcher.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LabelSelectorSpec(
        Map<String, String> matchLabels,
        List<LabelSelectorRequirement> matchExpressions,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Copies collections into unmodifiable ones; null stays null (absent and empty differ on the wire). */
    public LabelSelectorSpec {
        matchLabels = Copies.map(matchLabels);
        matchExpressions = Copies.list(matchExpressions);
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public LabelSelectorSpec(Map<String, String> matchLabels, List<LabelSelectorRequirement> matchExpressions) {
        this(matchLabels, matchExpressions, null);
    }
}
