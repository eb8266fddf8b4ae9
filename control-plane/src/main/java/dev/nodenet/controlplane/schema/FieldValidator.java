package dev.nodenet.controlplane.schema;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Server-side field validation ({@code ?fieldValidation=Strict|Warn}) against the declared {@link SchemaCatalog}:
 * finds unknown fields, duplicate fields and JSON type mismatches, and words them the way kube-apiserver 1.33 does,
 * so kubectl users see familiar errors.
 *
 * <p>How kube-apiserver reports them (k8s.io/apiserver {@code endpoints/handlers}, sigs.k8s.io/json):
 * <ul>
 *   <li>create (POST) and update (PUT) with Strict: HTTP 400 BadRequest, message
 *       {@code Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field
 *       "spec.prots", unknown field "spec.ports[0].nme"} — see {@link #createOrUpdateMessage}.</li>
 *   <li>patch (JSON merge / strategic merge / JSON patch) with Strict: HTTP 422 Invalid with one cause on field
 *       {@code patch}, whose detail ends in {@code strict decoding error: unknown field "spec.prots"} — see
 *       {@link #strictDecodingMessage}; the server wraps it in its 422 Status.</li>
 *   <li>a type mismatch is not a strict error: it fails the request whatever the directive, and only the first one is
 *       reported, e.g. {@code json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type
 *       int32} (400 on create/update, 422 on patch).</li>
 *   <li>server-side apply words unknown fields as {@code .spec.prots: field not declared in schema}
 *       ({@link #applyMessage}); we print list elements by index, where upstream prints their keys.</li>
 * </ul>
 *
 * <p>Rules: open objects and their subtrees accept anything; map values are checked against the map's value type but
 * any key is allowed; {@code null} is accepted for every field (Go leaves the zero value); kinds without a schema are
 * not checked. Required fields are not checked here (that is validation, not decoding).
 *
 * <p>Stateless after construction and thread-safe; build one at start-up and share it.
 */
public final class FieldValidator {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    private final SchemaCatalog catalog;

    /** A validator over {@code catalog}, typically {@code new FieldValidator(KubeSchemas.catalog())}. */
    public FieldValidator(SchemaCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * Checks {@code object} (a create/update body, or the result of applying a patch) against the schema of
     * {@code gvk}. Returns unknown fields and type mismatches in document order; empty if all is well or if the kind
     * has no declared schema.
     */
    public List<FieldError> validate(GroupVersionKind gvk, JsonNode object) {
        Optional<ObjectSchema> schema = catalog.byKind(gvk);
        if (schema.isEmpty() || object == null || !object.isObject()) {
            return List.of();
        }
        List<FieldError> errors = new ArrayList<>();
        walkObject(schema.get(), object, "", "", errors);
        return List.copyOf(errors);
    }

    /**
     * The message kube-apiserver returns for a failed create or update of {@code gvk}: the first type mismatch if
     * there is one, else all strict errors. Returns empty if {@code errors} is empty.
     */
    public static Optional<String> createOrUpdateMessage(GroupVersionKind gvk, List<FieldError> errors) {
        return decodingMessage(errors).map(m ->
                gvk.kind() + " in version \"" + gvk.version() + "\" cannot be handled as a " + gvk.kind() + ": " + m);
    }

    /**
     * The decoding error text without the create/update prefix: the first type mismatch if there is one
     * (upstream stops there), otherwise {@code strict decoding error: } followed by every strict error, joined by
     * {@code ", "}. Empty if {@code errors} is empty.
     */
    public static Optional<String> decodingMessage(List<FieldError> errors) {
        for (FieldError e : errors) {
            if (!e.isStrict()) {
                return Optional.of(e.message());
            }
        }
        return strictDecodingMessage(errors);
    }

    /** {@code strict decoding error: unknown field "a", duplicate field "b"}, or empty if there are no strict errors. */
    public static Optional<String> strictDecodingMessage(List<FieldError> errors) {
        List<String> parts = new ArrayList<>();
        for (FieldError e : errors) {
            if (e.isStrict()) {
                parts.add(e.message());
            }
        }
        return parts.isEmpty() ? Optional.empty() : Optional.of("strict decoding error: " + String.join(", ", parts));
    }

    /** One warning per strict error, as kube-apiserver sends them with {@code fieldValidation=Warn}. */
    public static List<String> warnings(List<FieldError> errors) {
        List<String> out = new ArrayList<>();
        for (FieldError e : errors) {
            if (e.isStrict()) {
                out.add(e.message());
            }
        }
        return out;
    }

    /** Server-side apply wording: {@code .spec.prots: field not declared in schema}. */
    public static String applyMessage(FieldError error) {
        return "." + error.path() + ": field not declared in schema";
    }

    // ---------------------------------------------------------------------------------------------------------
    // strict parsing

    /**
     * The result of {@link #parseStrict}: the tree (for duplicates, the last value wins, as in Go) and the duplicate
     * fields found, in document order.
     */
    public record StrictParse(JsonNode tree, List<FieldError> duplicates) {
        public StrictParse {
            duplicates = List.copyOf(duplicates);
        }
    }

    /**
     * Parses a JSON request body, reporting every duplicate field with its full path ({@code duplicate field
     * "metadata.name"}), which Jackson's own {@code STRICT_DUPLICATE_DETECTION} cannot do (it stops at the first).
     *
     * @throws IOException if {@code json} is not well-formed JSON (the server answers 400 with the parser message)
     */
    public static StrictParse parseStrict(byte[] json) throws IOException {
        List<FieldError> duplicates = new ArrayList<>();
        try (JsonParser p = FACTORY.createParser(json)) {
            // One frame per open container: the names seen (objects) or the next index (arrays), and its path.
            Deque<Frame> stack = new ArrayDeque<>();
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    case START_OBJECT, START_ARRAY -> {
                        String path = stack.isEmpty() ? "" : stack.peek().childPath(p);
                        if (!stack.isEmpty() && stack.peek().isArray()) {
                            stack.peek().index++;
                        }
                        stack.push(new Frame(t == JsonToken.START_ARRAY, path));
                    }
                    case END_OBJECT, END_ARRAY -> stack.pop();
                    case FIELD_NAME -> {
                        Frame f = stack.peek();
                        String name = p.currentName();
                        if (!f.names.add(name)) {
                            String path = join(f.path, name);
                            duplicates.add(new FieldError(FieldError.Kind.DUPLICATE, path,
                                    "duplicate field \"" + path + "\""));
                        }
                    }
                    default -> {
                        if (!stack.isEmpty() && stack.peek().isArray()) {
                            stack.peek().index++;
                        }
                    }
                }
            }
        }
        return new StrictParse(MAPPER.readTree(json), duplicates);
    }

    private static final class Frame {
        final Set<String> names;
        final String path;
        int index;

        Frame(boolean array, String path) {
            this.names = array ? null : new HashSet<>();
            this.path = path;
        }

        boolean isArray() {
            return names == null;
        }

        String childPath(JsonParser p) throws IOException {
            return isArray() ? path + "[" + index + "]" : join(path, p.currentName());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // schema walk

    /**
     * @param path   wire path with indexes ({@code spec.ports[0]}), used for unknown/duplicate fields
     * @param goPath Go field stack without indexes ({@code spec.ports}), used for type mismatch messages
     */
    private void walkObject(ObjectSchema schema, JsonNode node, String path, String goPath, List<FieldError> errors) {
        if (schema.open()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            String fieldPath = join(path, name);
            Optional<FieldSchema> field = schema.field(name);
            if (field.isEmpty()) {
                errors.add(new FieldError(FieldError.Kind.UNKNOWN, fieldPath, "unknown field \"" + fieldPath + "\""));
                continue;
            }
            walkValue(field.get().type(), e.getValue(), fieldPath, join(goPath, name), schema.shortName(), errors);
        }
    }

    private void walkValue(TypeRef type, JsonNode value, String path, String goPath, String goStruct,
                           List<FieldError> errors) {
        if (value == null || value.isNull()) {
            return;
        }
        switch (type) {
            case TypeRef.Open o -> { }
            case TypeRef.Scalar s -> checkScalar(s, value, path, goPath, goStruct, errors);
            case TypeRef.Ref r -> {
                ObjectSchema target = catalog.resolve(r);
                if (!value.isObject()) {
                    mismatch(value, "v1." + target.shortName(), path, goPath, goStruct, errors);
                } else {
                    walkObject(target, value, path, goPath, errors);
                }
            }
            case TypeRef.ArrayOf a -> {
                if (!value.isArray()) {
                    mismatch(value, "[]" + goTypeName(a.items()), path, goPath, goStruct, errors);
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    walkValue(a.items(), value.get(i), path + "[" + i + "]", goPath, goStruct, errors);
                }
            }
            case TypeRef.MapOf m -> {
                if (!value.isObject()) {
                    mismatch(value, "map[string]" + goTypeName(m.values()), path, goPath, goStruct, errors);
                    return;
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    walkValue(m.values(), e.getValue(), path + "." + e.getKey(), goPath, goStruct, errors);
                }
            }
        }
    }

    private static void checkScalar(TypeRef.Scalar s, JsonNode v, String path, String goPath, String goStruct,
                                    List<FieldError> errors) {
        boolean ok = switch (s) {
            case STRING, DATE_TIME -> v.isTextual();
            case BOOLEAN -> v.isBoolean();
            case NUMBER -> v.isNumber();
            case INT32 -> v.isIntegralNumber() && v.canConvertToInt();
            case INT64 -> v.isIntegralNumber() && v.canConvertToLong();
            case INT_OR_STRING -> v.isTextual() || (v.isIntegralNumber() && v.canConvertToInt());
            case QUANTITY -> v.isTextual() || v.isNumber();
        };
        if (!ok) {
            mismatch(v, goTypeName(s), path, goPath, goStruct, errors);
        }
    }

    private static void mismatch(JsonNode v, String goType, String path, String goPath, String goStruct,
                                 List<FieldError> errors) {
        String value;
        if (v.isTextual()) {
            value = "string";
        } else if (v.isBoolean()) {
            value = "bool";
        } else if (v.isArray()) {
            value = "array";
        } else if (v.isObject()) {
            value = "object";
        } else if (v.isNumber() && (goType.startsWith("int") || goType.equals("intstr.IntOrString"))) {
            value = "number " + v.asText(); // Go names the literal when it is a float or overflows an int
        } else {
            value = "number";
        }
        errors.add(new FieldError(FieldError.Kind.TYPE_MISMATCH, path,
                "json: cannot unmarshal " + value + " into Go struct field " + goStruct + "." + goPath
                        + " of type " + goType));
    }

    private static String goTypeName(TypeRef t) {
        return switch (t) {
            case TypeRef.Scalar s -> switch (s) {
                case STRING, DATE_TIME -> "string";
                case BOOLEAN -> "bool";
                case NUMBER -> "float64";
                case INT32 -> "int32";
                case INT64 -> "int64";
                case INT_OR_STRING -> "intstr.IntOrString";
                case QUANTITY -> "resource.Quantity";
            };
            case TypeRef.Open o -> "interface {}";
            case TypeRef.Ref r -> "v1." + r.schemaName().substring(r.schemaName().lastIndexOf('.') + 1);
            case TypeRef.ArrayOf a -> "[]" + goTypeName(a.items());
            case TypeRef.MapOf m -> "map[string]" + goTypeName(m.values());
        };
    }

    private static String join(String parent, String name) {
        return parent.isEmpty() ? name : parent + "." + name;
    }
}
