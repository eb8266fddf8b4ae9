package dev.nodenet.api.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodenet.api.codec.Json;
import dev.nodenet.api.model.KubeObject;
import dev.nodenet.api.model.ObjectList;
import dev.nodenet.api.model.Status;
import dev.nodenet.api.model.WatchEvent;
import dev.nodenet.api.selector.FieldSelector;
import dev.nodenet.api.selector.LabelSelector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a local cache of one resource in step with the API server (list, then watch) and tells handlers what changed.
 * <pre>
 *   list ──► diff against cache ──► onAdd/onUpdate/onDelete ──► watch from the list's resourceVersion
 *     ▲                                                            │ ADDED/MODIFIED/DELETED: update cache, dispatch
 *     │ 410 Gone (ERROR event or HTTP 410)                         │ BOOKMARK: only advance the resourceVersion
 *     └────────────────────────────────────────────────────────────┤ stream ended / connection lost: re-watch from
 *                                                                  │ the last resourceVersion (backoff on failures)
 * </pre>
 * After a 410 the informer relists and diffs the new list against its cache, so handlers see exactly what changed
 * while it was away. Failures (server unreachable, error status, a watch that ends at once without events) are
 * retried with exponential backoff with jitter (default 100 ms doubling to 10 s); a watch that delivered events or
 * lived for a while resets the backoff, so the loop never spins. Label and field selectors are sent to the server
 * and also applied locally, so a server that ignores them cannot fill the cache with foreign objects. Lists are
 * read in one request (no paging) and there is no periodic resync: handlers only hear of real changes.
 * <p>Threading: {@link #start()} starts one platform daemon thread, "informer-&lt;resource&gt;", that does all
 * network I/O, cache writes and handler calls: handlers run on that thread, one at a time, in event order, and the
 * cache already holds the new state when a handler runs. Handlers must be quick and must not block on the informer
 * (hand changes to your own queue); an exception from a handler is logged and does not stop the informer.
 * {@link #get}, {@link #list}, {@link #hasSynced} and {@link #lastResourceVersion} are safe from any thread.
 * {@link #stop()} may be called from any thread, including a handler.
 */
public final class Informer<T extends KubeObject> {
    /** Change callbacks; all default to doing nothing. Called on the informer thread. */
    public interface Handler<T> {
        default void onAdd(T object) {
        }

        /** Called only when the object changed (an identical replay after a re-watch is not dispatched). */
        default void onUpdate(T oldObject, T newObject) {
        }

        /** {@code lastKnown} is the object as the delete event carried it, or the cached copy after a relist. */
        default void onDelete(T lastKnown) {
        }
    }

    /** A watch that lasted this long counts as healthy even without events (see the class comment). */
    private static final long HEALTHY_WATCH_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long past the requested timeoutSeconds a silent watch is kept before it is presumed dead. */
    private static final Duration WATCHDOG_GRACE = Duration.ofSeconds(30);
    private static final System.Logger LOG = System.getLogger(Informer.class.getName());

    private final KubeClient client;
    private final Resource<T> resource;
    private final String namespace;
    private final LabelSelector labelSelector;
    private final FieldSelector fieldSelector;
    private final List<Handler<? super T>> handlers;
    private final Duration watchTimeout;
    private final Duration initialBackoff;
    private final Duration maxBackoff;

    private final Map<String, T> cache = new ConcurrentHashMap<>();
    private final CountDownLatch synced = new CountDownLatch(1);
    private volatile String lastResourceVersion;
    private volatile boolean running;
    private volatile Watch currentWatch;
    private Thread thread;

    private Informer(Builder<T> b) {
        this.client = b.client;
        this.resource = b.resource;
        this.namespace = b.namespace;
        this.labelSelector = b.labelSelector;
        this.fieldSelector = b.fieldSelector;
        this.handlers = List.copyOf(b.handlers);
        this.watchTimeout = b.watchTimeout;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
    }

    public static <T extends KubeObject> Builder<T> builder(KubeClient client, Resource<T> resource) {
        return new Builder<>(client, resource);
    }

    /** Configures an informer; not thread-safe, use from one thread. */
    public static final class Builder<T extends KubeObject> {
        private final KubeClient client;
        private final Resource<T> resource;
        private String namespace;
        private LabelSelector labelSelector = LabelSelector.everything();
        private FieldSelector fieldSelector = FieldSelector.everything();
        private final List<Handler<? super T>> handlers = new ArrayList<>();
        private Duration watchTimeout = Duration.ofMinutes(5);
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(10);

        private Builder(KubeClient client, Resource<T> resource) {
            this.client = Objects.requireNonNull(client, "client");
            this.resource = Objects.requireNonNull(resource, "resource");
        }

        /** Only this namespace; default all namespaces. */
        public Builder<T> namespace(String value) {
            this.namespace = value;
            return this;
        }

        /** @throws IllegalArgumentException for invalid syntax */
        public Builder<T> labelSelector(String value) {
            this.labelSelector = LabelSelector.parse(value);
            return this;
        }

        /** @throws IllegalArgumentException for invalid syntax */
        public Builder<T> fieldSelector(String value) {
            this.fieldSelector = FieldSelector.parse(value);
            return this;
        }

        /** Adds a handler; handlers are called in the order added. */
        public Builder<T> handler(Handler<? super T> value) {
            handlers.add(Objects.requireNonNull(value, "handler"));
            return this;
        }

        /** Server-side watch duration; each watch asks for a random 1x-2x of it, spreading reconnects. Default 5 min. */
        public Builder<T> watchTimeout(Duration value) {
            if (value.toSeconds() < 1) throw new IllegalArgumentException("watchTimeout must be at least 1 s");
            this.watchTimeout = value;
            return this;
        }

        /** Retry delays: start at {@code initial}, double per failure up to {@code max}, plus up to 25% jitter. */
        public Builder<T> backoff(Duration initial, Duration max) {
            if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("backoff needs 0 < initial <= max");
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        public Informer<T> build() {
            return new Informer<>(this);
        }
    }

    /** Starts the informer thread. @throws IllegalStateException if already started */
    public synchronized void start() {
        if (thread != null) throw new IllegalStateException("informer for " + resource + " already started");
        running = true;
        thread = Thread.ofPlatform().daemon().name("informer-" + resource).start(this::run);
    }

    /**
     * Stops the informer and waits up to 5 s for its thread to end; after that no handler is called (unless one was
     * still running at the deadline). Called from a handler, it does not wait.
     */
    public void stop() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        if (t == null) return;
        Watch w = currentWatch;
        if (w != null) w.close();
        t.interrupt();
        if (t != Thread.currentThread()) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** True once the first list has been loaded into the cache and its adds dispatched. */
    public boolean hasSynced() {
        return synced.getCount() == 0;
    }

    /** Waits for {@link #hasSynced()}; false on timeout. */
    public boolean awaitSynced(Duration timeout) throws InterruptedException {
        return synced.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The cached object, or null. {@code namespace} is ignored for cluster-scoped resources. */
    public T get(String namespace, String name) {
        return cache.get(resource.namespaced() ? namespace + "/" + name : name);
    }

    /** A snapshot of the cache. */
    public List<T> list() {
        return List.copyOf(cache.values());
    }

    /** The resourceVersion the cache reflects (from the last list, event or bookmark), or null before the first list. */
    public String lastResourceVersion() {
        return lastResourceVersion;
    }

    /** A 410: the resourceVersion we watch from is gone; {@code progress} tells whether the watch delivered anything first. */
    private static final class Gone extends Exception {
        final boolean progress;

        Gone(String message, boolean progress) {
            super(message, null, false, false);
            this.progress = progress;
        }
    }

    private void run() {
        long backoffMs = initialBackoff.toMillis();
        boolean needList = true;
        while (running) {
            boolean listedNow = false;
            try {
                if (needList) {
                    relist();
                    needList = false;
                    listedNow = true;
                }
                if (watchOnce()) {
                    backoffMs = initialBackoff.toMillis();
                    continue;
                }
                LOG.log(Level.DEBUG, "watch of {0} ended without events; retrying after backoff", resource);
            } catch (Gone e) {
                needList = true;
                LOG.log(Level.INFO, "watch of {0}: {1}; relisting", resource, e.getMessage());
                // relist at once, unless a fresh list's version was rejected straight away (then back off, never spin)
                if (!listedNow || e.progress) continue;
            } catch (InterruptedException e) {
                break;
            } catch (IOException | UncheckedIOException | KubeApiException | IllegalArgumentException e) {
                if (!running) break;
                LOG.log(Level.WARNING, "list/watch of " + resource + " failed, retrying in about " + backoffMs + " ms: " + e);
            }
            try {
                Thread.sleep(backoffMs + ThreadLocalRandom.current().nextLong(backoffMs / 4 + 1));
            } catch (InterruptedException e) {
                break;
            }
            backoffMs = Math.min(backoffMs * 2, maxBackoff.toMillis());
        }
    }

    private ListOptions selectors() {
        return ListOptions.NONE.withLabelSelector(labelSelector.toString()).withFieldSelector(fieldSelector.toString());
    }

    /** Lists, diffs the result against the cache and dispatches the differences. */
    private void relist() {
        ObjectList<JsonNode> list = client.list(resource.as(JsonNode.class), namespace, selectors());
        Map<String, T> fresh = new LinkedHashMap<>();
        for (JsonNode item : list.items()) {
            T object = Json.convert(item, resource.type());
            if (object.name() == null) throw new IllegalArgumentException("list item without metadata.name");
            if (selected(object, item)) fresh.put(object.key(), object);
        }
        for (T old : List.copyOf(cache.values())) {
            if (!fresh.containsKey(old.key()) && running) {
                cache.remove(old.key());
                dispatch(h -> h.onDelete(old));
            }
        }
        for (T object : fresh.values()) {
            if (!running) return;
            T old = cache.put(object.key(), object);
            if (old == null) {
                dispatch(h -> h.onAdd(object));
            } else if (!Objects.equals(old.resourceVersion(), object.resourceVersion())) {
                dispatch(h -> h.onUpdate(old, object));
            }
        }
        lastResourceVersion = list.resourceVersion();
        synced.countDown();
    }

    /**
     * One watch from {@link #lastResourceVersion}. Returns true if it was healthy (delivered events or lasted a
     * while) when the stream ended or the connection dropped.
     */
    private boolean watchOnce() throws IOException, InterruptedException, Gone {
        long timeoutSeconds = watchTimeout.toSeconds() + ThreadLocalRandom.current().nextLong(watchTimeout.toSeconds() + 1);
        ListOptions options = selectors().withResourceVersion(lastResourceVersion).withTimeoutSeconds((int) timeoutSeconds);
        long startNs = System.nanoTime();
        boolean progress = false;
        Watch watch;
        try {
            watch = client.watch(resource, namespace, options);
        } catch (KubeApiException e) {
            if (e.isGone()) throw new Gone(e.getMessage(), false);
            throw e;
        }
        currentWatch = watch;
        // a server that vanishes without closing the connection would block next() forever
        Thread watchdog = Thread.ofVirtual().name("informer-watchdog-" + resource).start(() -> {
            try {
                Thread.sleep(Duration.ofSeconds(timeoutSeconds).plus(WATCHDOG_GRACE));
                LOG.log(Level.WARNING, "watch of {0} outlived its timeout; closing it", resource);
                watch.close();
            } catch (InterruptedException e) {
                // the watch ended normally
            }
        });
        try (watch) {
            WatchEvent event;
            while (running && (event = watch.next()) != null) {
                handle(event, progress);
                progress = true;
            }
        } catch (IOException e) {
            if (!running) return true;
            LOG.log(Level.DEBUG, "watch of {0} broke: {1}", resource, e);
        } finally {
            watchdog.interrupt();
            currentWatch = null;
        }
        return progress || System.nanoTime() - startNs >= HEALTHY_WATCH_NANOS;
    }

    private void handle(WatchEvent event, boolean progress) throws Gone {
        String type = String.valueOf(event.type());
        switch (type) {
            case WatchEvent.BOOKMARK -> {
                String rv = event.object() == null ? null : event.object().path("metadata").path("resourceVersion").asText(null);
                if (rv != null) lastResourceVersion = rv;
            }
            case WatchEvent.ERROR -> {
                Status status = event.objectAs(Status.class);
                if (status.code() != null && status.code() == 410) {
                    throw new Gone(status.reason() + ": " + status.message(), progress);
                }
                throw new KubeApiException("watch " + resource, status);
            }
            case WatchEvent.ADDED, WatchEvent.MODIFIED, WatchEvent.DELETED -> {
                if (event.object() == null || !event.object().isObject()) {
                    throw new IllegalArgumentException(type + " event without an object");
                }
                T object = Json.convert(event.object(), resource.type());
                if (object.name() == null) throw new IllegalArgumentException(type + " event without metadata.name");
                if (type.equals(WatchEvent.DELETED) || !selected(object, event.object())) {
                    T old = cache.remove(object.key());
                    if (old != null) dispatch(h -> h.onDelete(object));
                } else {
                    T old = cache.put(object.key(), object);
                    if (old == null) {
                        dispatch(h -> h.onAdd(object));
                    } else if (!old.equals(object)) { // a re-watch may replay what we have: not a change
                        dispatch(h -> h.onUpdate(old, object));
                    }
                }
                if (object.resourceVersion() != null) lastResourceVersion = object.resourceVersion();
            }
            default -> LOG.log(Level.WARNING, "watch of {0}: ignoring event of unknown type {1}", resource, type);
        }
    }

    private boolean selected(T object, JsonNode tree) {
        return labelSelector.matches(object.metadata() == null ? null : object.metadata().labels()) && fieldSelector.matches(tree);
    }

    private void dispatch(java.util.function.Consumer<Handler<? super T>> call) {
        for (Handler<? super T> h : handlers) {
            if (!running) return;
            try {
                call.accept(h);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "informer handler for " + resource + " failed", e);
            }
        }
    }
}
