package dev.nodenet.controlplane.patch;

/**
 * A patch could not be applied. {@link #badRequest()} tells the API server which Status to answer:
 * {@code true} → 400 BadRequest (the body is not well-formed JSON, or a patch directive is malformed in the way
 * Kubernetes reports as a bad request), {@code false} → 422 Invalid (well-formed patch that cannot be applied: a
 * JSON Patch {@code test} failed or a path does not exist, a strategic-merge directive is misused, ...).
 */
public final class PatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean badRequest;

    private PatchException(boolean badRequest, String message, Throwable cause) {
        super(message, cause);
        this.badRequest = badRequest;
    }

    /** A 400 BadRequest failure. */
    public static PatchException badRequest(String message) { return new PatchException(true, message, null); }

    /** A 400 BadRequest failure with its cause (e.g. the JSON parser's exception). */
    public static PatchException badRequest(String message, Throwable cause) {
        return new PatchException(true, message, cause);
    }

    /** A 422 Invalid failure. */
    public static PatchException invalid(String message) { return new PatchException(false, message, null); }

    /** {@code true} for 400 BadRequest, {@code false} for 422 Invalid. */
    public boolean badRequest() { return badRequest; }

    /** The HTTP status code the API server answers with: 400 or 422. */
    public int httpStatus() { return badRequest ? 400 : 422; }
}
