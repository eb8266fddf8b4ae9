package dev.nodenet.controlplane.storage.etcd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodenet.controlplane.storage.Store;
import dev.nodenet.controlplane.storage.Store.Entry;
import dev.nodenet.controlplane.storage.StoreException;
import dev.nodenet.controlplane.storage.StoreContractTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * {@link StoreContractTest} against a real etcd (one process for the class, a fresh key prefix per test), plus what is
 * particular to etcd: several clients on one etcd, key prefixes, compactions done by another client, etcd going away.
 */
@Timeout(180)
class EtcdStoreTest extends StoreContractTest {

    private static EtcdProcess etcd;
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    /** The key prefix of {@link #store}. */
    private String prefix;
    private final List<Store> others = new ArrayList<>();

    @BeforeAll
    static void startEtcd() throws IOException {
        // Without the binary every test is skipped by the assumption in openStore (reported per test, with the reason).
        if (EtcdProcess.binary() != null) etcd = EtcdProcess.start();
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) etcd.close();
    }

    @Override
    protected Store openStore() {
        EtcdProcess.assumeInstalled();
        prefix = "/t" + PREFIXES.incrementAndGet();
        return EtcdStore.connect(etcd.endpoints(), prefix);
    }

    @Override
    protected String identity() { return etcd.endpoint().toString(); }

    @Override
    protected int snapshotTestKeys() { return 1000; }

    @AfterEach
    void closeOthers() {
        for (Store s : others) s.close();
    }

    private EtcdStore another(String keyPrefix) {
        EtcdStore s = EtcdStore.connect(etcd.endpoints(), keyPrefix);
        others.add(s);
        return s;
    }

    // ------------------------------------------------------------------------------------------------ several clients

    @Test
    void twoApiServersOnOneEtcdSeeEachOthersWrites() {
        EtcdStore second = another(prefix);
        Recorder r = new Recorder();
        try (Store.Watch _ = store.watch("/pods/", r0, r)) {
            second.create("/pods/a", b("1"));
            second.update("/pods/a", b("2"), r0 + 1);
            store.create("/pods/b", b("3"));
            second.delete("/pods/a", 0);
            r.awaitSize(4);
            assertEquals(List.of(r0 + 1, r0 + 2, r0 + 3, r0 + 4), r.revisions());
            assertEquals("2", s(r.events.get(3).value()), "a delete written by the other client carries the last value");
        }
        assertEquals(Optional.empty(), store.get("/pods/a"));
        assertEquals("3", s(second.get("/pods/b").orElseThrow().value()));
        assertEquals(r0 + 4, second.currentRevision());
    }

    @Test
    void concurrentCreatesAndUpdatesFromTwoClientsHaveExactlyOneWinner() throws Exception {
        EtcdStore second = another(prefix);
        int perClient = 50;
        List<Integer> winners = race(perClient, (client, i) -> {
            client.create("/race", b(Integer.toString(i)));
            return i;
        }, StoreException.AlreadyExists.class, second);
        assertEquals(1, winners.size(), "exactly one create wins: " + winners);
        Entry created = store.get("/race").orElseThrow();
        assertEquals(Integer.toString(winners.getFirst()), s(created.value()));
        assertEquals(r0 + 1, store.currentRevision(), "the losers wrote nothing");

        List<Integer> updaters = race(perClient, (client, i) -> {
            client.update("/race", b("u" + i), created.modRevision());
            return i;
        }, StoreException.Conflict.class, second);
        assertEquals(1, updaters.size(), "exactly one conditional update wins: " + updaters);
        assertEquals("u" + updaters.getFirst(), s(store.get("/race").orElseThrow().value()));
        assertEquals(r0 + 2, store.currentRevision());
    }

    interface Attempt {
        int run(Store client, int i);
    }

    /** Runs {@code perClient} attempts on each of {@link #store} and {@code second} at once; returns the winners. */
    private List<Integer> race(int perClient, Attempt attempt, Class<? extends StoreException> loss, Store second) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2 * perClient);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 2 * perClient; i++) {
                int ii = i;
                Store client = i % 2 == 0 ? store : second;
                fs.add(pool.submit((Callable<Integer>) () -> {
                    go.await();
                    try {
                        return attempt.run(client, ii);
                    } catch (StoreException e) {
                        assertInstanceOf(loss, e);
                        return -1;
                    }
                }));
            }
            go.countDown();
            List<Integer> winners = new ArrayList<>();
            for (Future<Integer> f : fs) {
                int w = f.get(60, TimeUnit.SECONDS);
                if (w >= 0) winners.add(w);
            }
            return winners;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void keyPrefixesSeparateClustersSharingOneEtcd() {
        EtcdStore a = another(prefix + "/a");
        EtcdStore b = another(prefix + "/b");
        long start = store.currentRevision();
        Recorder seenByA = new Recorder();
        a.watch("", start, seenByA);
        a.create("/x", b("from a"));
        b.create("/x", b("from b"));
        b.create("/y", b("only b"));
        a.create("/z", b("a again"));

        assertEquals(List.of("/x", "/z"), a.list("").entries().stream().map(Entry::key).toList());
        assertEquals("from a", s(a.get("/x").orElseThrow().value()));
        assertEquals("from b", s(b.get("/x").orElseThrow().value()));
        assertEquals(Optional.empty(), a.get("/y"));
        // Seen from the enclosing prefix, the keys carry the cluster prefixes.
        assertEquals(List.of("/a/x", "/a/z", "/b/x", "/b/y"), store.list("").entries().stream().map(Entry::key).toList());
        seenByA.awaitSize(2);
        assertEquals(List.of("/x", "/z"), seenByA.events.stream().map(Store.Event::key).toList());
        assertEquals(List.of(start + 1, start + 4), seenByA.revisions(), "revisions are etcd's, shared by both clusters");
        assertEquals(prefix + "/a", a.keyPrefix());
    }

    @Test
    void compactionByAnotherClientIsLearned() {
        EtcdStore second = another(prefix);
        store.create("/a", b("1"));      // +1
        store.update("/a", b("2"), 0);   // +2
        store.update("/a", b("3"), 0);   // +3
        second.compact(r0 + 2);
        assertEquals(r0 + 2, store.compactedRevision(), "found by probing etcd");
        var ex = assertThrows(StoreException.Compacted.class, () -> store.watch("/", r0 + 1, new Recorder()));
        assertEquals(r0 + 2, ex.compactedRevision());
        assertEquals(r0 + 2, another(prefix).compactedRevision(), "a new client learns it when it connects");
        store.compact(r0 + 1); // already done by the other client: no-op
        assertEquals(r0 + 2, store.compactedRevision());
        assertEquals("3", s(store.get("/a").orElseThrow().value()));
        assertThrows(IllegalArgumentException.class, () -> store.compact(-1));
    }

    @Test
    void watchThatReconnectsIntoCompactedHistoryEndsWithCompacted() throws Exception {
        try (TcpProxy proxy = new TcpProxy(etcd.endpoint());
             EtcdStore viaProxy = EtcdStore.connect(List.of(proxy.endpoint()), prefix, Duration.ofSeconds(20))) {
            Recorder r = new Recorder();
            viaProxy.watch("/", r0, r);
            store.create("/a", b("1"));     // +1
            r.awaitSize(1);
            proxy.cut();
            store.update("/a", b("2"), 0);  // +2: the cut-off watch misses it ...
            store.update("/a", b("3"), 0);  // +3
            store.compact(r0 + 3);          // ... and it is compacted away before the watch is back
            proxy.reopen();
            var cause = assertInstanceOf(StoreException.Compacted.class, r.closed.get(30, TimeUnit.SECONDS));
            assertEquals(r0 + 3, cause.compactedRevision());
            assertEquals(List.of(r0 + 1), r.revisions(), "nothing delivered across the gap");
            assertEquals(r0 + 3, viaProxy.compactedRevision());
        }
    }

    // ------------------------------------------------------------------------------------------------ etcd specifics

    @Test
    void listPagesThroughMoreKeysThanOnePage() throws Exception {
        int n = EtcdStore.LIST_PAGE_SIZE * 2 + 37;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int tt = t;
                fs.add(pool.submit(() -> {
                    for (int i = tt; i < n; i += 8) store.create(String.format("/many/%05d", i), b("v" + i));
                }));
            }
            for (Future<?> f : fs) f.get();
        } finally {
            pool.shutdownNow();
        }
        Store.ListResult l = store.list("/many/");
        assertEquals(n, l.entries().size());
        for (int i = 0; i < n; i++) {
            assertEquals(String.format("/many/%05d", i), l.entries().get(i).key());
            assertEquals("v" + i, s(l.entries().get(i).value()));
        }
        assertEquals(r0 + n, l.revision());
    }

    @Test
    void valueLargerThanEtcdAcceptsIsRejectedAndNothingIsWritten() {
        store.create("/big", b("small"));
        // Above etcd's default --max-request-bytes (1.5 MiB), and above its gRPC message limit (2 MiB): two different errors.
        for (int size : List.of(1600 << 10, 3 << 20)) {
            byte[] big = new byte[size];
            var e = assertThrows(IllegalArgumentException.class, () -> store.create("/big2", big), "size " + size);
            assertTrue(e.getMessage().contains("/big2"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> store.update("/big", big, 0), "size " + size);
        }
        assertEquals(Optional.empty(), store.get("/big2"));
        assertEquals("small", s(store.get("/big").orElseThrow().value()));
        assertEquals(r0 + 1, store.currentRevision());
    }

    @Test
    void badConnectArgumentsAreRejected() throws Exception {
        List<URI> ok = etcd.endpoints();
        assertThrows(IllegalArgumentException.class, () -> EtcdStore.connect(List.of(), ""));
        var tls = assertThrows(IllegalArgumentException.class, () -> EtcdStore.connect(List.of(URI.create("https://127.0.0.1:2379")), ""));
        assertTrue(tls.getMessage().contains("TLS"), tls.getMessage());
        for (String bad : List.of("http://127.0.0.1", "http://127.0.0.1:2379/v3", "ftp://127.0.0.1:2379",
                "http://user@127.0.0.1:2379")) {
            var e = assertThrows(IllegalArgumentException.class, () -> EtcdStore.connect(List.of(URI.create(bad)), ""), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> EtcdStore.connect(ok, "", Duration.ZERO));
        assertThrows(NullPointerException.class, () -> EtcdStore.connect(ok, null));

        URI nobody = URI.create("http://127.0.0.1:" + closedPort());
        long t0 = System.nanoTime();
        var e = assertThrows(StoreException.Unavailable.class, () -> EtcdStore.connect(List.of(nobody), "", Duration.ofSeconds(2)));
        assertTrue(e.getMessage().contains(nobody.toString()), e.getMessage());
        assertTrue(elapsedMs(t0) < 5000, "failed within the timeout, took " + elapsedMs(t0) + " ms");
    }

    @Test
    void rangeEndIsThePrefixSuccessor() {
        assertArrayEquals(new byte[] {'/', 'b'}, EtcdStore.rangeEnd(new byte[] {'/', 'a'}));
        assertArrayEquals(new byte[] {'/', 'b'}, EtcdStore.rangeEnd(new byte[] {'/', 'a', (byte) 0xff, (byte) 0xff}));
        assertArrayEquals(new byte[] {0}, EtcdStore.rangeEnd(new byte[] {(byte) 0xff}));
        assertArrayEquals(new byte[] {0}, EtcdStore.rangeEnd(new byte[0]));
    }

    // ------------------------------------------------------------------------------------------------ etcd going away

    @Test
    void etcdDownMakesOperationsFailFastAndWatchesEndThenTheStoreRecovers() throws Exception {
        try (EtcdProcess own = EtcdProcess.start();
             EtcdStore s = EtcdStore.connect(own.endpoints(), "/down", Duration.ofSeconds(2))) {
            s.create("/a", b("1"));
            Recorder w = new Recorder();
            s.watch("/", s.currentRevision(), w);
            own.kill();
            List<Executable> calls = List.of(
                    s::currentRevision,
                    s::compactedRevision,
                    () -> s.get("/a"),
                    () -> s.list("/"),
                    () -> s.create("/b", b("x")),
                    () -> s.update("/a", b("x"), 0),
                    () -> s.delete("/a", 0),
                    () -> s.watch("/", 1, new Recorder()),
                    () -> s.compact(1));
            for (Executable c : calls) {
                long t0 = System.nanoTime();
                var e = assertThrows(StoreException.Unavailable.class, c);
                assertTrue(elapsedMs(t0) < 5000, "failed within 5 s, took " + elapsedMs(t0) + " ms");
                assertTrue(e.getMessage().contains(own.endpoint().toString()), e.getMessage());
            }
            var cause = assertInstanceOf(StoreException.Unavailable.class, w.closed.get(10, TimeUnit.SECONDS),
                    "the watch ends once etcd has been gone longer than the request timeout");
            assertTrue(cause.getMessage().contains(own.endpoint().toString()), cause.getMessage());

            own.restart();
            await(() -> {
                try {
                    return s.get("/a").isPresent();
                } catch (StoreException.Unavailable e) {
                    return false;
                }
            }, "the same store works again once etcd is back");
            assertEquals("1", s(s.get("/a").orElseThrow().value()));
        }
    }

    @Test
    void watchRidesOutAShortOutageWithoutGapsOrDuplicates() throws Exception {
        try (EtcdProcess own = EtcdProcess.start();
             EtcdStore s = EtcdStore.connect(own.endpoints(), "/outage", Duration.ofSeconds(15))) {
            long start = s.currentRevision();
            Recorder r = new Recorder();
            s.watch("/", start, r);
            for (int i = 0; i < 5; i++) s.create("/before/" + i, b("v"));
            r.awaitSize(5);
            own.restart();
            for (int i = 0; i < 5; i++) {
                String key = "/after/" + i;
                await(() -> {
                    try {
                        s.create(key, b("v"));
                        return true;
                    } catch (StoreException.AlreadyExists e) {
                        return true;
                    } catch (StoreException.Unavailable e) {
                        return false; // the client is still reconnecting
                    }
                }, "write " + key + " after the restart");
            }
            r.awaitSize(10);
            Recorder replay = new Recorder();
            s.watch("/", start, replay);
            replay.awaitSize(10);
            Thread.sleep(100);
            assertEquals(replay.revisions(), r.revisions(), "the live watch saw exactly the history");
            assertEquals(10, r.events.size());
            assertTrue(!r.closed.isDone(), "the watch is still open");
        }
    }

    private static long elapsedMs(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
