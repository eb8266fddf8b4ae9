package dev.nodenet.api.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A scriptable plain-HTTP stand-in for an API server (JDK HttpServer on 127.0.0.1, no name lookups). List calls are
 * (GETs of {@link #listPath}) are answered from {@link #lists}, watch calls run the next {@link #watches} script, anything else goes to
 * {@link #other}. Every request is recorded in {@link #requests}.
 */
final class FakeApiServer implements AutoCloseable {
    record Request(String method, String path, Map<String, String> query, String body, String contentType, String authorization) {
        String q(String key) {
            return query.get(key);
        }
    }

    record Response(int code, String body) {
    }

    /** Serves one watch request. */
    interface WatchScript {
        void serve(HttpExchange exchange) throws IOException, InterruptedException;
    }

    enum Ending { CLEAN, DROP, HOLD }

    final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    /** List bodies, used in order; the last one keeps being served. */
    final BlockingQueue<String> lists = new LinkedBlockingQueue<>();
    /** Watch scripts, used in order; with none queued a watch is held open until {@link #close()}. */
    final BlockingQueue<WatchScript> watches = new LinkedBlockingQueue<>();
    /** The collection path answered from {@link #lists}. */
    volatile String listPath = "/api/v1/services";
    volatile Function<Request, Response> other = r -> new Response(404, "{\"kind\":\"Status\",\"code\":404}");

    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-api-server");
        t.setDaemon(true);
        return t;
    });
    private volatile String lastList;
    private final int port;
    private HttpServer server;

    FakeApiServer() throws IOException {
        this(0);
    }

    private FakeApiServer(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        this.port = server.getAddress().getPort();
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    int port() {
        return port;
    }

    /** Stops listening: new connections are refused, open ones are closed. */
    void stopListening() {
        server.stop(0);
    }

    /** Listens again on the same port. */
    void restart() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    static WatchScript stream(Ending ending, String... eventLines) {
        return ex -> {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            for (String line : eventLines) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            switch (ending) {
                case CLEAN -> out.close();
                // an exception makes the JDK server close the connection without the final chunk: a broken stream
                case DROP -> throw new IOException("scripted connection drop");
                case HOLD -> Thread.sleep(Long.MAX_VALUE); // interrupted by close()
            }
        };
    }

    static WatchScript status(int code, String body) {
        return ex -> reply(ex, code, body);
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> query = new LinkedHashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                query.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        Request r = new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), query, body,
                ex.getRequestHeaders().getFirst("Content-Type"), ex.getRequestHeaders().getFirst("Authorization"));
        requests.add(r);
        try {
            if ("1".equals(query.get("watch"))) {
                WatchScript script = watches.poll();
                (script == null ? stream(Ending.HOLD) : script).serve(ex);
            } else if (r.method().equals("GET") && r.path().equals(listPath)) {
                String next = lists.poll();
                if (next != null) lastList = next;
                reply(ex, 200, lastList);
            } else {
                Response resp = other.apply(r);
                reply(ex, resp.code(), resp.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ex.close();
        }
    }

    private static void reply(HttpExchange ex, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) ex.getResponseBody().write(bytes);
    }

    Request nextRequest() throws InterruptedException {
        Request r = requests.poll(5, TimeUnit.SECONDS);
        if (r == null) throw new AssertionError("no request arrived within 5 s");
        return r;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
