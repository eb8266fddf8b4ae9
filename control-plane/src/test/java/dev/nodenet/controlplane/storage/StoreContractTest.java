package dev.nodenet.controlplane.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodenet.controlplane.storage.Store;
import dev.nodenet.controlplane.storage.Store.Entry;
import dev.nodenet.controlplane.storage.Store.Event;
import dev.nodenet.controlplane.storage.Store.Event.Type;
import dev.nodenet.controlplane.storage.Store.ListResult;
import dev.nodenet.controlplane.storage.StoreException;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The semantics every {@link Store} must have, written against the SPI only, so one suite runs against each
 * implementation (subclass it and implement {@link #openStore()}). Revisions are asserted relative to
 * {@link Store#currentRevision()} at the start of each test ({@link #r0}): 0 for a fresh SQLite store, etcd's current
 * revision for an etcd store. Each test must get a store whose key space is empty and that nobody else writes to
 * while the test runs (for etcd: a fresh key prefix on an etcd that only the running test uses).
 */
@Timeout(120)
public abstract class StoreContractTest {

    protected Store store;
    /** {@code store.currentRevision()} when the test started. */
    protected long r0;

    /** A store with an empty key space; closed by the suite (unless the test set {@link #store} to null). */
    protected abstract Store openStore() throws Exception;

    /** A string every {@link StoreException.Unavailable} message of a closed store must contain (its file, its endpoint). */
    protected abstract String identity();

    @BeforeEach
    public void openTheStore() throws Exception {
        store = openStore();
        r0 = store.currentRevision();
    }

    @AfterEach
    public void closeTheStore() {
        if (store != null) store.close();
    }

    protected static byte[] b(String s) { return s.getBytes(UTF_8); }

    protected static String s(byte[] b) { return new String(b, UTF_8); }

    // ------------------------------------------------------------------------------------------------ CRUD

    @Test
    public void createGetUpdateDelete() {
        assertEquals(Optional.empty(), store.get("/a"));

        Entry c = store.create("/a", b("v1"));
        assertEquals("/a", c.key());
        assertEquals(r0 + 1, c.createRevision());
        assertEquals(r0 + 1, c.modRevision());
        assertEquals("v1", s(c.value()));
        assertEquals(r0 + 1, store.currentRevision());

        Entry g = store.get("/a").orElseThrow();
        assertEquals("/a", g.key());
        assertEquals("v1", s(g.value()));
        assertEquals(r0 + 1, g.modRevision());
        assertEquals(r0 + 1, g.createRevision());

        Entry u = store.update("/a", b("v2"), r0 + 1);
        assertEquals(r0 + 1, u.createRevision());
        assertEquals(r0 + 2, u.modRevision());
        assertEquals("v2", s(u.value()));
        assertEquals("v2", s(store.get("/a").orElseThrow().value()));

        Entry u2 = store.update("/a", b("v3"), 0); // unconditional
        assertEquals(r0 + 3, u2.modRevision());
        assertEquals(r0 + 1, u2.createRevision());

        Entry d = store.delete("/a", r0 + 3);
        assertEquals("/a", d.key());
        assertEquals("v3", s(d.value()), "delete returns the last value");
        assertEquals(r0 + 4, d.modRevision(), "delete returns the revision of the deletion");
        assertEquals(r0 + 1, d.createRevision());
        assertEquals(Optional.empty(), store.get("/a"));
        assertEquals(r0 + 4, store.currentRevision());

        Entry again = store.create("/a", b("new"));
        assertEquals(r0 + 5, again.createRevision(), "a re-created key has a new create revision");
        assertEquals(r0 + 5, again.modRevision());

        Entry unconditionalDelete = store.delete("/a", 0);
        assertEquals("new", s(unconditionalDelete.value()));
        assertEquals(r0 + 6, unconditionalDelete.modRevision());
    }

    @Test
    public void valuesAreCopiedAndMayBeEmptyOrBinary() {
        byte[] v = b("orig");
        Entry e = store.create("/k", v);
        v[0] = 'X';
        e.value()[1] = 'Y';
        assertEquals("orig", s(store.get("/k").orElseThrow().value()));

        store.create("/empty", new byte[0]);
        assertArrayEquals(new byte[0], store.get("/empty").orElseThrow().value());
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) binary[i] = (byte) i;
        store.create("/bin", binary);
        assertArrayEquals(binary, store.get("/bin").orElseThrow().value());
        store.create("/ünï/ключ/🔑", b("utf8 key"));
        assertEquals("utf8 key", s(store.get("/ünï/ключ/🔑").orElseThrow().value()));
        assertEquals(List.of("/ünï/ключ/🔑"), store.list("/ünï/").entries().stream().map(Entry::key).toList());
    }

    @Test
    public void preconditionFailuresThrowAndConsumeNoRevision() {
        store.create("/a", b("1"));         // r0+1
        store.update("/a", b("2"), 0);      // r0+2

        var exists = assertThrows(StoreException.AlreadyExists.class, () -> store.create("/a", b("x")));
        assertEquals("/a", exists.key());

        var nf = assertThrows(StoreException.NotFound.class, () -> store.update("/missing", b("x"), 0));
        assertEquals("/missing", nf.key());
        assertThrows(StoreException.NotFound.class, () -> store.update("/missing", b("x"), r0 + 1), "NotFound wins over Conflict");
        assertThrows(StoreException.NotFound.class, () -> store.delete("/missing", 0));

        var conflict = assertThrows(StoreException.Conflict.class, () -> store.update("/a", b("x"), r0 + 1));
        assertEquals(r0 + 2, conflict.actualModRevision());
        assertEquals("/a", conflict.key());
        var delConflict = assertThrows(StoreException.Conflict.class, () -> store.delete("/a", r0 + 7));
        assertEquals(r0 + 2, delConflict.actualModRevision());

        assertEquals(r0 + 2, store.currentRevision(), "failed writes take no revision");
        assertEquals("2", s(store.get("/a").orElseThrow().value()));

        store.delete("/a", r0 + 2);         // r0+3
        assertThrows(StoreException.NotFound.class, () -> store.update("/a", b("x"), 0), "update after delete");
        assertThrows(StoreException.NotFound.class, () -> store.delete("/a", 0), "delete after delete");
        assertEquals(r0 + 4, store.create("/a", b("x")).modRevision(), "failed writes leave no gap");

        assertThrows(IllegalArgumentException.class, () -> store.create("", b("x")));
        assertThrows(IllegalArgumentException.class, () -> store.get(""));
        assertThrows(IllegalArgumentException.class, () -> store.update("/a", b("x"), -1));
        assertThrows(IllegalArgumentException.class, () -> store.delete("/a", -1));
        assertThrows(NullPointerException.class, () -> store.create("/n", null));
        assertThrows(NullPointerException.class, () -> store.list(null));
        assertThrows(IllegalArgumentException.class, () -> store.watch("/", -1, new Recorder()));
        assertEquals(r0 + 4, store.currentRevision(), "rejected input wrote nothing");
        assertEquals(Optional.empty(), store.get("/n"));
    }

    // ------------------------------------------------------------------------------------------------ list

    @Test
    public void listIsSortedPrefixBoundedAndSkipsDeleted() {
        store.create("/r/svc/b", b("b"));                 // +1
        store.create("/r/svc/a", b("a"));                 // +2
        store.create("/r/svc0", b("not under /r/svc/"));  // +3
        store.create("/r/svd/x", b("other"));             // +4
        store.create("/r/svc/c", b("c"));                 // +5
        store.update("/r/svc/a", b("a2"), 0);             // +6
        store.delete("/r/svc/c", 0);                      // +7

        ListResult l = store.list("/r/svc/");
        assertEquals(List.of("/r/svc/a", "/r/svc/b"), l.entries().stream().map(Entry::key).toList());
        assertEquals("a2", s(l.entries().get(0).value()));
        assertEquals(r0 + 6, l.entries().get(0).modRevision());
        assertEquals(r0 + 2, l.entries().get(0).createRevision());
        assertEquals(r0 + 7, l.revision());

        assertEquals(List.of("/r/svc/a", "/r/svc/b", "/r/svc0", "/r/svd/x"),
                store.list("").entries().stream().map(Entry::key).toList(), "empty prefix lists every live key");
        assertTrue(store.list("/zzz").entries().isEmpty());
        assertEquals(r0 + 7, store.list("/zzz").revision());
    }

    /** How many keys {@link #listRevisionIsOneSnapshotWithItsEntries} writes (etcd fsyncs every write). */
    protected int snapshotTestKeys() { return 3000; }

    @Test
    public void listRevisionIsOneSnapshotWithItsEntries() throws Exception {
        // Key i is created at revision r0+i+1 and never changed, so a list at revision r must hold exactly r-r0 entries.
        int n = snapshotTestKeys();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < n; i++) store.create(String.format("/k/%06d", i), b("v"));
        });
        int checks = 0;
        while (!writer.isDone()) {
            ListResult l = store.list("/k/");
            assertEquals(l.revision() - r0, l.entries().size(), "entries and revision from one snapshot");
            checks++;
        }
        writer.get();
        assertTrue(checks > 0);
        assertEquals(n, store.list("/k/").entries().size());
    }

    // ------------------------------------------------------------------------------------------------ watch

    /** Collects events; completes {@link #closed} on onClose. */
    public static class Recorder implements Store.WatchListener {
        public final List<Event> events = new CopyOnWriteArrayList<>();
        public final CompletableFuture<Throwable> closed = new CompletableFuture<>();

        @Override public void onEvent(Event event) { events.add(event); }

        @Override public void onClose(Throwable cause) { closed.complete(cause); }

        public List<Long> revisions() { return events.stream().map(Event::revision).toList(); }

        public void awaitSize(int n) { await(() -> events.size() >= n, "expected " + n + " events, have " + events.size()); }
    }

    protected static void await(BooleanSupplier cond, String what) {
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

    protected static void assertEvents(List<Event> want, List<Event> got) {
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
    public void watchReplaysFromAPastRevisionThenGoesLive() {
        store.create("/w/a", b("a1"));      // +1
        store.create("/x/other", b("o"));   // +2
        store.update("/w/a", b("a2"), 0);   // +3
        store.create("/w/b", b("b1"));      // +4

        Recorder r = new Recorder();
        try (Store.Watch _ = store.watch("/w/", r0 + 1, r)) {
            r.awaitSize(2);
            store.delete("/w/a", 0);          // +5
            store.create("/x/other2", b("")); // +6
            store.update("/w/b", b("b2"), r0 + 4); // +7
            r.awaitSize(4);

            List<Event> want = List.of(
                    new Event(Type.UPDATED, "/w/a", b("a2"), b("a1"), r0 + 1, r0 + 3),
                    new Event(Type.CREATED, "/w/b", b("b1"), null, r0 + 4, r0 + 4),
                    new Event(Type.DELETED, "/w/a", b("a2"), b("a2"), r0 + 1, r0 + 5),
                    new Event(Type.UPDATED, "/w/b", b("b2"), b("b1"), r0 + 4, r0 + 7));
            assertEvents(want, r.events);
        }
    }

    @Test
    public void watchFromListRevisionSeesExactlyTheFollowingWrites() {
        store.create("/p/a", b("1"));
        ListResult l = store.list("/p/");
        Recorder r = new Recorder();
        store.create("/p/b", b("2"));
        try (Store.Watch _ = store.watch("/p/", l.revision(), r)) {
            store.create("/p/c", b("3"));
            r.awaitSize(2);
            assertEquals(List.of(r0 + 2, r0 + 3), r.revisions());
        }
    }

    @Test
    public void watchFromAFutureRevisionWaitsForIt() {
        store.create("/f/a", b("1"));                 // +1
        Recorder live = new Recorder();
        store.watch("/f/", r0 + 1, live);
        Recorder future = new Recorder();
        store.watch("/f/", r0 + 3, future);           // sees revisions > r0+3 only
        store.create("/f/b", b("2"));                 // +2
        store.create("/f/c", b("3"));                 // +3
        store.create("/f/d", b("4"));                 // +4
        store.update("/f/a", b("5"), 0);              // +5
        live.awaitSize(4);
        future.awaitSize(2);
        assertEquals(List.of(r0 + 2, r0 + 3, r0 + 4, r0 + 5), live.revisions());
        assertEquals(List.of(r0 + 4, r0 + 5), future.revisions());
    }

    @Test
    public void concurrentWritersEveryWatcherSeesEveryRevisionOnceInOrder() throws Exception {
        int threads = 4, perThread = 150, total = threads * perThread;
        List<Recorder> all = new ArrayList<>();
        List<Store.Watch> handles = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Recorder r = new Recorder();
            all.add(r);
            handles.add(store.watch("/c/", r0, r));
        }
        List<Recorder> perPrefix = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Recorder r = new Recorder();
            perPrefix.add(r);
            handles.add(store.watch("/c/t" + t + "/", r0, r));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int tt = t;
            fs.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    String key = "/c/t" + tt + "/" + (i % 20);
                    if (store.get(key).isEmpty()) store.create(key, b(tt + ":" + i));
                    else store.update(key, b(tt + ":" + i), 0);
                }
                return null;
            }));
        }
        start.countDown();
        Thread.sleep(20);
        Recorder late = new Recorder(); // started mid-stream from r0: its replay races with live writes
        all.add(late);
        handles.add(store.watch("/c/", r0, late));
        for (Future<?> f : fs) f.get();
        pool.shutdown();
        assertEquals(r0 + total, store.currentRevision());

        List<Long> every = new ArrayList<>();
        for (long rev = r0 + 1; rev <= r0 + total; rev++) every.add(rev);
        for (Recorder r : all) {
            r.awaitSize(total);
            Thread.sleep(10);
            assertEquals(every, r.revisions());
        }
        for (int t = 0; t < threads; t++) {
            Recorder r = perPrefix.get(t);
            r.awaitSize(perThread);
            String prefix = "/c/t" + t + "/";
            assertTrue(r.events.stream().allMatch(e -> e.key().startsWith(prefix)));
            for (int i = 0; i < perThread; i++) assertEquals(t + ":" + i, s(r.events.get(i).value()), "own writes in order");
        }
        for (Store.Watch h : handles) h.close();
    }

    @Test
    public void watchPrefixesMatchExactly() {
        List<String> prefixes = List.of("", "/", "/a", "/a/", "/a/b", "/b/", "/a/b", "zzz");
        List<Recorder> rs = new ArrayList<>();
        List<Store.Watch> ws = new ArrayList<>();
        for (String p : prefixes) {
            Recorder r = new Recorder();
            rs.add(r);
            ws.add(store.watch(p, r0, r));
        }
        List<String> keys = List.of("/a", "/a/", "/a/b", "/a/bc", "/ab", "/b/x", "x", "/a/b/c", "/b");
        for (String k : keys) store.create(k, b(k));
        for (int i = 0; i < prefixes.size(); i++) {
            String p = prefixes.get(i);
            List<String> want = keys.stream().filter(k -> k.startsWith(p)).toList();
            rs.get(i).awaitSize(want.size());
            assertEquals(want, rs.get(i).events.stream().map(Event::key).toList(), "prefix '" + p + "'");
        }
        ws.get(1).close();
        ws.get(4).close();
        store.create("/a/b/d", b("x"));
        store.create("/c", b("y"));
        rs.get(0).awaitSize(keys.size() + 2);
        Recorder second = rs.get(6);
        second.awaitSize(4);
        assertEquals("/a/b/d", second.events.getLast().key());
        assertEquals(keys.stream().filter(k -> k.startsWith("/")).count(), rs.get(1).events.size(), "closed: nothing new");
        assertEquals(3, rs.get(4).events.size(), "closed: nothing new");
        for (Store.Watch w : ws) w.close();
    }

    @Test
    public void listenerThatThrowsIsClosedAndOthersContinue() {
        Recorder good = new Recorder();
        RuntimeException boom = new RuntimeException("boom");
        Recorder bad = new Recorder() {
            @Override public void onEvent(Event event) {
                super.onEvent(event);
                throw boom;
            }
        };
        store.watch("/", r0, good);
        store.watch("/", r0, bad);
        store.create("/a", b("1"));
        store.create("/b", b("2"));
        good.awaitSize(2);
        assertEquals(boom, bad.closed.join());
        assertEquals(1, bad.events.size(), "no event after the throw");
        assertFalse(good.closed.isDone());
    }

    @Test
    public void closedWatchGetsNoMoreEvents() {
        Recorder r = new Recorder();
        Store.Watch w = store.watch("/", r0, r);
        store.create("/a", b("1"));
        r.awaitSize(1);
        w.close();
        w.close(); // idempotent
        Recorder witness = new Recorder();
        store.watch("/", r0 + 1, witness);
        store.create("/b", b("2"));
        witness.awaitSize(1);
        assertEquals(1, r.events.size());
        assertFalse(r.closed.isDone(), "Watch.close() does not call onClose");
    }

    @Test
    public void closeFromInsideTheListenerStopsDelivery() {
        AtomicInteger seen = new AtomicInteger();
        Store.Watch[] self = new Store.Watch[1];
        CountDownLatch registered = new CountDownLatch(1);
        self[0] = store.watch("/", r0, event -> {
            try {
                registered.await();
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
            seen.incrementAndGet();
            self[0].close();
        });
        registered.countDown();
        store.create("/a", b("1"));
        store.create("/b", b("2"));
        Recorder witness = new Recorder();
        store.watch("/", r0, witness);
        witness.awaitSize(2);
        assertEquals(1, seen.get());
    }

    @Test
    public void storeCloseEndsWatchesWithUnavailable() {
        Recorder r = new Recorder();
        store.watch("/", r0, r);
        store.close();
        assertInstanceOf(StoreException.Unavailable.class, r.closed.join());
    }

    // ------------------------------------------------------------------------------------------------ compaction

    @Test
    public void compactionKeepsLiveKeysAndRejectsOldWatches() throws Exception {
        store.create("/a", b("a1"));      // +1
        store.create("/b", b("b1"));      // +2
        store.update("/a", b("a2"), 0);   // +3
        store.create("/c", b("c1"));      // +4
        store.delete("/b", 0);            // +5
        store.update("/a", b("a3"), 0);   // +6
        store.create("/d", b("d1"));      // +7

        store.compact(r0 + 5);
        assertEquals(r0 + 5, store.compactedRevision());
        assertEquals("a3", s(store.get("/a").orElseThrow().value()));
        assertEquals(r0 + 4, store.get("/c").orElseThrow().modRevision());
        assertEquals(Optional.empty(), store.get("/b"));
        ListResult l = store.list("/");
        assertEquals(List.of("/a", "/c", "/d"), l.entries().stream().map(Entry::key).toList());
        assertEquals(r0 + 7, l.revision());

        var ex = assertThrows(StoreException.Compacted.class, () -> store.watch("/", r0 + 4, new Recorder()));
        assertEquals(r0 + 5, ex.compactedRevision());
        Recorder r = new Recorder();
        try (Store.Watch _ = store.watch("/", r0 + 5, r)) { // at the compacted revision: everything after is intact
            store.update("/c", b("c2"), r0 + 4);
            r.awaitSize(3);
            assertEquals(List.of(r0 + 6, r0 + 7, r0 + 8), r.revisions());
        }

        store.compact(r0 + 3); // at or below the compacted revision: no-op
        assertEquals(r0 + 5, store.compactedRevision());
        long head = store.currentRevision();
        assertThrows(IllegalArgumentException.class, () -> store.compact(head + 100));
        store.compact(head);
        assertEquals(head, store.compactedRevision());
        assertEquals(List.of("/a", "/c", "/d"), store.list("/").entries().stream().map(Entry::key).toList());
        assertThrows(StoreException.Compacted.class, () -> store.watch("/", head - 1, new Recorder()));
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    @Test
    public void everyMethodFailsAfterClose() {
        store.create("/a", b("1"));
        store.close();
        store.close(); // idempotent
        List<Runnable> calls = List.of(
                () -> store.currentRevision(),
                () -> store.compactedRevision(),
                () -> store.get("/a"),
                () -> store.list("/"),
                () -> store.create("/b", b("x")),
                () -> store.update("/a", b("x"), 0),
                () -> store.delete("/a", 0),
                () -> store.watch("/", 0, new Recorder()),
                () -> store.compact(1));
        for (Runnable c : calls) {
            var e = assertThrows(StoreException.Unavailable.class, c::run);
            assertTrue(e.getMessage().contains(identity()), e.getMessage());
        }
        store = null;
    }
}
