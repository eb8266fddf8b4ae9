package dev.nodenet.controlplane.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.storage.Store;
import dev.nodenet.controlplane.storage.StoreException;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One watch request: newline-delimited JSON WatchEvents streamed over a chunked response, as kube-apiserver does.
 *
 * <pre>
 *  store thread ──onEvent──► bounded queue ──► request thread: filter, encode, write, flush
 * </pre>
 * The store's listener only enqueues. When a watcher falls so far behind that its queue fills, the watch ends (the
 * client re-watches from the last resourceVersion it saw, exactly as after a kube-apiserver "watch channel full").
 * Objects whose labels stop (start) matching the selector are sent as DELETED (ADDED), like kube-apiserver's cacher.
 * Without events the session writes a bookmark (when allowed) or a bare newline every {@code heartbeat}, which is how
 * it notices a client that went away.
 */
final class WatchSession {
    private static final System.Logger LOG = System.getLogger("nodenet.apiserver");
    /** Events buffered per watcher before it is considered too slow. */
    static final int QUEUE_CAPACITY = 10_000;

    private final ApiServer.Context ctx;
    private final Request req;
    private final ResourceType type;
    private final String namespace;
    private final Filters filter;
    private final ObjectMapper mapper;
    private final BlockingQueue<Store.Event> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private volatile boolean overflowed;
    private volatile boolean storeClosed;
    private volatile Throwable closeCause;
    private boolean headersWritten;

    WatchSession(ApiServer.Context ctx, Request req, ResourceType type, String namespace, Filters filter) {
        this.ctx = ctx;
        this.req = req;
        this.type = type;
        this.namespace = namespace;
        this.filter = filter;
        this.mapper = ctx.mapper();
    }

    void run() throws IOException {
        Duration timeout = timeout();
        boolean bookmarks = req.flag("allowWatchBookmarks");
        boolean table = req.wantsTable() && Tables.supports(type.kind());
        String rv = req.param("resourceVersion");
        boolean sendInitialEvents = "true".equals(req.param("sendInitialEvents"));
        List<ObjectNode> initial = List.of();
        long start;
        if (rv == null || rv.isEmpty() || rv.equals("0") || sendInitialEvents) {
            Registry.Snapshot snap = ctx.registry().list(type, namespace, filter::matches);
            initial = snap.items();
            start = snap.revision();
        } else {
            start = Registry.parseResourceVersion(rv);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Store.Watch watch;
        try {
            watch = ctx.registry().store().watch(type.keyPrefix(namespace), start, new Store.WatchListener() {
                @Override
                public void onEvent(Store.Event event) {
                    if (!queue.offer(event)) overflowed = true;
                }

                @Override
                public void onClose(Throwable cause) {
                    storeClosed = true;
                    closeCause = cause;
                }
            });
        } catch (StoreException.Compacted e) {
            startStream();
            ObjectNode status = ApiException.expired("too old resource version: " + start + " (" + (e.compactedRevision() + 1) + ")").toStatus();
            write(event("ERROR", status));
            return;
        }
        try {
            startStream();
            boolean first = true;
            for (ObjectNode obj : initial) {
                write(event("ADDED", table ? Tables.table(type, List.of(obj), null, first, req.param("includeObject"), ctx.clock().instant()) : obj));
                first = false;
            }
            long lastRevision = start;
            if (sendInitialEvents && bookmarks) {
                write(bookmark(lastRevision, true));
            }
            long heartbeatNanos = ctx.watchHeartbeat().toNanos();
            while (!overflowed && !storeClosed) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) break;
                Store.Event ev = queue.poll(Math.min(remaining, heartbeatNanos), TimeUnit.NANOSECONDS);
                if (ev == null) {
                    if (System.nanoTime() >= deadline) break;
                    if (bookmarks) write(bookmark(lastRevision, false));
                    else heartbeat();
                    continue;
                }
                lastRevision = ev.revision();
                byte[] out;
                try {
                    out = toWatchEvent(ev, table, first);
                } catch (ApiException e) {
                    // headers are sent: report the failure in-band, as kube-apiserver does, and end the watch
                    LOG.log(System.Logger.Level.WARNING, "watch on " + type.keyPrefix(namespace) + " failed at revision " + ev.revision() + ": " + e.getMessage());
                    write(event("ERROR", e.toStatus()));
                    return;
                }
                if (out != null) {
                    writeBytes(out);
                    first = false;
                }
            }
            if (bookmarks && !overflowed && !storeClosed) write(bookmark(lastRevision, false));
            if (closeCause instanceof StoreException.Compacted c) {
                // history this watch still had to replay was compacted meanwhile: the client must relist
                write(event("ERROR", ApiException.expired("too old resource version: " + start + " (" + (c.compactedRevision() + 1) + ")").toStatus()));
            } else if (closeCause != null) {
                LOG.log(System.Logger.Level.WARNING, "watch on " + type.keyPrefix(namespace) + " ended by the store", closeCause);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            watch.close();
        }
    }

