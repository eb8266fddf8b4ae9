package dev.nodenet.controlplane.storage;

/** Failures a {@link Store} reports; the API server maps each to a Kubernetes Status. */
public abstract sealed class StoreException extends RuntimeException {
    private final String key;

    StoreException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    public String key() { return key; }

    /** The key is already live (create). → 409 AlreadyExists */
    public static final class AlreadyExists extends StoreException {
        public AlreadyExists(String key) { super(key, "key exists: " + key, null); }
    }

    /** The key is not live (update, delete). → 404 NotFound */
    public static final class NotFound extends StoreException {
        public NotFound(String key) { super(key, "key not found: " + key, null); }
    }

    /** The key's mod revision differs from the expected one. → 409 Conflict */
    public static final class Conflict extends StoreException {
        private final long actualModRevision;

        public Conflict(String key, long expected, long actual) {
            super(key, "revision mismatch on " + key + ": expected " + expected + ", found " + actual, null);
            this.actualModRevision = actual;
        }

        public long actualModRevision() { return actualModRevision; }
    }

    /** The requested revision has been compacted. → 410 Expired/Gone */
    public static final class Compacted extends StoreException {
        private final long compactedRevision;

        public Compacted(long requested, long compactedRevision) {
            super(null, "revision " + requested + " has been compacted (oldest available is " + (compactedRevision + 1) + ")", null);
            this.compactedRevision = compactedRevision;
        }

        public long compactedRevision() { return compactedRevision; }
    }

    /** The store cannot serve (I/O error, closed). → 500/503 */
    public static final class Unavailable extends StoreException {
        public Unavailable(String message, Throwable cause) { super(null, message, cause); }
    }
}
