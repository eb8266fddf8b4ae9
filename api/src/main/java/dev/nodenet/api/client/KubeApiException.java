package dev.nodenet.api.client;

import dev.nodenet.api.model.Status;

/**
 * The API server refused a request: carries the decoded {@link Status} (code, reason, message). When the server's body
 * was not a Status, one is synthesised from the HTTP code and body.
 */
public final class KubeApiException extends RuntimeException {
    private final transient Status status;

    public KubeApiException(String request, Status status) {
        super(request + ": " + status.code() + (status.reason() == null ? "" : " " + status.reason())
                + (status.message() == null ? "" : ": " + status.message()));
        this.status = status;
    }

    public Status status() {
        return status;
    }

    public int code() {
        return status.code() == null ? 0 : status.code();
    }

    /** The machine-readable reason (NotFound, AlreadyExists, Conflict, Expired, Gone...), may be null. */
    public String reason() {
        return status.reason();
    }

    /** 410: the requested resourceVersion is too old; the caller must relist. */
    public boolean isGone() {
        return code() == 410;
    }
}