    /** kube-apiserver picks a random timeout in [minRequestTimeout, 2×minRequestTimeout) when the client sets none. */
    private Duration timeout() {
        String t = req.param("timeoutSeconds");
        if (t != null && !t.isEmpty()) {
            try {
                long s = Long.parseLong(t);
                if (s < 0) throw new NumberFormatException();
                return Duration.ofSeconds(s);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid timeoutSeconds \"" + t + "\": must be a non-negative integer");
            }
        }
        long min = ctx.minRequestTimeout().toSeconds();
        return Duration.ofSeconds(min + ThreadLocalRandom.current().nextLong(Math.max(1, min)));
    }

    /** The bytes to send for a store event (null when this watch's filter shows nothing for it). */
    private byte[] toWatchEvent(Store.Event ev, boolean table, boolean first) throws IOException {
        EventCache.Decoded d = ctx.eventCache().get(ev);
        boolean now = filter.matches(d.object);
        boolean before = d.previous != null && filter.matches(d.previous);
        String kind = switch (ev.type()) {
            case CREATED -> now ? "ADDED" : null;
            case UPDATED -> now ? (before ? "MODIFIED" : "ADDED") : (before ? "DELETED" : null);
            case DELETED -> now ? "DELETED" : null;
        };
        if (kind == null) return null;
        if (!table) return d.event(kind, mapper);
        ObjectNode t = Tables.table(type, List.of(d.object.deepCopy()), null, first, req.param("includeObject"), ctx.clock().instant());
        return line(event(kind, t));
    }

    private ObjectNode event(String kind, ObjectNode object) {
        ObjectNode e = mapper.createObjectNode();
        e.put("type", kind);
        e.set("object", object);
        return e;
    }

    /** A BOOKMARK carries only the object's kind, apiVersion and resourceVersion. */
    private ObjectNode bookmark(long revision, boolean initialEventsEnd) {
        ObjectNode obj = mapper.createObjectNode();
        obj.put("kind", type.kind());
        obj.put("apiVersion", type.apiVersion());
        ObjectNode meta = obj.putObject("metadata");
        meta.put("resourceVersion", Long.toString(revision));
        if (initialEventsEnd) meta.putObject("annotations").put("k8s.io/initial-events-end", "true");
        return event("BOOKMARK", obj);
    }

    private void startStream() throws IOException {
        if (headersWritten) return;
        req.exchange.getResponseHeaders().set("Content-Type", "application/json");
        req.exchange.getResponseHeaders().set("Cache-Control", "no-cache, private");
        req.exchange.sendResponseHeaders(200, 0);
        req.exchange.getResponseBody().flush(); // send the headers now: a watch on an empty collection may wait long for its first event
        headersWritten = true;
    }

    private void write(ObjectNode event) throws IOException {
        writeBytes(line(event));
    }

    private byte[] line(ObjectNode event) throws IOException {
        byte[] json = mapper.writeValueAsBytes(event);
        byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        return line;
    }

    private void writeBytes(byte[] line) throws IOException {
        OutputStream out = req.exchange.getResponseBody();
        out.write(line);
        out.flush();
    }

    private void heartbeat() throws IOException {
        OutputStream out = req.exchange.getResponseBody();
        out.write('\n');
        out.flush();
    }
}
