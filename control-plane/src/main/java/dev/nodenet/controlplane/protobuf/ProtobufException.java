package dev.nodenet.controlplane.protobuf;

/**
 * A protobuf request body we cannot decode: malformed or truncated ({@link #unsupported()} false,
 * answer 400), or well-formed but of a kind or field we do not decode ({@link #unsupported()} true,
 * answer 415 so the client resends as JSON).
 */
public final class ProtobufException extends Exception {
    private final boolean unsupported;

    public ProtobufException(String message) {
        this(message, false);
    }

    public ProtobufException(String message, boolean unsupported) {
        super(message);
        this.unsupported = unsupported;
    }

    /** True if the body is valid but uses a kind or field we do not decode. */
    public boolean unsupported() {
        return unsupported;
    }
}
