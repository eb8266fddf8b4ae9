package dev.nodenet.controlplane.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The OpenAPI v3 documents served under {@code /openapi/v3}: the root discovery document and one document per
 * group-version, built from the server's resource table and the {@link SchemaCatalog}.
 *
 * <p>What kubectl (1.27–1.33) reads from them, and therefore what must be right:
 * <ul>
 *   <li>{@code --validate=strict} (the default): for the object's GVK, kubectl fetches the group-version document
 *       named by the root's {@code paths["api/v1"].serverRelativeURL} and looks for a path whose PATCH operation
 *       carries {@code x-kubernetes-group-version-kind} equal to the GVK; the <em>first</em> such PATCH it meets (Go
 *       map order, so effectively any) must list a query parameter named {@code fieldValidation} among the
 *       operation's own parameters ({@code in: query} is checked since 1.28). Every PATCH here (item and
 *       {@code /status}) carries it. Then kubectl sends {@code ?fieldValidation=Strict} and relies on the server.</li>
 *   <li>client-side {@code kubectl apply}: the PATCH must offer {@code application/strategic-merge-patch+json}; the
 *       component schema whose {@code x-kubernetes-group-version-kind} array contains the GVK is walked field by field
 *       to find {@code x-kubernetes-patch-strategy}/{@code -merge-key}; {@code allOf[0].$ref} is followed.</li>
 *   <li>{@code kubectl explain} reads the same components.</li>
 * </ul>
 *
 * <p>Everything is computed in the constructor; instances are immutable and thread-safe. Output is deterministic
 * (object keys sorted, as upstream emits them), so the {@code hash} in each {@code serverRelativeURL} is stable for
 * the same resource table and changes when it changes. The server should serve a document as
 * {@code application/json} with the bytes of {@link #documentBytes(String)}, whatever {@code hash} the client sent.
 */
public final class OpenApiV3 {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Name of the meta/v1 Time component (an RFC 3339 string). */
    static final String TIME = KubeSchemas.META + "Time";
    /** Name of the IntOrString component. */
    static final String INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
    /** Name of the Quantity component. */
    static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";

    private static final List<String> PATCH_CONTENT_TYPES = List.of(
            "application/apply-patch+yaml",
            "application/json-patch+json",
            "application/merge-patch+json",
            "application/strategic-merge-patch+json");

    private final String rootServerPrefix;
    private final Map<String, ObjectNode> documents;
    private final Map<String, byte[]> documentBytes;
    private final Map<String, String> hashes;
    private final ObjectNode root;
    private final byte[] rootBytes;

    /**
     * Builds all documents.
     *
     * @param catalog           the declared schemas; every resource's kind must be declared in it
     * @param resources         the server's resource table
     * @param kubernetesVersion the version reported in {@code info.version}, e.g. "v1.33.0"
     * @throws IllegalArgumentException if a resource's kind (or its List kind) has no schema
     */
    public OpenApiV3(SchemaCatalog catalog, List<ResourceInfo> resources, String kubernetesVersion) {
        this.rootServerPrefix = "/openapi/v3/";
        Map<String, List<ResourceInfo>> byGroupVersion = new TreeMap<>();
        for (ResourceInfo r : resources) {
            byGroupVersion.computeIfAbsent(r.groupVersionPath(), k -> new ArrayList<>()).add(r);
        }
        Map<String, ObjectNode> docs = new LinkedHashMap<>();
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        Map<String, String> hashMap = new LinkedHashMap<>();
        ObjectNode rootPaths = JSON.objectNode();
        for (Map.Entry<String, List<ResourceInfo>> e : byGroupVersion.entrySet()) {
            ObjectNode doc = groupVersionDocument(catalog, e.getValue(), kubernetesVersion);
            byte[] serialized = serialize(doc);
            String hash = sha512Hex(serialized);
            docs.put(e.getKey(), doc);
            bytes.put(e.getKey(), serialized);
            hashMap.put(e.getKey(), hash);
            rootPaths.putObject(e.getKey()).put("serverRelativeURL", rootServerPrefix + e.getKey() + "?hash=" + hash);
        }
        this.documents = Collections.unmodifiableMap(docs);
        this.documentBytes = Collections.unmodifiableMap(bytes);
        this.hashes = Collections.unmodifiableMap(hashMap);
        ObjectNode r = JSON.objectNode();
        r.set("paths", rootPaths);
        this.root = r;
        this.rootBytes = serialize(r);
    }

    /** The root document served at {@code /openapi/v3}: {@code {"paths": {"api/v1": {"serverRelativeURL": ...}}}}. */
    public JsonNode root() {
        return root.deepCopy();
    }

    /** The root document as UTF-8 JSON. */
    public byte[] rootBytes() {
        return rootBytes.clone();
    }

    /** The group-version paths served, sorted: "api/v1", "apis/discovery.k8s.io/v1", ... */
    public List<String> groupVersionPaths() {
        return List.copyOf(documents.keySet());
    }

    /**
     * The document for a group-version path as it appears in the URL after {@code /openapi/v3/} ("api/v1",
     * "apis/discovery.k8s.io/v1"), or empty if that group-version is not served.
     */
    public Optional<JsonNode> document(String groupVersionPath) {
        ObjectNode doc = documents.get(groupVersionPath);
        return doc == null ? Optional.empty() : Optional.of(doc.deepCopy());
    }

    /** The document as UTF-8 JSON (the bytes the hash was computed over), or empty. */
    public Optional<byte[]> documentBytes(String groupVersionPath) {
        byte[] b = documentBytes.get(groupVersionPath);
        return b == null ? Optional.empty() : Optional.of(b.clone());
    }

    /** The content hash of a document (upper-case hex SHA-512, as upstream), usable as an ETag; or empty. */
    public Optional<String> hash(String groupVersionPath) {
        return Optional.ofNullable(hashes.get(groupVersionPath));
    }

    // ---------------------------------------------------------------------------------------------------------
    // document construction

    private static ObjectNode groupVersionDocument(SchemaCatalog catalog, List<ResourceInfo> resources,
                                                   String kubernetesVersion) {
        ObjectNode doc = JSON.objectNode();
        ObjectNode info = doc.putObject("info");
        info.put("title", "Kubernetes");
        info.put("version", kubernetesVersion);
        doc.put("openapi", "3.0.0");

        TreeMap<String, ObjectNode> paths = new TreeMap<>();
        List<String> roots = new ArrayList<>(List.of(
                KubeSchemas.META + "Status", KubeSchemas.META + "DeleteOptions", KubeSchemas.META + "Patch",
                KubeSchemas.META + "WatchEvent"));
        for (ResourceInfo r : resources) {
            ObjectSchema kind = catalog.byKind(r.gvk()).orElseThrow(() ->
                    new IllegalArgumentException("no schema declared for kind " + r.gvk()));
            GroupVersionKind listGvk = new GroupVersionKind(r.group(), r.version(), r.kind() + "List");
            ObjectSchema list = catalog.byKind(listGvk).orElseThrow(() ->
                    new IllegalArgumentException("no schema declared for kind " + listGvk));
            roots.add(kind.name());
            roots.add(list.name());
            addPaths(paths, r, kind.name(), list.name());
        }
        ObjectNode pathsNode = doc.putObject("paths");
        paths.forEach(pathsNode::set);

        ObjectNode schemas = doc.putObject("components").putObject("schemas");
        TreeMap<String, JsonNode> components = new TreeMap<>();
        boolean[] scalarsUsed = new boolean[3];
        for (String name : catalog.reachableFrom(roots)) {
            components.put(name, schemaNode(catalog.byName(name).orElseThrow(), scalarsUsed));
        }
        if (scalarsUsed[0]) {
            components.put(TIME, JSON.objectNode().put("description", "RFC 3339 date and time, in UTC.")
                    .put("format", "date-time").put("type", "string"));
        }
        if (scalarsUsed[1]) {
            ObjectNode n = JSON.objectNode().put("description", "An integer or a string, e.g. a port number or name.")
                    .put("format", "int-or-string");
            n.putArray("oneOf").add(JSON.objectNode().put("type", "integer")).add(JSON.objectNode().put("type", "string"));
            components.put(INT_OR_STRING, n);
        }
        if (scalarsUsed[2]) {
            ObjectNode n = JSON.objectNode().put("description", "A fixed-point quantity such as \"100m\" or \"1Gi\".");
            n.putArray("oneOf").add(JSON.objectNode().put("type", "string")).add(JSON.objectNode().put("type", "number"));
            components.put(QUANTITY, n);
        }
        components.forEach(schemas::set);
        return (ObjectNode) sortKeys(doc);
    }

    private static void addPaths(Map<String, ObjectNode> paths, ResourceInfo r, String kindSchema, String listSchema) {
        String base = "/" + r.groupVersionPath();
        String ns = r.namespaced() ? "Namespaced" : "";
        String gv = operationGroupVersion(r);
        String kind = r.kind();
        String collection = base + (r.namespaced() ? "/namespaces/{namespace}/" : "/") + r.plural();
        String item = collection + "/{name}";
        String tag = tag(r);

        // collection: list, create, deletecollection
        ObjectNode coll = JSON.objectNode();
        if (r.has("list")) {
            coll.set("get", operation("list or watch objects of kind " + kind, "list" + gv + ns + kind, tag, "list",
                    r, listParameters(), null, responses(listSchema, true, "200")));
        }
        if (r.has("create")) {
            coll.set("post", operation("create a " + kind, "create" + gv + ns + kind, tag, "post", r,
                    writeParameters(false), objectBody(kindSchema), responses(kindSchema, false, "200", "201", "202")));
        }
        if (r.has("deletecollection")) {
            coll.set("delete", operation("delete collection of " + kind, "delete" + gv + "Collection" + ns + kind, tag,
                    "deletecollection", r, deleteCollectionParameters(), deleteBody(),
                    responses(KubeSchemas.META + "Status", false, "200")));
        }
        if (!coll.isEmpty()) {
            coll.set("parameters", pathParameters(r.namespaced(), false, kind));
            paths.put(collection, coll);
        }

        // item: read, replace, patch, delete
        ObjectNode one = JSON.objectNode();
        if (r.has("get")) {
            one.set("get", operation("read the specified " + kind, "read" + gv + ns + kind, tag, "get", r,
                    List.of(), null, responses(kindSchema, false, "200")));
        }
        if (r.has("update")) {
            one.set("put", operation("replace the specified " + kind, "replace" + gv + ns + kind, tag, "put", r,
                    writeParameters(false), objectBody(kindSchema), responses(kindSchema, false, "200", "201")));
        }
        if (r.has("patch")) {
            one.set("patch", operation("partially update the specified " + kind, "patch" + gv + ns + kind, tag, "patch",
                    r, writeParameters(true), patchBody(), responses(kindSchema, false, "200", "201")));
        }
        if (r.has("delete")) {
            one.set("delete", operation("delete a " + kind, "delete" + gv + ns + kind, tag, "delete", r,
                    deleteParameters(), deleteBody(), responses(kindSchema, false, "200", "202")));
        }
        if (!one.isEmpty()) {
            one.set("parameters", pathParameters(r.namespaced(), true, kind));
            paths.put(item, one);
        }

        // status subresource: same kind, same operations kubectl sees for the item
        if (r.subresources().contains("status")) {
            ObjectNode status = JSON.objectNode();
            if (r.has("get")) {
                status.set("get", operation("read status of the specified " + kind, "read" + gv + ns + kind + "Status",
                        tag, "get", r, List.of(), null, responses(kindSchema, false, "200")));
            }
            if (r.has("update")) {
                status.set("put", operation("replace status of the specified " + kind,
                        "replace" + gv + ns + kind + "Status", tag, "put", r, writeParameters(false),
                        objectBody(kindSchema), responses(kindSchema, false, "200", "201")));
            }
            if (r.has("patch")) {
                status.set("patch", operation("partially update status of the specified " + kind,
                        "patch" + gv + ns + kind + "Status", tag, "patch", r, writeParameters(true), patchBody(),
                        responses(kindSchema, false, "200", "201")));
            }
            if (!status.isEmpty()) {
                status.set("parameters", pathParameters(r.namespaced(), true, kind));
                paths.put(item + "/status", status);
            }
        }

        // list across all namespaces
        if (r.namespaced() && r.has("list")) {
            ObjectNode all = JSON.objectNode();
            all.set("get", operation("list or watch objects of kind " + kind,
                    "list" + gv + kind + "ForAllNamespaces", tag, "list", r, List.of(), null,
                    responses(listSchema, true, "200")));
            all.set("parameters", listParametersWithPretty());
            paths.put(base + "/" + r.plural(), all);
        }
    }

    /** "CoreV1" for the core group, "DiscoveryV1" for discovery.k8s.io, as upstream operation IDs spell them. */
    static String operationGroupVersion(ResourceInfo r) {
        String group = r.group().isEmpty() ? "core" : r.group().replace(".k8s.io", "");
        StringBuilder sb = new StringBuilder();
        for (String part : group.split("[.\\-]")) {
            if (!part.isEmpty()) {
                sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        String version = r.version();
        return sb.toString() + Character.toUpperCase(version.charAt(0)) + version.substring(1);
    }

    private static String tag(ResourceInfo r) {
        String group = r.group().isEmpty() ? "core" : r.group().replace(".k8s.io", "").replace('.', '_');
        return group + "_" + r.version();
    }

    private static ObjectNode operation(String description, String operationId, String tag, String action,
                                       ResourceInfo r, List<ObjectNode> parameters, ObjectNode requestBody,
                                       ObjectNode responses) {
        ObjectNode op = JSON.objectNode();
        op.put("description", description);
        op.put("operationId", operationId);
        if (!parameters.isEmpty()) {
            ArrayNode params = op.putArray("parameters");
            parameters.forEach(params::add);
        }
        if (requestBody != null) {
            op.set("requestBody", requestBody);
        }
        op.set("responses", responses);
        op.putArray("tags").add(tag);
        op.put("x-kubernetes-action", action);
        ObjectNode gvk = op.putObject("x-kubernetes-group-version-kind");
        gvk.put("group", r.group());
        gvk.put("kind", r.kind());
        gvk.put("version", r.version());
        return op;
    }

    private static ObjectNode param(String name, String in, String type, String description, boolean required) {
        ObjectNode p = JSON.objectNode();
        p.put("description", description);
        p.put("in", in);
        p.put("name", name);
        if (required) {
            p.put("required", true);
        }
        ObjectNode schema = p.putObject("schema");
        schema.put("type", type);
        schema.put("uniqueItems", true);
        return p;
    }

    private static ArrayNode pathParameters(boolean namespaced, boolean named, String kind) {
        ArrayNode a = JSON.arrayNode();
        if (named) {
            a.add(param("name", "path", "string", "name of the " + kind, true));
        }
        if (namespaced) {
            a.add(param("namespace", "path", "string", "object name and auth scope, such as for teams and projects", true));
        }
        a.add(pretty());
        return a;
    }

    private static ObjectNode pretty() {
        return param("pretty", "query", "string", "If 'true', then the output is pretty printed.", false);
    }

    private static ObjectNode dryRun() {
        return param("dryRun", "query", "string",
                "When present (value \"All\"), the request is validated but nothing is persisted.", false);
    }

    /** Parameters of POST/PUT (and, with {@code force}, PATCH). {@code fieldValidation} is what kubectl looks for. */
    private static List<ObjectNode> writeParameters(boolean patch) {
        List<ObjectNode> p = new ArrayList<>();
        p.add(dryRun());
        p.add(param("fieldManager", "query", "string",
                "Name of the actor making the change; required for apply patches.", false));
        p.add(param("fieldValidation", "query", "string",
                "How to treat unknown or duplicate fields in the body: Ignore, Warn (default) or Strict (reject).",
                false));
        if (patch) {
            p.add(param("force", "query", "boolean",
                    "Force an apply patch to take fields owned by other managers; must be unset otherwise.", false));
        }
        return p;
    }

    private static List<ObjectNode> deleteParameters() {
        return List.of(
                dryRun(),
                param("gracePeriodSeconds", "query", "integer", "Seconds before the object is deleted; 0 means now.", false),
                param("orphanDependents", "query", "boolean", "Deprecated: use propagationPolicy.", false),
                param("propagationPolicy", "query", "string", "Garbage collection policy: Orphan, Background or Foreground.", false));
    }

    private static List<ObjectNode> selectionParameters() {
        return List.of(
                param("continue", "query", "string", "Continue token from a previous, limited list response.", false),
                param("fieldSelector", "query", "string", "Selects objects by fields; defaults to everything.", false),
                param("labelSelector", "query", "string", "Selects objects by labels; defaults to everything.", false),
                param("limit", "query", "integer", "Maximum number of items to return; use continue for the rest.", false),
                param("resourceVersion", "query", "string", "Constrains the resource version the response is served from.", false),
                param("resourceVersionMatch", "query", "string", "How resourceVersion applies: Exact or NotOlderThan.", false),
                param("timeoutSeconds", "query", "integer", "Timeout of a list or watch call, in seconds.", false));
    }

    private static List<ObjectNode> listParameters() {
        List<ObjectNode> p = new ArrayList<>();
        p.add(param("allowWatchBookmarks", "query", "boolean", "Ask for BOOKMARK watch events.", false));
        p.addAll(selectionParameters());
        p.add(param("watch", "query", "boolean", "Watch for changes instead of listing.", false));
        p.sort((a, b) -> a.get("name").asText().compareTo(b.get("name").asText()));
        return p;
    }

    private static ArrayNode listParametersWithPretty() {
        List<ObjectNode> p = new ArrayList<>(listParameters());
        p.add(pretty());
        p.sort((a, b) -> a.get("name").asText().compareTo(b.get("name").asText()));
        ArrayNode a = JSON.arrayNode();
        p.forEach(a::add);
        return a;
    }

    private static List<ObjectNode> deleteCollectionParameters() {
        List<ObjectNode> p = new ArrayList<>(selectionParameters());
        p.addAll(deleteParameters());
        p.sort((a, b) -> a.get("name").asText().compareTo(b.get("name").asText()));
        return p;
    }

    private static ObjectNode refSchema(String component) {
        return JSON.objectNode().put("$ref", "#/components/schemas/" + component);
    }

    private static ObjectNode objectBody(String component) {
        ObjectNode body = JSON.objectNode();
        body.putObject("content").putObject("*/*").set("schema", refSchema(component));
        body.put("required", true);
        return body;
    }

    private static ObjectNode patchBody() {
        ObjectNode body = JSON.objectNode();
        ObjectNode content = body.putObject("content");
        for (String type : PATCH_CONTENT_TYPES) {
            content.putObject(type).set("schema", refSchema(KubeSchemas.META + "Patch"));
        }
        body.put("required", true);
        return body;
    }

    private static ObjectNode deleteBody() {
        ObjectNode body = JSON.objectNode();
        body.putObject("content").putObject("*/*").set("schema", refSchema(KubeSchemas.META + "DeleteOptions"));
        return body;
    }

    private static ObjectNode responses(String component, boolean watchable, String... codes) {
        ObjectNode rs = JSON.objectNode();
        for (String code : codes) {
            ObjectNode r = rs.putObject(code);
            ObjectNode content = r.putObject("content");
            content.putObject("application/json").set("schema", refSchema(component));
            if (watchable) {
                content.putObject("application/json;stream=watch").set("schema", refSchema(component));
            }
            r.put("description", switch (code) {
                case "201" -> "Created";
                case "202" -> "Accepted";
                default -> "OK";
            });
        }
        rs.putObject("401").put("description", "Unauthorized");
        return rs;
    }

    // ---------------------------------------------------------------------------------------------------------
    // schema rendering

    private static ObjectNode schemaNode(ObjectSchema s, boolean[] scalarsUsed) {
        ObjectNode n = JSON.objectNode();
        n.put("description", s.description());
        n.put("type", "object");
        if (s.open()) {
            n.put("x-kubernetes-preserve-unknown-fields", true);
            return n;
        }
        ObjectNode props = n.putObject("properties");
        List<String> required = new ArrayList<>();
        for (FieldSchema f : s.fields()) {
            props.set(f.name(), fieldNode(f, scalarsUsed));
            if (f.isRequired()) {
                required.add(f.name());
            }
        }
        if (!required.isEmpty()) {
            Collections.sort(required);
            ArrayNode req = n.putArray("required");
            required.forEach(req::add);
        }
        s.kind().ifPresent(gvk -> n.putArray("x-kubernetes-group-version-kind").addObject()
                .put("group", gvk.group()).put("kind", gvk.kind()).put("version", gvk.version()));
        return n;
    }

    private static ObjectNode fieldNode(FieldSchema f, boolean[] scalarsUsed) {
        ObjectNode n = typeNode(f.type(), scalarsUsed);
        if (!f.description().isEmpty()) {
            n.put("description", f.description());
        }
        if (!f.patchStrategy().isEmpty()) {
            n.put("x-kubernetes-patch-strategy", f.patchStrategy());
        }
        if (!f.patchMergeKey().isEmpty()) {
            n.put("x-kubernetes-patch-merge-key", f.patchMergeKey());
        }
        if (!f.listType().isEmpty()) {
            n.put("x-kubernetes-list-type", f.listType());
        }
        if (!f.listMapKeys().isEmpty()) {
            ArrayNode keys = n.putArray("x-kubernetes-list-map-keys");
            f.listMapKeys().forEach(keys::add);
        }
        if (!f.mapType().isEmpty()) {
            n.put("x-kubernetes-map-type", f.mapType());
        }
        return n;
    }

    /** A field's type; references are wrapped in {@code allOf} like upstream so a description can sit beside them. */
    private static ObjectNode typeNode(TypeRef type, boolean[] scalarsUsed) {
        ObjectNode n = JSON.objectNode();
        switch (type) {
            case TypeRef.Scalar s -> {
                switch (s) {
                    case STRING -> n.put("type", "string");
                    case INT32 -> n.put("format", "int32").put("type", "integer");
                    case INT64 -> n.put("format", "int64").put("type", "integer");
                    case BOOLEAN -> n.put("type", "boolean");
                    case NUMBER -> n.put("format", "double").put("type", "number");
                    case DATE_TIME -> {
                        scalarsUsed[0] = true;
                        n.putArray("allOf").add(refSchema(TIME));
                    }
                    case INT_OR_STRING -> {
                        scalarsUsed[1] = true;
                        n.putArray("allOf").add(refSchema(INT_OR_STRING));
                    }
                    case QUANTITY -> {
                        scalarsUsed[2] = true;
                        n.putArray("allOf").add(refSchema(QUANTITY));
                    }
                }
            }
            case TypeRef.Open o -> n.put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
            case TypeRef.Ref r -> n.putArray("allOf").add(refSchema(r.schemaName()));
            case TypeRef.ArrayOf a -> {
                n.put("type", "array");
                n.set("items", typeNode(a.items(), scalarsUsed));
            }
            case TypeRef.MapOf m -> {
                n.put("type", "object");
                n.set("additionalProperties", typeNode(m.values(), scalarsUsed));
            }
        }
        return n;
    }

    // ---------------------------------------------------------------------------------------------------------
    // helpers

    /** A copy of {@code node} with every object's keys in sorted order; arrays keep their order. */
    private static JsonNode sortKeys(JsonNode node) {
        if (node.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                sorted.put(e.getKey(), sortKeys(e.getValue()));
            }
            ObjectNode out = JSON.objectNode();
            sorted.forEach(out::set);
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JSON.arrayNode();
            node.forEach(child -> out.add(sortKeys(child)));
            return out;
        }
        return node;
    }

    private static byte[] serialize(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise OpenAPI document", e);
        }
    }

    private static String sha512Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(bytes)).toUpperCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 unavailable", e);
        }
    }
}
