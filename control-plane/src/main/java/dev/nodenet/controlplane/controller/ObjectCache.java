package dev.nodenet.controlplane.controller;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.server.Registry;
import dev.nodenet.controlplane.server.ResourceType;
import dev.nodenet.controlplane.storage.Store;
import dev.nodenet.controlplane.storage.StoreException;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory copy of every object of one resource, kept current by list + watch directly on the {@link Store} (the
 * in-process equivalent of an informer). A watch that ends (store compaction, the watcher fell behind) triggers a
 * re-list after a backoff; the re-list reports objects that vanished meanwhile as deletions.
 *
 * <p>Each entry remembers the revision it was read at and is only replaced by a newer one, so a controller can put
 * the result of its own write into the cache at once ({@link #putLocal}/{@link #deleteLocal}) and a late watch event
 * cannot roll it back. Handlers hear of every change once, when the watch (or a re-list) delivers it.
 *
 * <p>Threading: reads are lock-free and safe from any thread (objects handed out must not be modified). Watch events
 * arrive on the store's dispatcher thread, re-lists run on the shared timer thread; {@link Handler}s are called on
 * those threads and must only enqueue work.
 */
final class ObjectCache implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ObjectCache.class.getName());
    private static final Duration MIN_RELIST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_RELIST_BACKOFF = Duration.ofSeconds(10);

    /**
     * Told about every change seen through the watch or a re-list: {@code old} null on add, {@code current} null on
     * delete, and {@code old == current} (same instance) when the watch confirms a write made through this cache.
     */
    interface Handler {
        void onChange(ObjectNode old, ObjectNode current);
    }

    /**
     * A cached object, or a tombstone ({@code obj == null}) that remembers a delete's revision for
     * {@link #TOMBSTONE_TTL} so that a controller's {@link #putLocal} of an older write, arriving after the delete's
     * event, cannot bring the object back; {@code local} until the watch delivered the write.
     */
    private record Item(ObjectNode obj, long revision, boolean local, long tombstoneSinceNanos) {}

    /** Far longer than the gap between a write returning and its putLocal. */
    private static final Duration TOMBSTONE_TTL = Duration.ofSeconds(30);

    private static Item tombstone(long revision, boolean local) {
        return new Item(null, revision, local, System.nanoTime());
    }

    private final ResourceType type;
    private final Registry registry;
    private final ScheduledExecutorService timer;
    /** namespace ("" for cluster-scoped resources) → name → item. */
    private final Map<String, Map<String, Item>> items = new ConcurrentHashMap<>();
    private final List<Handler> handlers = new CopyOnWriteArrayList<>();
    private final Object lifecycle = new Object();
    private Store.Watch watch; // guarded by lifecycle
    private ScheduledFuture<?> pruner; // guarded by lifecycle
    private boolean closed; // guarded by lifecycle
    private Duration backoff = MIN_RELIST_BACKOFF; // guarded by lifecycle

    ObjectCache(ResourceType type, Registry registry, ScheduledExecutorService timer) {
        this.type = type;
        this.registry = registry;
        this.timer = timer;
    }

    ResourceType type() { return type; }

    /** Adds a handler; call before {@link #start()}. */
    void addHandler(Handler h) {
        handlers.add(h);
    }

    /** Lists and starts watching; returns once the cache holds a consistent snapshot. Throws when the first list fails. */
    void start() {
        synchronized (lifecycle) {
            relist();
            pruner = timer.scheduleWithFixedDelay(this::pruneTombstones, TOMBSTONE_TTL.toMillis(), TOMBSTONE_TTL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void pruneTombstones() {
        long now = System.nanoTime();
        for (Map<String, Item> ns : items.values()) {
            ns.values().removeIf(i -> i.obj == null && now - i.tombstoneSinceNanos > TOMBSTONE_TTL.toNanos());
        }
    }

    ObjectNode get(String namespace, String name) {
        Map<String, Item> ns = items.get(ns(namespace));
        Item item = ns == null ? null : ns.get(name);
        return item == null ? null : item.obj;
    }

    /** Every object in {@code namespace} (every object of a cluster-scoped resource when namespace is null). */
    List<ObjectNode> list(String namespace) {
        Map<String, Item> ns = items.get(ns(namespace));
        if (ns == null) return List.of();
        List<ObjectNode> out = new ArrayList<>(ns.size());
        for (Item i : ns.values()) if (i.obj != null) out.add(i.obj);
        return out;
    }

    /** Every cached object of every namespace. */
    List<ObjectNode> all() {
        List<ObjectNode> out = new ArrayList<>();
        for (Map<String, Item> ns : items.values()) for (Item i : ns.values()) if (i.obj != null) out.add(i.obj);
        return out;
    }

    /** Records the result of this process's own create/update (carries its resourceVersion). */
    void putLocal(ObjectNode obj) {
        apply(namespaceOf(obj), nameOf(obj), obj, null, revisionOf(obj), true);
    }

    /** Records this process's own delete at {@code revision}. */
    void deleteLocal(String namespace, String name, long revision) {
        apply(ns(namespace), name, null, null, revision, true);
    }

    /**
     * Stores {@code obj} (null: deleted; {@code deleted} is then its last value if known) seen at {@code revision},
     * unless something newer is held. Handlers hear of watch/re-list changes, and of a local write when its watch
     * event arrives (so every controller learns of every write, the writer's own cache is just up to date earlier).
     */
    private void apply(String namespace, String name, ObjectNode obj, ObjectNode deleted, long revision, boolean local) {
        Item[] previous = new Item[1];
        boolean[] notify = new boolean[1];
        items.computeIfAbsent(namespace, k -> new ConcurrentHashMap<>()).compute(name, (k, cur) -> {
            if (cur != null && cur.revision > revision) return cur;
            if (cur != null && cur.revision == revision) {
                if (local || !cur.local) return cur; // seen already
                // The watch echo of our own write: handlers get old == current (the same instance) for an update.
                previous[0] = obj == null ? cur : new Item(obj, revision, false, 0);
                notify[0] = true;
                return obj == null ? tombstone(revision, false) : new Item(obj, revision, false, 0);
            }
            previous[0] = cur;
            notify[0] = !local;
            return obj == null ? tombstone(revision, local) : new Item(obj, revision, local, 0);
        });
        if (!notify[0]) return;
        ObjectNode old = previous[0] == null || previous[0].obj == null ? deleted : previous[0].obj;
        if (old == null && obj == null) return;
        for (Handler h : handlers) h.onChange(old, obj);
    }

    private void onEvent(Store.Event e) {
        ObjectNode obj = Registry.withRevision(registry.decodeBytes(e.value()), e.revision());
        boolean deleted = e.type() == Store.Event.Type.DELETED;
        apply(namespaceOf(obj), nameOf(obj), deleted ? null : obj, deleted ? obj : null, e.revision(), false);
    }

    /** Lists everything, reconciles the cache with it, and watches from the list's revision. Holds {@code lifecycle}. */
    private void relist() {
        if (closed) return;
        if (watch != null) watch.close();
        watch = null;
        Registry.Snapshot snap = registry.list(type, null, o -> true);
        Set<String> seen = new HashSet<>();
        for (ObjectNode o : snap.items()) {
            String ns = namespaceOf(o), name = nameOf(o);
            seen.add(ns + "/" + name);
            apply(ns, name, o, null, revisionOf(o), false);
        }
        for (Map.Entry<String, Map<String, Item>> ns : items.entrySet()) {
            for (Map.Entry<String, Item> it : ns.getValue().entrySet()) {
                Item gone = it.getValue();
                if (gone.obj == null || seen.contains(ns.getKey() + "/" + it.getKey()) || gone.revision > snap.revision()) continue;
                if (ns.getValue().replace(it.getKey(), gone, tombstone(snap.revision(), false))) {
                    for (Handler h : handlers) h.onChange(gone.obj, null);
                }
            }
        }
        watch = registry.store().watch(type.keyPrefix(), snap.revision(), new Store.WatchListener() {
            @Override
            public void onEvent(Store.Event event) {
                ObjectCache.this.onEvent(event);
            }

            @Override
            public void onClose(Throwable cause) {
                scheduleRelist(cause);
            }
        });
        backoff = MIN_RELIST_BACKOFF;
    }

    private void scheduleRelist(Throwable cause) {
        synchronized (lifecycle) {
            if (closed) return;
            Duration delay = backoff;
            backoff = backoff.multipliedBy(2).compareTo(MAX_RELIST_BACKOFF) > 0 ? MAX_RELIST_BACKOFF : backoff.multipliedBy(2);
            LOG.log(cause instanceof StoreException.Compacted ? Level.DEBUG : Level.INFO,
                    "watch of " + type.qualifiedName() + " ended (" + cause + "); re-listing in " + delay.toMillis() + " ms");
            try {
                timer.schedule(() -> {
                    synchronized (lifecycle) {
                        try {
                            relist();
                        } catch (RuntimeException e) {
                            scheduleRelist(e);
                        }
                    }
                }, delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the timer is shut down: we are closing
            }
        }
    }

    @Override
    public void close() {
        Store.Watch w;
        synchronized (lifecycle) {
            closed = true;
            if (pruner != null) pruner.cancel(false);
            w = watch;
            watch = null;
        }
        if (w != null) w.close();
    }

    private static String ns(String namespace) {
        return namespace == null ? "" : namespace;
    }

    static String namespaceOf(ObjectNode obj) {
        return obj.path("metadata").path("namespace").asText("");
    }

    static String nameOf(ObjectNode obj) {
        return obj.path("metadata").path("name").asText("");
    }

    static long revisionOf(ObjectNode obj) {
        return Long.parseLong(obj.path("metadata").path("resourceVersion").asText("0"));
    }
}
