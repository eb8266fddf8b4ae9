package dev.nodenet.controlplane.storage;

import java.util.List;
import java.util.Optional;

/**
 * The API server's storage: a key/value store with a single, totally ordered revision counter, shaped like etcd v3
 * (and like k3s's kine over SQL). Every successful write gets the next revision; an object's Kubernetes
 * {@code metadata.resourceVersion} is the revision of its last write ({@link Entry#modRevision()}).
 *
 * <p>Keys look like {@code /registry/services/default/web}. Values are opaque bytes (the server stores JSON without
 * {@code resourceVersion}; it is filled in from the revision on every read).
 *
 * <p>Implementations: {@code SqliteStore} (embedded default, one file, durable across {@code kill -9}) and later an
 * etcd store. All methods are thread-safe and may be called from any thread; they block on I/O. Writes are
 * durable when they return.
 */
public interface Store extends AutoCloseable {

    /** Revision of the newest write, 0 for an empty store. */
    long currentRevision();

    /** Revisions at or below this value have been compacted away: watches and reads from them fail with {@link StoreException.Compacted}. */
    long compactedRevision();

    /** The live value of {@code key}, if any. */
    Optional<Entry> get(String key);

    /**
     * Every live key starting with {@code prefix}, sorted by key, together with the revision the snapshot was
     * taken at (a watch from {@link ListResult#revision()} sees exactly the writes that followed).
     */
    ListResult list(String prefix);

    /** Creates {@code key}; fails with {@link StoreException.AlreadyExists} when it is live. */
    Entry create(String key, byte[] value);

    /**
     * Replaces the value of a live key. With {@code expectedModRevision > 0} the write happens only if the key's
     * current mod revision equals it ({@link StoreException.Conflict} otherwise); 0 means unconditional.
     * Fails with {@link StoreException.NotFound} when the key is not live.
     */
    Entry update(String key, byte[] value, long expectedModRevision);

    /**
     * Deletes a live key (same precondition rule as {@link #update}). Returns the deleted entry: its value is the
     * last value and its {@code modRevision} is the revision of the deletion.
     */
    Entry delete(String key, long expectedModRevision);

    /**
     * Streams every write to keys starting with {@code prefix} whose revision is greater than {@code afterRevision},
     * in revision order, without gaps or duplicates: first what is already in the log, then live writes.
     * Fails with {@link StoreException.Compacted} when {@code afterRevision} is below {@link #compactedRevision()}.
     *
     * <p>The listener is called on a store-owned thread, one event at a time per watch; it must not block (hand
     * events to a queue). Closing the returned {@link Watch} stops delivery.
     */
    Watch watch(String prefix, long afterRevision, WatchListener listener);

    /** Forgets history at or below {@code revision}: superseded and deleted rows up to it are removed. */
    void compact(long revision);

    @Override
    void close();

    /** A live key with its value and the revisions of its creation and of its last write. */
    record Entry(String key, byte[] value, long createRevision, long modRevision) {}

    /** A consistent snapshot of a key range. */
    record ListResult(List<Entry> entries, long revision) {}

    /**
     * One write seen by a watch. For {@link Type#DELETED}, {@code value} is the last value before the delete.
     * {@code prevValue} is the value the write replaced (null for CREATED); watchers with label selectors need it to
     * tell an object that stopped matching from one that never did.
     */
    record Event(Type type, String key, byte[] value, byte[] prevValue, long createRevision, long revision) {
        public enum Type { CREATED, UPDATED, DELETED }
    }

    /** Receives a watch's events. */
    interface WatchListener {
        void onEvent(Event event);

        /** The watch ended for a reason other than {@link Watch#close()} (the store closed, the watcher fell behind). */
        default void onClose(Throwable cause) {}
    }

    /** A running watch. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }
}
