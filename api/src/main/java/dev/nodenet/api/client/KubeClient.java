package dev.nodenet.api.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodenet.api.codec.Json;
import dev.nodenet.api.model.ObjectList;
import dev.nodenet.api.model.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * A small REST client for any Kubernetes API server over {@link HttpClient}: get, list, create, update, patch, delete
 * and watch of a {@link Resource}, typed by the resource's class. Failures the server reports become
 * {@link KubeApiException} with the server's Status; transport failures become {@link UncheckedIOException} (an
 * interrupt too, with the thread's interrupt flag kept set).
 * <p>HTTP/2 is used for https servers (negotiated by ALPN, falling back to HTTP/1.1) and HTTP/1.1 for plain http,
 * unless a version is forced. TLS and the Authorization header come from the {@link KubeConfig}.
 * <p>Thread-safe: one instance is meant to be shared by all informers of a process.
 */
public final class KubeClient {
    /** How a patch body is to be interpreted. */
    public enum PatchType {
        JSON("application/json-patch+json"),
        MERGE("application/merge-patch+json"),
        STRATEGIC_MERGE("application/strategic-merge-patch+json");

        final String contentType;

        PatchType(String contentType) {
            this.contentType = contentType;
        }
    }

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final String USER_AGENT = "nodenet/0.1";

    private final KubeConfig config;
    private final HttpClient http;
    private final Duration requestTimeout;

    /** A client with the default HTTP version choice and a 30 s request timeout. */
    public KubeClient(KubeConfig config) {
        this(config, null, Duration.ofSeconds(30));
    }

    /**
     * @param version null for the default choice (HTTP/2 over https, HTTP/1.1 over http)
     * @param requestTimeout limit for a whole non-watch request, and for a watch's response headers
     */
    public KubeClient(KubeConfig config, HttpClient.Version version, Duration requestTimeout) {
        this.config = config;
        this.requestTimeout = requestTimeout;
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(version != null ? version
                        : config.server().getScheme().equals("https") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1);
        if (config.sslContext() != null) b.sslContext(config.sslContext());
        this.http = b.build();
    }

    public KubeConfig config() {
        return config;
    }

    public <T> T get(Resource<T> resource, String namespace, String name) {
        return send("GET", resource.path(namespace, name), null, null, resource.type());
    }

    /** One list call (one page if {@code options.limit} is set). {@code namespace} null lists all namespaces. */
    public <T> ObjectList<T> list(Resource<T> resource, String namespace, ListOptions options) {
        HttpResponse<byte[]> r = exchange("GET", withQuery(resource.path(namespace, null), options.query(false)), null, null);
        return Json.read(r.body(), Json.listType(resource.type()));
    }

    public <T> T create(Resource<T> resource, String namespace, T object) {
        return send("POST", resource.path(namespace, null), "application/json", Json.writeBytes(object), resource.type());
    }

    /** PUT: replaces the object; its metadata.resourceVersion makes it a compare-and-swap (409 Conflict if stale). */
    public <T> T update(Resource<T> resource, String namespace, String name, T object) {
        return send("PUT", resource.path(namespace, name), "application/json", Json.writeBytes(object), resource.type());
    }

    /** PATCH with a body encoded as JSON (a list of operations for {@link PatchType#JSON}, a partial object otherwise). */
    public <T> T patch(Resource<T> resource, String namespace, String name, PatchType type, Object patch) {
        return send("PATCH", resource.path(namespace, name), type.contentType, Json.writeBytes(patch), resource.type());
    }

    /** PATCH of the object's {@code status} subresource (what a kubelet writes for its Pods and its Node). */
    public <T> T patchStatus(Resource<T> resource, String namespace, String name, PatchType type, Object patch) {
        return send("PATCH", resource.path(namespace, name) + "/status", type.contentType, Json.writeBytes(patch), resource.type());
    }

