package dev.nodenet.controlplane.schema;

import java.util.Objects;

/**
 * One field-level problem found in a request body.
 *
 * @param kind    what is wrong
 * @param path    the field path as kube-apiserver prints it: {@code spec.ports[0].nme}
 * @param message the message for this one problem, worded like kube-apiserver: {@code unknown field "spec.prots"},
 *                {@code duplicate field "metadata.name"}, or {@code json: cannot unmarshal string into Go struct field
 *                ServicePort.spec.ports.port of type int32}
 */
public record FieldError(Kind kind, String path, String message) {

    /** The kinds of field problems. */
    public enum Kind {
        /** A field the schema does not declare (a strict decoding error upstream). */
        UNKNOWN,
        /** A field given twice in the same object (a strict decoding error upstream). */
        DUPLICATE,
        /** A value of the wrong JSON type (a plain decoding error upstream: the request fails whatever the directive). */
        TYPE_MISMATCH
    }

    public FieldError {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** Whether this is a strict decoding error (unknown or duplicate field), as opposed to a type mismatch. */
    public boolean isStrict() {
        return kind != Kind.TYPE_MISMATCH;
    }
}
