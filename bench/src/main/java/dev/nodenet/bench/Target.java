package dev.nodenet.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A system under the fan-out benchmark: something that accepts writes of JSON documents and streams each one to many
 * watchers. One instance serves one measurement row; {@link #close} stops the watchers and the system and removes
 * its files. Driven from the benchmark's main thread; {@link #write} may complete on any thread.
 */
interface Target extends AutoCloseable {

    /** Receives every event a watcher got. Called on the target's I/O threads, serially per watcher. */
    interface EventSink {
        /** @param text the event as JSON text (containing the written document), {@code receivedNanos} by nanoTime */
        void onEvent(int watcher, String text, long receivedNanos);
    }

    /** The row label, e.g. "nodenet apiserver". */
    String label();

    /** Opens {@code count} watchers on the written objects; returns once every one of them is registered. */
    void openWatchers(int count, EventSink sink, Duration timeout) throws Exception;

    /** Starts writing (creating) object {@code name}; completes when the system acknowledged it. */
    CompletableFuture<Void> write(String name, byte[] json);

    @Override
    void close();
}
