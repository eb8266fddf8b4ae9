package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * meta/v1 StatusDetails: which object an error was about and why.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StatusDetails(
        String name,
        String group,
        String kind,
        String uid,
        List<StatusCause> causes,
        Integer retryAfterSeconds,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Copies collections into unmodifiable ones; null stays null (absent and empty differ on the wire). */
    public StatusDetails {
        causes = Copies.list(causes);
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public StatusDetails(String name, String group, String kind, String uid, List<StatusCause> causes,
            Integer retryAfterSeconds) {
        this(name, group, kind, uid, causes, retryAfterSeconds, null);
    }
}
