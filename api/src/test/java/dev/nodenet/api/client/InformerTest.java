package dev.nodenet.api.client;

import static dev.nodenet.api.client.FakeApiServer.Ending.CLEAN;
import static dev.nodenet.api.client.FakeApiServer.Ending.DROP;
import static dev.nodenet.api.client.FakeApiServer.Ending.HOLD;
import static dev.nodenet.api.client.FakeApiServer.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodenet.api.codec.Json;
import dev.nodenet.api.model.ListMeta;
import dev.nodenet.api.model.ObjectList;
import dev.nodenet.api.model.ObjectMeta;
import dev.nodenet.api.model.Service;
import dev.nodenet.api.model.Status;
import dev.nodenet.api.model.WatchEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InformerTest {
    private static final String PROXY_SELECTOR = "!service.kubernetes.io/service-proxy-name,!service.kubernetes.io/headless";

    private FakeApiServer server;
    private Informer<Service> informer;
    private final BlockingQueue<String> calls = new LinkedBlockingQueue<>();
    private final Set<String> handlerThreads = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void setUp() throws IOException {
        server = new FakeApiServer();
    }

    @AfterEach
    void tearDown() {
        if (informer != null) informer.stop();
        server.close();
    }

    static Service svc(String name, String rv, String... labels) {
        ObjectMeta meta = ObjectMeta.of("default", name).withResourceVersion(rv);
        for (int i = 0; i < labels.length; i += 2) meta = meta.withLabel(labels[i], labels[i + 1]);
        return Service.of(meta);
    }

    static String list(String rv, Service... items) {
        return Json.write(new ObjectList<>("v1", "ServiceList", new ListMeta(rv, null, null), List.of(items)));
    }

    static String event(String type, Object object) {
        return Json.write(WatchEvent.of(type, object));
    }

    static String bookmark(String rv) {
        return event(WatchEvent.BOOKMARK, Service.of(new ObjectMeta(null, null, null, null, rv, null, null, null, null, null,
                null, null, null)));
    }

    static final String GONE = Json.write(Status.failure(410, "Expired", "too old resource version: 3 (9)"));

    private Informer<Service> start(Duration initialBackoff, Duration maxBackoff) {
        KubeClient client = new KubeClient(KubeConfig.of(server.uri()), HttpClient.Version.HTTP_1_1, Duration.ofSeconds(5));
        informer = Informer.builder(client, Resource.SERVICES)
                .labelSelector(PROXY_SELECTOR)
                .backoff(initialBackoff, maxBackoff)
                .handler(new Informer.Handler<Service>() {
                    @Override
                    public void onAdd(Service s) {
                        record("add " + s.name() + "@" + s.resourceVersion());
                    }

                    @Override
                    public void onUpdate(Service old, Service now) {
                        record("update " + now.name() + "@" + old.resourceVersion() + "->" + now.resourceVersion());
                    }

                    @Override
                    public void onDelete(Service s) {
                        record("delete " + s.name() + "@" + s.resourceVersion());
                    }
                })
                .build();
        informer.start();
        return informer;
    }

    private void record(String call) {
        handlerThreads.add(Thread.currentThread().getName());
        calls.add(call);
    }

    private void expectCalls(String... expected) throws InterruptedException {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < expected.length; i++) {
            String c = calls.poll(5, TimeUnit.SECONDS);
            if (c == null) break;
            got.add(c);
        }
        assertEquals(Arrays.asList(expected), got);
    }

    private FakeApiServer.Request nextWatch() throws InterruptedException {
        while (true) {
            FakeApiServer.Request r = server.nextRequest();
            if ("1".equals(r.q("watch"))) return r;
        }
    }

    @Test
    void listsThenWatchesWithBookmarksAndRewatchesFromTheLastVersion() throws Exception {
        server.lists.add(list("12", svc("a", "10"), svc("b", "11"),
                svc("headless", "9", "service.kubernetes.io/headless", "")));
        server.watches.add(stream(DROP,
                event(WatchEvent.ADDED, svc("c", "13")),
                event(WatchEvent.MODIFIED, svc("a", "14")),
                bookmark("20")));
        // a replay of an object the cache already has is not an update
        server.watches.add(stream(CLEAN, event(WatchEvent.ADDED, svc("c", "13")), event(WatchEvent.DELETED, svc("b", "22"))));
        start(Duration.ofMillis(50), Duration.ofMillis(400));

        FakeApiServer.Request listReq = server.nextRequest();
        assertNull(listReq.q("watch"));
        assertEquals(PROXY_SELECTOR.replace("service-proxy-name,!service.kubernetes.io/headless",
                "headless,!service.kubernetes.io/service-proxy-name"), listReq.q("labelSelector"));
        assertTrue(informer.awaitSynced(Duration.ofSeconds(5)));

        FakeApiServer.Request w1 = nextWatch();
        assertEquals("12", w1.q("resourceVersion"));
        assertEquals("true", w1.q("allowWatchBookmarks"));
        assertEquals(listReq.q("labelSelector"), w1.q("labelSelector"));
        long timeout = Long.parseLong(w1.q("timeoutSeconds"));
        assertTrue(timeout >= 300 && timeout <= 600, "timeoutSeconds " + timeout);

        // the connection dropped after the bookmark: re-watch from the bookmark's version
        assertEquals("20", nextWatch().q("resourceVersion"));
        // the second watch ended cleanly after a delete: re-watch from the delete's version
        assertEquals("22", nextWatch().q("resourceVersion"));

        expectCalls("add a@10", "add b@11", "add c@13", "update a@10->14", "delete b@22");
        assertEquals("14", informer.get("default", "a").resourceVersion());
        assertNull(informer.get("default", "b"));
        assertNull(informer.get("default", "headless"), "filtered by the label selector locally too");
        assertEquals(Set.of("a", "c"), Set.copyOf(informer.list().stream().map(Service::name).toList()));
        assertEquals("22", informer.lastResourceVersion());
        assertEquals(1, handlerThreads.size());
        assertTrue(handlerThreads.iterator().next().startsWith("informer-services"), handlerThreads.toString());
    }

    @Test
    void goneErrorEventRelistsAndDispatchesOnlyTheDifferences() throws Exception {
        server.lists.add(list("3", svc("a", "1"), svc("b", "2"), svc("c", "3")));
        server.lists.add(list("9", svc("a", "1"), svc("b", "5"), svc("d", "6")));
        server.watches.add(stream(HOLD, event(WatchEvent.ERROR, Status.failure(410, "Expired", "too old"))));
        start(Duration.ofMillis(50), Duration.ofMillis(400));

        expectCalls("add a@1", "add b@2", "add c@3", "delete c@3", "update b@2->5", "add d@6");
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            FakeApiServer.Request r = server.nextRequest();
            order.add(r.q("watch") == null ? "list" : "watch@" + r.q("resourceVersion"));
        }
        assertEquals(List.of("list", "watch@3", "list", "watch@9"), order);
        assertEquals("9", informer.lastResourceVersion());
        assertEquals(Set.of("a", "b", "d"), Set.copyOf(informer.list().stream().map(Service::name).toList()));
    }

    @Test
    void http410OnRewatchRelists() throws Exception {
        server.lists.add(list("5", svc("a", "4")));
        server.lists.add(list("8", svc("b", "7")));
        server.watches.add(stream(DROP, event(WatchEvent.ADDED, svc("b", "6"))));
        server.watches.add(FakeApiServer.status(410, GONE));
        start(Duration.ofMillis(50), Duration.ofMillis(400));

        expectCalls("add a@4", "add b@6", "delete a@4", "update b@6->7");
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            FakeApiServer.Request r = server.nextRequest();
            order.add(r.q("watch") == null ? "list" : "watch@" + r.q("resourceVersion"));
        }
        assertEquals(List.of("list", "watch@5", "watch@6", "list", "watch@8"), order);
    }

    @Test
    void backsOffWhileTheServerIsDownThenRecovers() throws Exception {
        server.lists.add(list("5", svc("a", "4")));
        server.watches.add(stream(HOLD, event(WatchEvent.ADDED, svc("b", "6"))));
        start(Duration.ofMillis(50), Duration.ofMillis(400));
        expectCalls("add a@4", "add b@6");
        nextWatch();

        // the server goes away: first it resets every connection (so attempts can be counted), then refuses them
        server.stopListening();
        List<Long> attemptsNs = new CopyOnWriteArrayList<>();
        try (ServerSocket resetter = new ServerSocket()) {
            resetter.setReuseAddress(true);
            resetter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Socket s = resetter.accept();
                        attemptsNs.add(System.nanoTime());
                        s.setSoLinger(true, 0);
                        s.close();
                    }
                } catch (IOException e) {
                    // resetter closed
                }
            });
            Thread.sleep(1500);
        }
        Thread.sleep(300); // refused
        // the JDK client retries a reset request once at once: count retries within 25 ms as one attempt
        List<Long> attempts = new ArrayList<>();
        for (long t : attemptsNs) {
            if (attempts.isEmpty() || t - attempts.get(attempts.size() - 1) > 25_000_000) attempts.add(t);
        }
        assertTrue(attempts.size() >= 3 && attempts.size() <= 12, "attempts while down: " + attempts.size());
        List<Long> gapsMs = new ArrayList<>();
        for (int i = 1; i < attempts.size(); i++) gapsMs.add((attempts.get(i) - attempts.get(i - 1)) / 1_000_000);
        long firstGaps = Math.min(gapsMs.get(0), gapsMs.get(Math.min(1, gapsMs.size() - 1)));
        long lastGap = gapsMs.get(gapsMs.size() - 1);
        assertTrue(lastGap >= 200 && lastGap > firstGaps, "gaps between attempts grow: " + gapsMs);

        server.requests.clear();
        server.restart();
        long restartedNs = System.nanoTime();
        FakeApiServer.Request w = nextWatch();
        assertEquals("6", w.q("resourceVersion"), "re-watch from the last version, no relist");
        assertTrue((System.nanoTime() - restartedNs) / 1_000_000 < 1500, "recovered within the max backoff");
        assertTrue(server.requests.stream().noneMatch(r -> r.q("watch") == null));
        assertTrue(calls.isEmpty(), "nothing changed, nothing dispatched: " + calls);
        assertTrue(informer.hasSynced());
    }

    @Test
    void neverSpinsOnWatchesThatEndAtOnceOrFail() throws Exception {
        server.lists.add(list("5", svc("a", "4")));
        for (int i = 0; i < 100; i++) {
            server.watches.add(i % 2 == 0 ? stream(CLEAN)
                    : stream(CLEAN, event(WatchEvent.ERROR, Status.failure(500, "InternalError", "etcd unavailable"))));
        }
        start(Duration.ofMillis(50), Duration.ofMillis(400));
        expectCalls("add a@4");
        Thread.sleep(1200);
        List<FakeApiServer.Request> seen = new ArrayList<>(server.requests);
        List<FakeApiServer.Request> watches = seen.stream().filter(r -> "1".equals(r.q("watch"))).toList();
        assertTrue(watches.size() >= 3 && watches.size() <= 9, "watches in 1.2 s: " + watches.size());
        assertTrue(watches.stream().allMatch(r -> r.q("resourceVersion").equals("5")), "always from the list's version");
        assertEquals(1, seen.size() - watches.size(), "a single list");
    }

    @Test
    void aFailingHandlerDoesNotStopTheOthersOrTheInformer() throws Exception {
        server.lists.add(list("5", svc("a", "4")));
        server.watches.add(stream(HOLD, event(WatchEvent.ADDED, svc("b", "6"))));
        KubeClient client = new KubeClient(KubeConfig.of(server.uri()));
        informer = Informer.builder(client, Resource.SERVICES)
                .fieldSelector("metadata.name!=ignored")
                .handler(new Informer.Handler<Service>() {
                    @Override
                    public void onAdd(Service s) {
                        throw new IllegalStateException("handler bug");
                    }
                })
                .handler(new Informer.Handler<Service>() {
                    @Override
                    public void onAdd(Service s) {
                        record("add " + s.name());
                    }
                })
                .build();
        informer.start();
        expectCalls("add a", "add b");
        assertEquals("metadata.name!=ignored", server.nextRequest().q("fieldSelector"));
    }

    @Test
    void stopEndsTheInformerThreadPromptly() throws Exception {
        server.lists.add(list("5", svc("a", "4")));
        start(Duration.ofMillis(50), Duration.ofMillis(400));
        expectCalls("add a@4");
        nextWatch(); // now blocked reading a held watch
        long t0 = System.nanoTime();
        informer.stop();
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 2000, "stop took too long");
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("informer-services")),
                "informer thread still alive");
        assertNull(server.requests.poll(300, TimeUnit.MILLISECONDS), "no requests after stop");
    }
}
