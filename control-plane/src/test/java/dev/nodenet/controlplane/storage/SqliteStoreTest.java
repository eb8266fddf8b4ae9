package dev.nodenet.controlplane.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodenet.controlplane.storage.Store.Entry;
import dev.nodenet.controlplane.storage.Store.Event;
import dev.nodenet.controlplane.storage.Store.Event.Type;
import dev.nodenet.controlplane.storage.Store.ListResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQLite-specific behaviour (ring buffer, row-level compaction, restart, file locking); the semantics every store
 * shares are in {@link StoreContractTest}, which {@link SqliteStoreContractTest} runs against SQLite.
 */
@Timeout(120)
class SqliteStoreTest {

    @TempDir Path dir;
    SqliteStore store;

    @BeforeEach
    void open() {
        store = SqliteStore.open(dir);
    }

    @AfterEach
    void close() {
        if (store != null) store.close();
    }

    static byte[] b(String s) { return s.getBytes(UTF_8); }

    static String s(byte[] b) { return new String(b, UTF_8); }

    // ------------------------------------------------------------------------------------------------ CRUD

    // ------------------------------------------------------------------------------------------------ list

    @Test
    void prefixEndIsTheNextCodePoint() {
        assertEquals("/b", SqliteStore.prefixEnd("/a"));
        assertNull(SqliteStore.prefixEnd(""));
        assertEquals("/" + new String(Character.toChars(0xE000)), SqliteStore.prefixEnd("/\uD7FF"));
        assertEquals("0", SqliteStore.prefixEnd("/" + new String(Character.toChars(Character.MAX_CODE_POINT))));
    }

    // ------------------------------------------------------------------------------------------------ watch

    /** Collects events; completes {@link #closed} on onClose. */
    static class Recorder implements Store.WatchListener {
        final List<Event> events = new CopyOnWriteArrayList<>();
        final CompletableFuture<Throwable> closed = new CompletableFuture<>();

        @Override public void onEvent(Event event) { events.add(event); }

        @Override public void onClose(Throwable cause) { closed.complete(cause); }

        List<Long> revisions() { return events.stream().map(Event::revision).toList(); }

        void awaitSize(int n) { await(() -> events.size() >= n, "expected " + n + " events, have " + events.size()); }
    }

