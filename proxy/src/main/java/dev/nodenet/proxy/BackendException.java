package dev.nodenet.proxy;

/** A proxy mode failed to program the data plane; the message says what and why. */
public class BackendException extends Exception {
    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
