package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * meta/v1 Status: the body of every API error (and of some successful deletes).
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Status(
        String apiVersion,
        String kind,
        ListMeta metadata,
        String status,
        String message,
        String reason,
        StatusDetails details,
        Integer code,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Normalises a null {@code extra} to an empty map. */
    public Status {
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public Status(String apiVersion, String kind, ListMeta metadata, String status, String message, String reason,
            StatusDetails details, Integer code) {
        this(apiVersion, kind, metadata, status, message, reason, details, code, null);
    }

    /** A Failure status as a server would send it; used for 410 Expired watch errors and in tests. */
    public static Status failure(int code, String reason, String message) {
        return new Status("v1", "Status", null, "Failure", message, reason, null, code);
    }
}
