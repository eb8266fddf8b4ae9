package dev.nodenet.controlplane.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsExchange;

import javax.net.ssl.SSLSession;
import dev.nodenet.controlplane.patch.PatchType;
import dev.nodenet.controlplane.protobuf.KubeProtobuf;
import dev.nodenet.controlplane.protobuf.ProtobufException;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Routes Kubernetes REST requests to discovery, the {@link Registry} and {@link WatchSession}s, and turns every
 * failure into a Status response. A client mistake is never a 500: only unexpected exceptions are, and they are logged.
 *
 * <p>Called by the HTTP server on one virtual thread per request; holds no per-request state.
 */
final class ApiHandler implements HttpHandler {
    private static final Logger LOG = System.getLogger("nodenet.apiserver");

    private final ApiServer.Context ctx;
    private final ObjectMapper mapper;
    private final Registry registry;
    private final Discovery discovery;
    private final Clock clock;

    ApiHandler(ApiServer.Context ctx) {
        this.ctx = ctx;
        this.mapper = ctx.mapper();
        this.registry = ctx.registry();
        this.discovery = ctx.discovery();
        this.clock = ctx.clock();
    }

    @Override
    public void handle(HttpExchange exchange) {
        Request req = null;
        try {
            req = new Request(exchange);
            route(req);
        } catch (ApiException e) {
            if (req != null) req.drain();
            sendStatus(exchange, e);
        } catch (IOException e) {
            // the client went away mid-request; nothing to answer
            LOG.log(Level.DEBUG, "I/O error serving request: {0}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "internal error serving " + (req == null ? "?" : req.method + " " + req.path), e);
            sendStatus(exchange, ApiException.internal("an internal error occurred: " + e.getClass().getSimpleName() + ": " + e.getMessage()));
        } finally {
            exchange.close();
        }
    }

    private void route(Request req) throws IOException {
        List<String> s = req.segments;
        if (s.isEmpty()) {
            requireAuth(req);
            ObjectNode paths = mapper.createObjectNode();
            ArrayNode arr = paths.putArray("paths");
            for (String p : List.of("/api", "/api/v1", "/apis", "/healthz", "/livez", "/openapi/v3", "/readyz", "/version")) arr.add(p);
            for (ResourceType t : ResourceType.ALL) if (!t.group().isEmpty()) arr.add("/apis/" + t.group()).add("/apis/" + t.apiVersion());
            sendJson(req.exchange, 200, paths);
            return;
        }
        switch (s.getFirst()) {
            case "healthz", "livez", "readyz" -> health(req);
            case "version" -> sendJson(req.exchange, 200, ctx.version());
            case "api" -> {
                requireAuth(req);
                if (s.size() == 1) {
                    getOnly(req);
                    sendJson(req.exchange, 200, discovery.apiVersions());
                } else if (s.get(1).equals("v1")) {
                    resources(req, "", "v1", s.subList(2, s.size()));
                } else {
                    throw ApiException.pathNotFound(req.path);
                }
            }
            case "apis" -> {
                requireAuth(req);
                if (s.size() == 1) {
                    getOnly(req);
                    sendJson(req.exchange, 200, discovery.apiGroupList());
                } else if (s.size() == 2) {
                    getOnly(req);
                    ObjectNode g = discovery.group(s.get(1));
                    if (g == null) throw ApiException.pathNotFound(req.path);
                    sendJson(req.exchange, 200, g);
                } else {
                    resources(req, s.get(1), s.get(2), s.subList(3, s.size()));
                }
            }
            case "openapi" -> {
                requireAuth(req);
                getOnly(req);
                openApi(req, s);
            }
            default -> {
                requireAuth(req);
                throw ApiException.pathNotFound(req.path);
            }
        }
    }

    private void health(Request req) throws IOException {
        getOnly(req);
        boolean ok = ctx.healthy();
        byte[] body = (ok ? "ok" : "store unavailable").getBytes();
        req.exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        req.exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        req.exchange.sendResponseHeaders(ok ? 200 : 500, body.length);
        req.exchange.getResponseBody().write(body);
    }

    private void openApi(Request req, List<String> s) throws IOException {
        if (s.size() == 2 && s.get(1).equals("v2")) {
            // kubectl 1.27/1.28 fetch the protobuf v2 document before every validated write and give up without one;
            // an empty document tells them there is nothing to validate client-side (we validate server-side).
            sendBytes(req.exchange, 200, "application/com.github.proto-openapi.spec.v2.v1.0+protobuf", new byte[0]);
            return;
        }
        if (s.size() < 2 || !s.get(1).equals("v3")) throw ApiException.pathNotFound(req.path);
        if (s.size() == 2) {
            sendBytes(req.exchange, 200, "application/json", ctx.openApi().root());
            return;
        }
        String gv = String.join("/", s.subList(2, s.size()));
        byte[] doc = ctx.openApi().document(gv).orElseThrow(() -> ApiException.pathNotFound(req.path));
        req.exchange.getResponseHeaders().set("Cache-Control", req.param("hash") != null ? "public, immutable" : "no-cache, private");
        req.exchange.getResponseHeaders().set("Etag", "\"" + ctx.openApi().hash(gv).orElse("") + "\"");
        sendBytes(req.exchange, 200, "application/json", doc);
    }

    private void requireAuth(Request req) {
        SSLSession tls = req.exchange instanceof HttpsExchange https ? https.getSSLSession() : null;
        req.user = ctx.authenticator().authenticate(req.header("Authorization"), tls);
        if (req.user == null) throw ApiException.unauthorized();
    }

    private static void getOnly(Request req) {
        if (!req.method.equals("GET") && !req.method.equals("HEAD")) throw ApiException.methodNotAllowed(req.method, req.path);
    }

    /** /api/v1/... and /apis/GROUP/VERSION/... after the version segment. */
    private void resources(Request req, String group, String version, List<String> rest) throws IOException {
        String gv = group.isEmpty() ? version : group + "/" + version;
        if (rest.isEmpty()) {
            getOnly(req);
            ObjectNode list = discovery.resourceList(gv);
            if (list == null) throw ApiException.pathNotFound(req.path);
            sendJson(req.exchange, 200, list);
            return;
        }
        boolean legacyWatch = false;
        if (rest.getFirst().equals("watch")) {
            legacyWatch = true;
            rest = rest.subList(1, rest.size());
            if (rest.isEmpty()) throw ApiException.pathNotFound(req.path);
        }
        String namespace = null;
        String plural, name = null, sub = null;
        if (rest.getFirst().equals("namespaces") && rest.size() >= 3 && !(group.isEmpty() && isNamespaceSubresource(rest))) {
            namespace = rest.get(1);
            plural = rest.get(2);
            if (rest.size() >= 4) name = rest.get(3);
            if (rest.size() >= 5) sub = rest.get(4);
            if (rest.size() > 5) throw ApiException.pathNotFound(req.path);
        } else {
            plural = rest.get(0);
            if (rest.size() >= 2) name = rest.get(1);
            if (rest.size() >= 3) sub = rest.get(2);
            if (rest.size() > 3) throw ApiException.pathNotFound(req.path);
        }
        ResourceType type = null;
        for (ResourceType t : ResourceType.ALL) if (t.apiVersion().equals(gv) && t.plural().equals(plural)) type = t;
        if (type == null) throw ApiException.pathNotFound(req.path);
        if (namespace != null && !type.namespaced()) throw ApiException.pathNotFound(req.path);
        if (sub != null && !type.subresources().contains(sub)) throw ApiException.pathNotFound(req.path);
        Registry.Part part = "status".equals(sub) ? Registry.Part.STATUS : Registry.Part.MAIN;
        if (type.namespaced() && name != null && namespace == null) throw ApiException.pathNotFound(req.path);
        ctx.authorizer().authorize(req.user, verb(req, name, legacyWatch), type, namespace, name, sub);
        if (legacyWatch) {
            if (!req.method.equals("GET")) throw ApiException.methodNotAllowed(req.method, req.path);
            watch(req, type, namespace, name);
            return;
        }
        if (name == null) collection(req, type, namespace);
        else item(req, type, namespace, name, part);
    }

    /** The Kubernetes verb of a request, as authorization sees it. */
    private static String verb(Request req, String name, boolean legacyWatch) {
        return switch (req.method) {
            case "GET", "HEAD" -> legacyWatch || (name == null && req.flag("watch")) ? "watch" : name == null ? "list" : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name == null ? "deletecollection" : "delete";
            default -> req.method.toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** /api/v1/namespaces/NAME/status and /finalize address the namespace itself. */
    private static boolean isNamespaceSubresource(List<String> rest) {
        return rest.size() == 3 && (rest.get(2).equals("status") || rest.get(2).equals("finalize"));
    }

    private void collection(Request req, ResourceType type, String namespace) throws IOException {
        switch (req.method) {
            case "GET", "HEAD" -> {
                if (req.flag("watch")) watch(req, type, namespace, null);
                else list(req, type, namespace);
            }
            case "POST" -> {
                if (type.namespaced() && namespace == null) throw ApiException.methodNotAllowed(req.method, req.path);
                ObjectNode obj = decodeBody(req, type);
                checkNamespace(type, namespace, obj);
                if (type.kind().equals("Node")) Authorizer.checkNodeCreate(req.user, obj);
                ObjectNode created = registry.create(type, namespace, obj, req.dryRun());
                sendJson(req.exchange, 201, created);
            }
            case "DELETE" -> {
                Filters filter = Filters.parse(type, req.param("labelSelector"), req.param("fieldSelector"));
                boolean dryRun = req.dryRun();
                Registry.Snapshot snap = registry.list(type, namespace, filter::matches);
                ArrayNode items = mapper.createArrayNode();
                for (ObjectNode o : snap.items()) {
                    try {
                        items.add(stripTypeMeta(registry.delete(type, Registry.metadata(o).path("namespace").asText(null), Registry.metadata(o).get("name").asText(), Registry.Preconditions.NONE, dryRun)));
                    } catch (ApiException e) {
                        if (e.code() != 404) throw e;
                    }
                }
                ObjectNode list = listObject(type, Long.toString(registry.store().currentRevision()));
                list.set("items", items);
                sendJson(req.exchange, 200, list);
            }
            default -> throw ApiException.methodNotAllowed(req.method, req.path);
        }
    }

    private void item(Request req, ResourceType type, String namespace, String name, Registry.Part part) throws IOException {
        switch (req.method) {
            case "GET", "HEAD" -> {
                ObjectNode obj = registry.get(type, namespace, name);
                if (req.wantsTable() && Tables.supports(type.kind())) {
                    sendJson(req.exchange, 200, Tables.table(type, List.of(obj), Registry.text(Registry.metadata(obj), "resourceVersion"), true, req.param("includeObject"), clock.instant()));
                } else if (req.wantsPartialMetadata()) {
                    sendJson(req.exchange, 200, Tables.partialMetadata(obj));
                } else {
                    sendJson(req.exchange, 200, obj);
                }
            }
            case "PUT" -> {
                ObjectNode obj = decodeBody(req, type);
                checkNamespace(type, namespace, obj);
                sendJson(req.exchange, 200, registry.update(type, namespace, name, obj, part, req.dryRun()));
            }
            case "PATCH" -> sendJson(req.exchange, 200, patch(req, type, namespace, name, part));
            case "DELETE" -> {
                if (part != Registry.Part.MAIN) throw ApiException.methodNotAllowed(req.method, req.path);
                Registry.Preconditions pre = deleteOptions(req);
                ObjectNode deleted = registry.delete(type, namespace, name, pre, req.dryRun());
                sendJson(req.exchange, 200, deleted);
            }
            default -> throw ApiException.methodNotAllowed(req.method, req.path);
        }
    }

    private ObjectNode patch(Request req, ResourceType type, String namespace, String name, Registry.Part part) throws IOException {
        String ct = req.contentType();
        if (ct.startsWith("application/apply-patch")) {
            throw ApiException.unsupportedMediaType(
                    "server-side apply is not supported by this server yet; use client-side kubectl apply (--server-side=false)");
        }
        PatchType kind = PatchType.fromContentType(ct).orElseThrow(() -> ApiException.unsupportedMediaType("the body of the request was in an unknown format - accepted media types include: "
                    + "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json"));
        FieldValidation.Directive directive = FieldValidation.directive(req.param("fieldValidation"));
        byte[] body = req.body();
        List<String> warnings = new java.util.ArrayList<>();
        ObjectNode result = registry.patch(type, namespace, name, current -> {
            ObjectNode patched = ctx.patching().apply(kind, type, current, body);
            warnings.clear();
            warnings.addAll(ctx.fieldValidation().checkPatched(type, patched, directive));
            return patched;
        }, part, req.dryRun());
        addWarnings(req, warnings);
        return result;
    }

    private Registry.Preconditions deleteOptions(Request req) throws IOException {
        byte[] body = req.body();
        Long queryGrace = null;
        String g = req.param("gracePeriodSeconds");
        if (g != null && !g.isEmpty()) {
            try {
                queryGrace = Long.parseLong(g);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid gracePeriodSeconds \"" + g + "\"");
            }
        }
        if (body.length == 0) return new Registry.Preconditions(null, null, queryGrace);
        JsonNode opts;
        try {
            opts = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid DeleteOptions: " + e.getOriginalMessage());
        }
        if (opts == null || !opts.isObject()) return new Registry.Preconditions(null, null, queryGrace);
        JsonNode pre = opts.path("preconditions");
        String dryRun = null;
        for (JsonNode d : opts.path("dryRun")) dryRun = d.asText();
        if (dryRun != null && !dryRun.equals("All")) throw ApiException.badRequest("unsupported dryRun value \"" + dryRun + "\"");
        Long grace = opts.hasNonNull("gracePeriodSeconds") ? Long.valueOf(opts.get("gracePeriodSeconds").asLong()) : queryGrace;
        return new Registry.Preconditions(pre.hasNonNull("uid") ? pre.get("uid").asText() : null,
                pre.hasNonNull("resourceVersion") ? pre.get("resourceVersion").asText() : null, grace);
    }

    private void list(Request req, ResourceType type, String namespace) throws IOException {
        Filters filter = Filters.parse(type, req.param("labelSelector"), req.param("fieldSelector"));
        Registry.Snapshot snap = registry.list(type, namespace, filter::matches);
        String rv = Long.toString(snap.revision());
        if (req.wantsTable() && Tables.supports(type.kind())) {
            sendJson(req.exchange, 200, Tables.table(type, snap.items(), rv, true, req.param("includeObject"), clock.instant()));
            return;
        }
        ObjectNode list = listObject(type, rv);
        ArrayNode items = list.putArray("items");
        boolean partial = req.wantsPartialMetadata();
        for (ObjectNode o : snap.items()) items.add(partial ? Tables.partialMetadata(o) : stripTypeMeta(o));
        if (partial) {
            list.put("kind", "PartialObjectMetadataList");
            list.put("apiVersion", "meta.k8s.io/v1");
        }
        sendJson(req.exchange, 200, list);
    }

    private void watch(Request req, ResourceType type, String namespace, String name) throws IOException {
        Filters filter = Filters.parse(type, req.param("labelSelector"), name == null ? req.param("fieldSelector") : "metadata.name=" + name);
        new WatchSession(ctx, req, type, namespace, filter).run();
    }

    private ObjectNode listObject(ResourceType type, String rv) {
        ObjectNode list = mapper.createObjectNode();
        list.put("kind", type.listKind());
        list.put("apiVersion", type.apiVersion());
        list.putObject("metadata").put("resourceVersion", rv);
        return list;
    }

    /** List items carry no kind/apiVersion, as kube-apiserver sends them. */
    private static ObjectNode stripTypeMeta(ObjectNode o) {
        o.remove("kind");
        o.remove("apiVersion");
        return o;
    }

    private ObjectNode decodeBody(Request req, ResourceType type) throws IOException {
        String ct = req.contentType();
        FieldValidation.Directive directive = FieldValidation.directive(req.param("fieldValidation"));
        byte[] body = req.body();
        if (body.length == 0) throw ApiException.badRequest("the request body is empty; expected a " + type.kind() + " object");
        boolean yaml = ct.equals("application/yaml");
        if (KubeProtobuf.isProtobuf(ct)) {
            // Typed clients (kubectl create namespace/service) send protobuf; the rest of the pipeline speaks JSON.
            try {
                body = mapper.writeValueAsBytes(KubeProtobuf.decode(body));
            } catch (ProtobufException e) {
                if (e.unsupported()) throw ApiException.unsupportedMediaType(e.getMessage());
                throw ApiException.badRequest("the body of the request could not be decoded as protobuf: " + e.getMessage());
            }
        } else if (!ct.isEmpty() && !ct.equals("application/json") && !yaml && !ct.equals("*/*")) {
            throw ApiException.unsupportedMediaType("the body of the request was in an unknown format - accepted media types include: "
                    + "application/json, application/yaml, application/vnd.kubernetes.protobuf");
        }
        FieldValidation.Decoded decoded = ctx.fieldValidation().decode(type, body, yaml, directive);
        ObjectNode obj = decoded.object();
        String apiVersion = Registry.text(obj, "apiVersion");
        String kind = Registry.text(obj, "kind");
        if (kind != null && !kind.isEmpty() && !kind.equals(type.kind())) {
            throw ApiException.badRequest("the kind in the data (" + kind + ") does not match the kind of the resource (" + type.kind() + ")");
        }
        if (apiVersion != null && !apiVersion.isEmpty() && !apiVersion.equals(type.apiVersion())) {
            throw ApiException.badRequest("the API version in the data (" + apiVersion + ") does not match the expected API version (" + type.apiVersion() + ")");
        }
        addWarnings(req, decoded.warnings());
        return obj;
    }

    private static void addWarnings(Request req, List<String> warnings) {
        for (String w : warnings) req.exchange.getResponseHeaders().add("Warning", "299 - \"" + w.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    }

    private static void checkNamespace(ResourceType type, String namespace, ObjectNode obj) {
        if (!type.namespaced()) return;
        String bodyNs = Registry.text(Registry.metadata(obj), "namespace");
        if (bodyNs != null && !bodyNs.isEmpty() && !bodyNs.equals(namespace)) {
            throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
    }

    void sendJson(HttpExchange ex, int code, JsonNode body) throws IOException {
        sendBytes(ex, code, "application/json", mapper.writeValueAsBytes(body));
    }

    private static void sendBytes(HttpExchange ex, int code, String contentType, byte[] bytes) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("Cache-Control", ex.getResponseHeaders().getFirst("Cache-Control") == null ? "no-cache, private" : ex.getResponseHeaders().getFirst("Cache-Control"));
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(code, -1);
            return;
        }
        ex.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length == 0) return;
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void sendStatus(HttpExchange ex, ApiException e) {
        try {
            if (e.code() == 401) ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"nodenet\"");
            sendJson(ex, e.code(), e.toStatus());
        } catch (IOException | RuntimeException ignored) {
            // headers already sent (e.g. a watch failing mid-stream) or the client left
        }
    }

    static Map<String, String> labels(ObjectNode obj) {
        JsonNode l = obj.path("metadata").path("labels");
        if (!l.isObject()) return Map.of();
        Map<String, String> m = new java.util.HashMap<>();
        l.properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }
}
