package dev.nodenet.proxy;

/**
 * Makes a {@link Backend} for one mode; found with {@link java.util.ServiceLoader}, so proxy/ knows no mode module.
 * A mode module lists its provider in {@code META-INF/services/dev.nodenet.proxy.BackendProvider}.
 */
public interface BackendProvider {
    /** The --proxy-mode word this provider serves. */
    String mode();

    /** Creates the backend; called once at start-up on the main thread. */
    Backend create(BackendContext context) throws BackendException;
}
