package dev.nodenet.controlplane.server;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request as the API layer sees it: method, path segments, decoded query parameters, and a size-limited body.
 * Confined to the request's thread.
 */
final class Request {
    /** kube-apiserver's limit for a JSON request body. */
    static final int MAX_BODY_BYTES = 3 * 1024 * 1024;
    /** How much of an oversized body is read and dropped so that the client hears the 413. */
    private static final long MAX_DRAIN_BYTES = 16L * 1024 * 1024;

    final HttpExchange exchange;
    final String method;
    final String path;
    final List<String> segments;
    final Map<String, String> query;
    /** Set once the request is authenticated. */
    UserInfo user;

    Request(HttpExchange exchange) {
        this.exchange = exchange;
        this.method = exchange.getRequestMethod();
        URI uri = exchange.getRequestURI();
        String raw = uri.getRawPath();
        this.path = URLDecoder.decode(raw == null ? "/" : raw, StandardCharsets.UTF_8);
        List<String> segs = new ArrayList<>();
        for (String s : raw == null ? new String[0] : raw.split("/")) {
            if (!s.isEmpty()) segs.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
        }
        this.segments = List.copyOf(segs);
        this.query = parseQuery(uri.getRawQuery());
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) return q;
        for (String part : raw.split("&")) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            q.putIfAbsent(k, v);
        }
        return q;
    }

    String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    String param(String name) {
        return query.get(name);
    }

    boolean flag(String name) {
        String v = query.get(name);
        return v != null && (v.isEmpty() || v.equals("1") || v.equalsIgnoreCase("true"));
    }

    /** {@code dryRun=All} (the only value kube-apiserver accepts). */
    boolean dryRun() {
        String v = query.get("dryRun");
        if (v == null || v.isEmpty()) return false;
        if (!v.equals("All")) throw ApiException.badRequest("unsupported dryRun value \"" + v + "\": only All is supported");
        return true;
    }

    /** Reads the body, refusing more than {@link #MAX_BODY_BYTES}. */
    byte[] body() throws IOException {
        String len = header("Content-Length");
        if (len != null) {
            long declared;
            try {
                declared = Long.parseLong(len.trim());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid Content-Length " + len);
            }
            if (declared > MAX_BODY_BYTES) throw ApiException.tooLarge(MAX_BODY_BYTES); // the error path drains the body
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] data = in.readNBytes(MAX_BODY_BYTES + 1);
            if (data.length > MAX_BODY_BYTES) throw ApiException.tooLarge(MAX_BODY_BYTES);
            return data;
        }
    }

    /**
     * Reads and drops whatever is left of the request body (bounded), so that an error answered before the body was
     * read reaches the client on a connection that stays usable, rather than one reset under a client still sending.
     */
    void drain() {
        try (InputStream in = exchange.getRequestBody()) {
            long left = MAX_DRAIN_BYTES;
            byte[] buf = new byte[8192];
            int n;
            while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) left -= n;
        } catch (IOException ignored) {
            // the client is gone or sent garbage; the answer is best effort
        }
    }

    /** The media type of the body without parameters, lower case; "" when absent. */
    String contentType() {
        String ct = header("Content-Type");
        if (ct == null) return "";
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase();
    }

    /** Whether the client asked for a server-side Table (kubectl get). */
    boolean wantsTable() {
        String accept = header("Accept");
        return accept != null && Arrays.stream(accept.split(",")).anyMatch(a -> a.contains("as=Table") && a.contains("g=meta.k8s.io"));
    }

    /** Whether the client asked for PartialObjectMetadata(List). */
    boolean wantsPartialMetadata() {
        String accept = header("Accept");
        if (accept == null) return false;
        String first = accept.split(",")[0];
        return first.contains("as=PartialObjectMetadata") && first.contains("g=meta.k8s.io");
    }
}
