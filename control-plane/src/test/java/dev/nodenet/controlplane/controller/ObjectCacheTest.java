package dev.nodenet.controlplane.controller;

import static dev.nodenet.controlplane.controller.TestCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.server.Registry;
import dev.nodenet.controlplane.storage.SqliteStore;
import dev.nodenet.controlplane.storage.Store;
import dev.nodenet.controlplane.storage.StoreException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ObjectCacheTest {
    @TempDir Path dir;

    /** A real SqliteStore whose watches the test can end, as the store does when a watcher falls behind. */
    static final class BreakableStore implements Store {
        final SqliteStore delegate;
        final List<Runnable> breakers = new CopyOnWriteArrayList<>();

        BreakableStore(SqliteStore delegate) { this.delegate = delegate; }

        void breakWatches() {
            for (Runnable r : breakers) r.run();
            breakers.clear();
        }

        @Override public long currentRevision() { return delegate.currentRevision(); }
        @Override public long compactedRevision() { return delegate.compactedRevision(); }
        @Override public Optional<Entry> get(String key) { return delegate.get(key); }
        @Override public ListResult list(String prefix) { return delegate.list(prefix); }
        @Override public Entry create(String key, byte[] value) { return delegate.create(key, value); }
        @Override public Entry update(String key, byte[] value, long rev) { return delegate.update(key, value, rev); }
        @Override public Entry delete(String key, long rev) { return delegate.delete(key, rev); }
        @Override public void compact(long revision) { delegate.compact(revision); }
        @Override public void close() { delegate.close(); }

        @Override
        public Watch watch(String prefix, long afterRevision, WatchListener listener) {
            Watch w = delegate.watch(prefix, afterRevision, listener);
            breakers.add(() -> {
                w.close();
                listener.onClose(new StoreException.Compacted(afterRevision, delegate.currentRevision()));
            });
            return w;
        }
    }

    @Test
    void endedWatchIsFollowedByARelistThatReportsWhatWasMissed() throws Exception {
        BreakableStore store = new BreakableStore(SqliteStore.open(dir));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            Registry registry = new Registry(store, TestCluster.JSON, Clock.systemUTC(), Map.of());
            registry.create(TestCluster.NAMESPACES, null, TestCluster.obj("{\"metadata\":{\"name\":\"default\"}}"), false);
            registry.create(TestCluster.PODS, "default", TestCluster.obj("{\"metadata\":{\"name\":\"a\"},\"spec\":{}}"), false);
            registry.create(TestCluster.PODS, "default", TestCluster.obj("{\"metadata\":{\"name\":\"b\"},\"spec\":{}}"), false);
            ObjectCache cache = new ObjectCache(TestCluster.PODS, registry, timer);
            List<String> seen = new CopyOnWriteArrayList<>();
            cache.addHandler((old, cur) -> seen.add((old == null ? "add " : cur == null ? "delete " : "update ") + ObjectCache.nameOf(cur != null ? cur : old)));
            cache.start();
            assertEquals(List.of("add a", "add b"), seen.stream().sorted().toList());
            seen.clear();

            store.breakWatches();
            // Missed while no watch runs; compaction makes the old revision unwatchable, so only a re-list recovers.
            registry.delete(TestCluster.PODS, "default", "a", Registry.Preconditions.NONE, false);
            registry.patch(TestCluster.PODS, "default", "b", p -> {
                ((ObjectNode) p.get("metadata")).putObject("labels").put("x", "y");
                return p;
            }, Registry.Part.MAIN, false);
            registry.create(TestCluster.PODS, "default", TestCluster.obj("{\"metadata\":{\"name\":\"c\"},\"spec\":{}}"), false);
            store.compact(store.currentRevision());

            await("re-list", Duration.ofSeconds(5), () -> seen.size() == 3);
            assertEquals(List.of("add c", "delete a", "update b"), seen.stream().sorted().toList());
            assertNull(cache.get("default", "a"));
            assertEquals("y", cache.get("default", "b").path("metadata").path("labels").path("x").asText());

            // And the new watch works.
            registry.delete(TestCluster.PODS, "default", "c", Registry.Preconditions.NONE, false);
            await("watch again", Duration.ofSeconds(5), () -> cache.get("default", "c") == null);
            cache.close();
        } finally {
            timer.shutdownNow();
            store.close();
        }
    }

    @Test
    void localWriteIsNotRolledBackByAnOlderEventAndHandlersHearOfItOnce() throws Exception {
        try (TestCluster c = new TestCluster(dir)) {
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
            try {
                ObjectCache cache = new ObjectCache(TestCluster.PODS, c.registry, timer);
                List<String> seen = new CopyOnWriteArrayList<>();
                cache.addHandler((old, cur) -> seen.add((old == cur ? "echo " : old == null ? "add " : cur == null ? "delete " : "update ")
                        + cur.path("metadata").path("labels").path("v").asText("-")));
                cache.start();
                c.registry.create(TestCluster.PODS, "default", TestCluster.obj("{\"metadata\":{\"name\":\"a\"},\"spec\":{}}"), false);
                await("add", Duration.ofSeconds(5), () -> seen.equals(List.of("add -")));
                ObjectNode v2 = label(c, "2");
                ObjectNode v3 = label(c, "3");
                cache.putLocal(v3);
                // The v2 event may still be on its way: whenever it arrives, it must not replace v3.
                long deadline = System.nanoTime() + Duration.ofMillis(500).toNanos();
                while (System.nanoTime() < deadline) {
                    assertEquals("3", cache.get("default", "a").path("metadata").path("labels").path("v").asText());
                    Thread.sleep(1);
                }
                // v3 is reported exactly once: as an update if its event beat putLocal, else as the echo of it.
                assertEquals(1, seen.stream().filter(e -> e.endsWith(" 3")).count(), seen.toString());
                assertEquals(ObjectCache.revisionOf(v2) + 1, ObjectCache.revisionOf(v3));
                cache.close();
            } finally {
                timer.shutdownNow();
            }
        }
    }

    private static ObjectNode label(TestCluster c, String v) {
        return c.registry.patch(TestCluster.PODS, "default", "a", p -> {
            ((ObjectNode) p.get("metadata")).putObject("labels").put("v", v);
            return p;
        }, Registry.Part.MAIN, false);
    }
}