    static void await(BooleanSupplier cond, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out: " + what);
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    static void assertEvents(List<Event> want, List<Event> got) {
        assertEquals(want.size(), got.size(), "event count: " + got);
        for (int i = 0; i < want.size(); i++) {
            Event w = want.get(i), g = got.get(i);
            assertEquals(w.type(), g.type(), "type of event " + i);
            assertEquals(w.key(), g.key(), "key of event " + i);
            assertArrayEquals(w.value(), g.value(), "value of event " + i);
            assertArrayEquals(w.prevValue(), g.prevValue(), "prevValue of event " + i);
            assertEquals(w.createRevision(), g.createRevision(), "createRevision of event " + i);
            assertEquals(w.revision(), g.revision(), "revision of event " + i);
        }
    }

    @Test
    void liveFanOutMatchesPrefixesExactly() {
        List<String> prefixes = List.of("", "/", "/a", "/a/", "/a/b", "/b/", "/a/b", "zzz");
        List<Recorder> rs = new ArrayList<>();
        List<Store.Watch> ws = new ArrayList<>();
        for (String p : prefixes) {
            Recorder r = new Recorder();
            rs.add(r);
            ws.add(store.watch(p, 0, r));
        }
        List<String> keys = List.of("/a", "/a/", "/a/b", "/a/bc", "/ab", "/b/x", "x", "/a/b/c", "/b");
        for (String k : keys) store.create(k, b(k));
        for (int i = 0; i < prefixes.size(); i++) {
            String p = prefixes.get(i);
            List<String> want = keys.stream().filter(k -> k.startsWith(p)).toList();
            rs.get(i).awaitSize(want.size());
            assertEquals(want, rs.get(i).events.stream().map(Event::key).toList(), "prefix '" + p + "'");
        }
        // Closing some watches (one of two on the same prefix, and the only one on "/") keeps the rest exact.
        ws.get(1).close();
        ws.get(4).close();
        store.create("/a/b/d", b("x"));
        store.create("/c", b("y"));
        Recorder all = rs.get(0);
        all.awaitSize(keys.size() + 2);
        Recorder second = rs.get(6);
        second.awaitSize(4);
        assertEquals("/a/b/d", second.events.getLast().key());
        assertEquals(keys.stream().filter(k -> k.startsWith("/")).count(), rs.get(1).events.size(), "closed: nothing new");
        assertEquals(3, rs.get(4).events.size(), "closed: nothing new");
        assertEquals(6, store.watchCount());
    }

    @Test
    void thousandWatchesEachSeeTheirEventsInOrder() throws Exception {
        /** Counts events and checks order on the fly (the dispatcher thread is the only caller). */
        final class Checker implements Store.WatchListener {
            final String prefix;
            long last;
            volatile int count;
            volatile String error;

            Checker(String prefix) { this.prefix = prefix; }

            @Override public void onEvent(Event e) {
                if (error == null && (e.revision() <= last || !e.key().startsWith(prefix))) {
                    error = "prefix " + prefix + ": revision " + e.revision() + " key " + e.key() + " after " + last;
                }
                last = e.revision();
                count++;
            }
        }
        int watchers = 1000, groups = 10, threads = 4, perThread = 500;
        List<Checker> checkers = new ArrayList<>();
        for (int i = 0; i < watchers; i++) {
            Checker c = new Checker(i % 2 == 0 ? "/s/" : "/s/g" + (i % groups) + "/");
            checkers.add(c);
            store.watch(c.prefix, 0, c);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int tt = t;
            fs.add(pool.submit(() -> {
                for (int i = 0; i < perThread; i++) store.create("/s/g" + (i % groups) + "/t" + tt + "-" + i, b("v"));
                return null;
            }));
        }
        for (Future<?> f : fs) f.get();
        pool.shutdown();
        int total = threads * perThread;
        for (Checker c : checkers) {
            int want = c.prefix.equals("/s/") ? total : total / groups;
            await(() -> c.count >= want, c.prefix + " has " + c.count + " of " + want);
            assertNull(c.error);
            assertEquals(want, c.count);
        }
        assertEquals(watchers, store.watchCount());
    }

    @Test
    void watchBehindTheRingReadsTheTableWithoutGaps() throws Exception {
        store.close();
        store = SqliteStore.open(dir, SqliteStore.Durability.SURVIVE_PROCESS_CRASH, 16);
        for (int i = 0; i < 100; i++) store.create("/old/" + i, b("v" + i)); // far beyond a 16-slot ring
        // A slow listener falls behind a writer that overwrites the ring many times over.
        CountDownLatch slow = new CountDownLatch(1);
        Recorder r = new Recorder() {
            @Override public void onEvent(Event event) {
                super.onEvent(event);
                if (event.revision() == 50) {
                    try {
                        slow.await();
                    } catch (InterruptedException e) {
                        throw new RuntimeException(e);
                    }
                }
            }
        };
        try (Store.Watch _ = store.watch("/", 0, r)) {
            r.awaitSize(50);
            for (int i = 0; i < 1000; i++) store.update("/old/" + (i % 100), b("u" + i), 0);
            slow.countDown();
            r.awaitSize(1100);
            List<Long> every = new ArrayList<>();
            for (long rev = 1; rev <= 1100; rev++) every.add(rev);
            assertEquals(every, r.revisions());
            assertEquals("u999", s(r.events.getLast().value()));
            assertEquals(Type.UPDATED, r.events.getLast().type());
        }
    }

    // ------------------------------------------------------------------------------------------------ compaction

    @Test
    void compactionKeepsLiveKeysAndRejectsOldWatches() throws Exception {
        store.create("/a", b("a1"));      // 1
        store.create("/b", b("b1"));      // 2
        store.update("/a", b("a2"), 0);   // 3
        store.create("/c", b("c1"));      // 4
        store.delete("/b", 0);            // 5
        store.update("/a", b("a3"), 0);   // 6
        store.create("/d", b("d1"));      // 7
        assertEquals(7, rowCount());

        store.compact(5);
        assertEquals(5, store.compactedRevision());
        // Gone: a@1 (superseded by a@3), b@2 and b@5 (deleted key). Kept: a@3 (the value at revision 5; a@6 is later),
        // c@4 (newest of a live key), a@6, d@7.
        assertEquals(List.of(3L, 4L, 6L, 7L), rowIds());
        assertEquals("a3", s(store.get("/a").orElseThrow().value()));
        assertEquals(4, store.get("/c").orElseThrow().modRevision());
        assertEquals(Optional.empty(), store.get("/b"));
        ListResult l = store.list("/");
        assertEquals(List.of("/a", "/c", "/d"), l.entries().stream().map(Entry::key).toList());
        assertEquals(7, l.revision());

        var ex = assertThrows(StoreException.Compacted.class, () -> store.watch("/", 4, new Recorder()));
        assertEquals(5, ex.compactedRevision());
        Recorder r = new Recorder();
        try (Store.Watch _ = store.watch("/", 5, r)) { // at the compacted revision: everything after is intact
            store.update("/c", b("c2"), 4);
            r.awaitSize(3);
            assertEquals(List.of(6L, 7L, 8L), r.revisions());
        }

        store.compact(3); // at or below the compacted revision: no-op
        assertEquals(5, store.compactedRevision());
        assertThrows(IllegalArgumentException.class, () -> store.compact(100));
        store.compact(store.currentRevision());
        assertEquals(List.of("/a", "/c", "/d"), store.list("/").entries().stream().map(Entry::key).toList());
        assertEquals(List.of(6L, 7L, 8L), rowIds(), "rows below the earlier compaction go once their successor is compacted");
    }

    @Test
    void compactionEndsAWatchThatWasStillReplayingCompactedHistory() throws Exception {
        store.close();
        store = SqliteStore.open(dir, SqliteStore.Durability.SURVIVE_PROCESS_CRASH, 16);
        store.create("/k", b("0"));
        for (int i = 1; i < 2000; i++) store.update("/k", b(Integer.toString(i)), 0);
        CountDownLatch hold = new CountDownLatch(1);
        Recorder r = new Recorder() {
            @Override public void onEvent(Event event) {
                super.onEvent(event);
                try {
                    hold.await(); // the replay is stuck in its first table batch
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            }
        };
        store.watch("/", 0, r);
        r.awaitSize(1);
        store.compact(1500); // removes history the watch has not read yet
        hold.countDown();
        var cause = assertInstanceOf(StoreException.Compacted.class, r.closed.get(30, TimeUnit.SECONDS));
        assertEquals(1500, cause.compactedRevision());
        List<Long> revs = r.revisions();
        assertFalse(revs.isEmpty());
        for (int i = 0; i < revs.size(); i++) assertEquals(i + 1, revs.get(i), "no gap before the watch ends");
        assertTrue(revs.size() < 1500);
    }

    @Test
    void compactionSpansManyBatches() throws Exception {
        for (int i = 0; i < 2500; i++) {
            if (i == 0) store.create("/hot", b("0"));
            else store.update("/hot", b(Integer.toString(i)), 0);
            if (i % 100 == 0) store.create("/cold/" + i, b("c"));
        }
        long rev = store.currentRevision();
        store.compact(rev);
        assertEquals(rev, store.compactedRevision());
        assertEquals(26, rowCount(), "newest /hot row plus 25 cold keys");
        assertEquals("2499", s(store.get("/hot").orElseThrow().value()));
    }

    @Test
    void autoCompactionKeepsTheNewestRevisions() {
        store.create("/k", b("0"));
        for (int i = 1; i < 300; i++) store.update("/k", b(Integer.toString(i)), 0);
        try (Compactor c = Compactor.start(store, Duration.ofMillis(20), 50)) {
            await(() -> store.compactedRevision() == 250, "auto compaction to 250, at " + store.compactedRevision());
        }
        assertThrows(StoreException.Compacted.class, () -> store.watch("/", 249, new Recorder()));
        assertEquals("299", s(store.get("/k").orElseThrow().value()));
    }

    // ------------------------------------------------------------------------------------------------ restart, lifecycle, errors

    @Test
    void reopenKeepsDataRevisionsAndCompaction() throws Exception {
        store.create("/a", b("1"));
        store.update("/a", b("2"), 0);
        store.create("/gone", b("x"));
        store.delete("/gone", 0); // 4: the newest rows belong to a deleted key ...
        store.compact(4);         // ... so compaction removes them: max(id) is now 2
        assertEquals(List.of(2L), rowIds());
        store.close();

        store = SqliteStore.open(dir);
        assertEquals(4, store.currentRevision(), "revisions stay monotonic after the newest rows were compacted");
        assertEquals(4, store.compactedRevision());
        Entry a = store.get("/a").orElseThrow();
        assertEquals("2", s(a.value()));
        assertEquals(1, a.createRevision());
        assertEquals(2, a.modRevision());
        assertEquals(5, store.create("/b", b("3")).modRevision());
        assertThrows(StoreException.Compacted.class, () -> store.watch("/", 3, new Recorder()));
        Recorder r = new Recorder();
        store.watch("/", 4, r);
        r.awaitSize(1);
        assertEquals(List.of(5L), r.revisions());
    }

    @Test
    void secondOpenOfTheSameDirectoryIsRefused() {
        var e = assertThrows(StoreException.Unavailable.class, () -> SqliteStore.open(dir));
        assertTrue(e.getMessage().contains("state.db"), e.getMessage());
    }

    @Test
    void corruptFileIsUnavailableNamingTheFile(@TempDir Path other) throws Exception {
        Path file = other.resolve("state.db");
        byte[] junk = new byte[8192];
        for (int i = 0; i < junk.length; i++) junk[i] = (byte) (i * 31 + 7);
        Files.write(file, junk);
        var e = assertThrows(StoreException.Unavailable.class, () -> SqliteStore.open(other));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        // The failed open released its lock: fixing the file makes the directory usable.
        Files.delete(file);
        SqliteStore.open(other).close();
    }

    @Test
    void unusableDirectoryIsUnavailableNamingTheFile(@TempDir Path other) throws Exception {
        Path notADir = other.resolve("plain-file");
        Files.writeString(notADir, "x");
        var e = assertThrows(StoreException.Unavailable.class, () -> SqliteStore.open(notADir));
        assertTrue(e.getMessage().contains(notADir.resolve("state.db").toString()), e.getMessage());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private long rowCount() throws SQLException {
        return rowIds().size();
    }

    /** Row ids of the log table, read through a separate connection (WAL lets it read beside the store). */
    private List<Long> rowIds() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("state.db"));
             ResultSet rs = c.createStatement().executeQuery("SELECT id FROM kv ORDER BY id")) {
            List<Long> ids = new ArrayList<>();
            while (rs.next()) ids.add(rs.getLong(1));
            return ids;
        }
    }
}
