package dev.nodenet.api.client;

import com.fasterxml.jackson.databind.MappingIterator;
import dev.nodenet.api.codec.Json;
import dev.nodenet.api.model.WatchEvent;
import java.io.IOException;
import java.io.InputStream;

/**
 * An open watch stream: newline-delimited JSON {@link WatchEvent}s parsed incrementally (Jackson streaming) as they
 * arrive. ERROR events are returned like any other; the caller decides (see {@link Informer}).
 * <p>Threading: {@link #next()} is for one reader thread; {@link #close()} may be called from any thread and makes a
 * blocked {@code next()} fail or end.
 */
public final class Watch implements AutoCloseable {
    private final InputStream body;
    private final MappingIterator<WatchEvent> events;
    private volatile boolean closed;

    Watch(InputStream body) throws IOException {
        this.body = body;
        this.events = Json.mapper().readerFor(WatchEvent.class).readValues(Json.mapper().getFactory().createParser(body));
    }

    /**
     * Blocks for the next event; null when the server ended the stream cleanly (timeoutSeconds reached) or the watch
     * was closed.
     * @throws IOException when the connection broke or the stream is not valid JSON
     */
    public WatchEvent next() throws IOException {
        try {
            if (closed || !events.hasNextValue()) return null;
            return events.nextValue();
        } catch (IOException e) {
            if (closed) return null;
            throw e;
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            body.close();
        } catch (IOException e) {
            // closing a response stream only cancels it; nothing to report
        }
    }
}
