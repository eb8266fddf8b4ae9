package dev.nodenet.controlplane.protobuf;

/** A protobuf request body that is malformed, truncated, or of a kind/field we do not decode. */
public final class ProtobufException extends Exception {
    public ProtobufException(String message) {
        super(message);
    }
}
