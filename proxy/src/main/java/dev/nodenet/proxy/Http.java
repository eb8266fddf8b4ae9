package dev.nodenet.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.nodenet.netlink.NetNs;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/** Small helpers around the JDK HTTP server. Stateless. */
final class Http {
    private Http() {
    }

    /** Parses {@code host:port} / {@code [v6]:port}. @throws IllegalArgumentException naming the problem */
    static InetSocketAddress parseBindAddress(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) throw new IllegalArgumentException("expected host:port");
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port is not a number");
        }
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range");
        return new InetSocketAddress(IpAddresses.parse(host.isEmpty() ? "0.0.0.0" : host), port);
    }

    /** Binds a server (inside {@code netns} when given, so its socket lives there) with a small virtual-thread executor. */
    static HttpServer bind(InetSocketAddress address, NetNs netns) throws IOException {
        HttpServer server = netns == null ? HttpServer.create(address, 16) : netns.call(() -> HttpServer.create(address, 16));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        return server;
    }

    static void reply(HttpExchange ex, int status, String contentType, String body) {
        try (ex) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.sendResponseHeaders(status, -1);
                return;
            }
            ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True if the request path is exactly {@code path}, else answers 404 and returns false. */
    static boolean exact(HttpExchange ex, String path) {
        if (ex.getRequestURI().getPath().equals(path)) return true;
        notFound(ex);
        return false;
    }

    static void notFound(HttpExchange ex) {
        reply(ex, 404, "text/plain; charset=utf-8", "404 page not found\n");
    }
}