    /**
     * DELETE with a grace period ({@code DeleteOptions.gracePeriodSeconds}); 0 deletes a Pod at once, which is what a
     * kubelet does once the Pod's containers stopped.
     */
    public JsonNode delete(Resource<?> resource, String namespace, String name, long gracePeriodSeconds) {
        if (gracePeriodSeconds < 0) throw new IllegalArgumentException("gracePeriodSeconds must not be negative: " + gracePeriodSeconds);
        byte[] body = Json.writeBytes(Map.of("apiVersion", "v1", "kind", "DeleteOptions", "gracePeriodSeconds", gracePeriodSeconds));
        return send("DELETE", resource.path(namespace, name), "application/json", body, JsonNode.class);
    }

    /** DELETE; returns the server's answer, a Status or the object being deleted (when it has finalizers). */
    public JsonNode delete(Resource<?> resource, String namespace, String name) {
        return send("DELETE", resource.path(namespace, name), null, null, JsonNode.class);
    }

    /**
     * Opens a watch ({@code watch=1&allowWatchBookmarks=true} plus the options); returns once the server answered with
     * 200 and the stream is ready to read.
     * @throws KubeApiException for an error status (410 when {@code options.resourceVersion} is too old)
     * @throws IOException when the server cannot be reached
     */
    public Watch watch(Resource<?> resource, String namespace, ListOptions options) throws IOException, InterruptedException {
        String path = withQuery(resource.path(namespace, null), options.query(true));
        HttpResponse<InputStream> r = http.send(request("GET", path, null, null).timeout(requestTimeout).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            byte[] body;
            try (InputStream in = r.body()) {
                body = in.readNBytes(64 * 1024);
            }
            throw error("GET " + path, r.statusCode(), body);
        }
        try {
            return new Watch(r.body());
        } catch (IOException e) {
            r.body().close();
            throw e;
        }
    }

    private <R> R send(String method, String path, String contentType, byte[] body, Class<R> type) {
        HttpResponse<byte[]> r = exchange(method, path, contentType, body);
        return Json.read(r.body(), Json.mapper().constructType(type));
    }

    private HttpResponse<byte[]> exchange(String method, String path, String contentType, byte[] body) {
        HttpResponse<byte[]> r;
        try {
            r = http.send(request(method, path, contentType, body).timeout(requestTimeout).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + config.server() + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(method + " " + path + ": interrupted", new java.io.InterruptedIOException());
        }
        if (r.statusCode() / 100 != 2) throw error(method + " " + path, r.statusCode(), r.body());
        return r;
    }

    private HttpRequest.Builder request(String method, String path, String contentType, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Accept", "application/json")
                .header("User-Agent", USER_AGENT);
        if (contentType != null) b.header("Content-Type", contentType);
        config.authorization().ifPresent(a -> b.header("Authorization", a));
        return b;
    }

    private String base() {
        String s = config.server().toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String withQuery(String path, String query) {
        return query.isEmpty() ? path : path + "?" + query;
    }

    /** Decodes the error body as a Status, or synthesises one from the HTTP code. */
    static KubeApiException error(String request, int code, byte[] body) {
        Status status = null;
        try {
            JsonNode node = Json.mapper().readTree(body);
            if (node != null && "Status".equals(node.path("kind").asText())) status = Json.convert(node, Status.class);
        } catch (IOException | IllegalArgumentException e) {
            // not JSON: fall through to a synthesised Status
        }
        if (status != null && status.code() == null) {
            status = new Status(status.apiVersion(), status.kind(), status.metadata(), status.status(), status.message(),
                    status.reason(), status.details(), code, status.extra());
        }
        if (status == null) {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            if (text.length() > 200) text = text.substring(0, 200) + "...";
            status = Status.failure(code, REASONS.getOrDefault(code, "Unknown"), text.isEmpty() ? "HTTP " + code : text);
        }
        return new KubeApiException(request, status);
    }

    private static final Map<Integer, String> REASONS = Map.of(400, "BadRequest", 401, "Unauthorized", 403, "Forbidden",
            404, "NotFound", 405, "MethodNotAllowed", 409, "Conflict", 410, "Gone", 422, "Invalid", 429, "TooManyRequests",
            500, "InternalError");
}
