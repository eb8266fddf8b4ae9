package dev.nodenet.controlplane.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * Decodes Kubernetes protobuf request bodies ({@code application/vnd.kubernetes.protobuf}) into the
 * JSON tree a JSON client would have sent for the same Go object. Pure and thread-safe.
 *
 * <p>Wire format: magic {@code k8s\0}, then a {@code runtime.Unknown} message whose typeMeta names
 * the kind and whose raw bytes hold the object's own message. Kinds decoded (see {@link KubeMessages}):
 * v1 Namespace, Service, Endpoints, and partly Pod and Node; discovery.k8s.io/v1 EndpointSlice.
 * Other kinds, and fields of the partly declared messages that we do not declare, are rejected with
 * a {@link ProtobufException} rather than dropped, so the caller can ask the client for JSON.
 */
public final class KubeProtobuf {
    /** The media type Kubernetes clients send protobuf bodies with. */
    public static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

    private static final byte[] MAGIC = {0x6b, 0x38, 0x73, 0x00};
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Seconds of Go's zero time.Time (0001-01-01T00:00:00Z), which metav1.Time encodes as JSON null. */
    private static final long GO_ZERO_TIME = -62135596800L;
    private static final long MIN_RFC3339 = -62167219200L, MAX_RFC3339 = 253402300799L; // years 0000..9999

    private record Kind(String apiVersion, Msg message) {}

    private static final Map<String, Kind> KINDS = Map.of(
            "Namespace", new Kind("v1", KubeMessages.NAMESPACE),
            "Service", new Kind("v1", KubeMessages.SERVICE),
            "Pod", new Kind("v1", KubeMessages.POD),
            "Node", new Kind("v1", KubeMessages.NODE),
            "Endpoints", new Kind("v1", KubeMessages.ENDPOINTS),
            "EndpointSlice", new Kind("discovery.k8s.io/v1", KubeMessages.ENDPOINT_SLICE));

    private KubeProtobuf() {}

    /** True if the Content-Type header (parameters ignored) is the Kubernetes protobuf media type. */
    public static boolean isProtobuf(String contentType) {
        if (contentType == null) return false;
        int semi = contentType.indexOf(';');
        String base = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        return base.equals(MEDIA_TYPE);
    }

    /**
     * Decodes a whole request body: checks the magic, reads the envelope, and converts the object,
     * setting "apiVersion" and "kind" from the envelope's typeMeta.
     *
     * @throws ProtobufException if the body is malformed or truncated, or the kind is not supported
     */
    public static ObjectNode decode(byte[] body) throws ProtobufException {
        if (body == null || body.length < MAGIC.length || body[0] != MAGIC[0] || body[1] != MAGIC[1] || body[2] != MAGIC[2] || body[3] != MAGIC[3]) {
            throw new ProtobufException("protobuf: body does not start with the Kubernetes magic prefix k8s\\0");
        }
        WireReader r = new WireReader(body, MAGIC.length, body.length - MAGIC.length);
        String apiVersion = "", kind = "", encoding = "";
        WireReader raw = new WireReader(new byte[0]);
        while (r.hasMore()) {
            int tag = r.readTag();
            int field = tag >>> 3, wire = tag & 7;
            switch (field) {
                case 1 -> {
                    expect(wire, WireReader.LEN, "typeMeta");
                    WireReader tm = r.readMessage();
                    while (tm.hasMore()) {
                        int t = tm.readTag();
                        if (t == (1 << 3 | WireReader.LEN)) apiVersion = tm.readString();
                        else if (t == (2 << 3 | WireReader.LEN)) kind = tm.readString();
                        else tm.skip(t & 7);
                    }
                }
                case 2 -> { expect(wire, WireReader.LEN, "raw"); raw = r.readMessage(); }
                case 3 -> { expect(wire, WireReader.LEN, "contentEncoding"); encoding = r.readString(); }
                default -> r.skip(wire); // 4 = contentType, informational
            }
        }
        if (!encoding.isEmpty()) throw new ProtobufException("protobuf: content encoding " + encoding + " is not supported", true);
        Kind k = KINDS.get(kind);
        if (k == null || !k.apiVersion().equals(apiVersion)) {
            String what = kind.isEmpty() ? "(no kind)" : (apiVersion.isEmpty() ? kind : apiVersion + " " + kind);
            throw new ProtobufException("protobuf is not supported for kind " + what + "; send application/json", true);
        }
        ObjectNode out = NODES.objectNode();
        out.put("apiVersion", apiVersion);
        out.put("kind", kind);
        out.setAll(message(k.message(), raw, ""));
        return out;
    }

    /** Converts one message; {@code path} is the JSON path of the message for error messages. */
    static ObjectNode message(Msg msg, WireReader r, String path) throws ProtobufException {
        JsonNode[] values = new JsonNode[msg.fields.size()];
        ByteArrayOutputStream[] pending = null;
        while (r.hasMore()) {
            int tag = r.readTag();
            int number = tag >>> 3, wire = tag & 7;
            int i = msg.indexOf(number);
            if (i < 0) {
                if (msg.strict) {
                    throw new ProtobufException("protobuf: field " + number + " of " + msg.name + " at " + where(path) + " is not supported; send application/json", true);
                }
                r.skip(wire);
                continue;
            }
            Msg.Field f = msg.fields.get(i);
            String fpath = path.isEmpty() ? f.json() : path + "." + f.json();
            switch (f.type()) {
                case STRING_MAP, QUANTITY_MAP -> {
                    ObjectNode map = values[i] instanceof ObjectNode m ? m : NODES.objectNode();
                    expect(wire, WireReader.LEN, fpath);
                    mapEntry(r.readMessage(), f.type() == Msg.Type.QUANTITY_MAP, map, fpath);
                    values[i] = map;
                }
                default -> {
                    if (f.repeated()) {
                        ArrayNode list = values[i] instanceof ArrayNode a ? a : NODES.arrayNode();
                        if (wire == WireReader.LEN && isNumeric(f.type())) { // packed repeated scalars
                            WireReader packed = r.readMessage();
                            while (packed.hasMore()) list.add(value(f, WireReader.VARINT, packed, fpath + "[" + list.size() + "]"));
                        } else {
                            list.add(value(f, wire, r, fpath + "[" + list.size() + "]"));
                        }
                        values[i] = list;
                    } else if (isMessage(f.type())) {
                        // A singular message seen again is merged, which protobuf defines as decoding the concatenation.
                        expect(wire, WireReader.LEN, fpath);
                        if (pending == null) pending = new ByteArrayOutputStream[values.length];
                        if (pending[i] == null) pending[i] = new ByteArrayOutputStream();
                        pending[i].writeBytes(r.readBytes());
                    } else {
                        values[i] = value(f, wire, r, fpath); // a scalar seen again: the last occurrence wins
                    }
                }
            }
        }
        for (int i = 0; pending != null && i < values.length; i++) {
            if (pending[i] == null) continue;
            Msg.Field f = msg.fields.get(i);
            values[i] = nested(f, new WireReader(pending[i].toByteArray()), path.isEmpty() ? f.json() : path + "." + f.json());
        }
        ObjectNode out = NODES.objectNode();
        for (int i = 0; i < values.length; i++) {
            JsonNode v = values[i];
            Msg.Field f = msg.fields.get(i);
            if (v == null) continue;
            if (!f.always() && f.scalar() && !f.repeated() && isZero(v)) continue; // Go omitempty
            out.set(f.json(), v);
        }
        return out;
    }

    private static JsonNode value(Msg.Field f, int wire, WireReader r, String path) throws ProtobufException {
        return switch (f.type()) {
            case STRING -> { expect(wire, WireReader.LEN, path); yield NODES.textNode(r.readString()); }
            case BYTES -> { expect(wire, WireReader.LEN, path); yield NODES.textNode(Base64.getEncoder().encodeToString(r.readBytes())); }
            case INT32 -> { expect(wire, WireReader.VARINT, path); yield NODES.numberNode((int) r.readVarint()); }
            case INT64 -> { expect(wire, WireReader.VARINT, path); yield number(r.readVarint()); }
            case BOOL -> { expect(wire, WireReader.VARINT, path); yield NODES.booleanNode(r.readVarint() != 0); }
            case MESSAGE, TIME, INT_OR_STRING, QUANTITY -> { expect(wire, WireReader.LEN, path); yield nested(f, r.readMessage(), path); }
            case STRING_MAP, QUANTITY_MAP -> throw new IllegalStateException("maps are handled by the caller");
        };
    }

    /** Decodes a message-typed value (our declared message or a well-known one) from exactly its bytes. */
    private static JsonNode nested(Msg.Field f, WireReader r, String path) throws ProtobufException {
        return switch (f.type()) {
            case MESSAGE -> message(f.message(), r, path);
            case TIME -> time(r, path);
            case INT_OR_STRING -> intOrString(r, path);
            case QUANTITY -> NODES.textNode(quantity(r, path));
            default -> throw new IllegalStateException(f.type() + " is not a message type");
        };
    }

    private static boolean isMessage(Msg.Type t) {
        return t == Msg.Type.MESSAGE || t == Msg.Type.TIME || t == Msg.Type.INT_OR_STRING || t == Msg.Type.QUANTITY;
    }

    /** A map entry is a message with key = 1 and value = 2; a missing key or value is Go's zero value. */
    private static void mapEntry(WireReader r, boolean quantity, ObjectNode map, String path) throws ProtobufException {
        String key = "", value = "";
        while (r.hasMore()) {
            int tag = r.readTag();
            int number = tag >>> 3, wire = tag & 7;
            if (number == 1) {
                expect(wire, WireReader.LEN, path);
                key = r.readString();
            } else if (number == 2) {
                expect(wire, WireReader.LEN, path + "[" + key + "]");
                value = quantity ? quantity(r.readMessage(), path + "[" + key + "]") : r.readString();
            } else {
                r.skip(wire);
            }
        }
        map.put(key, value);
    }

    /** metav1.Time {seconds = 1, nanos = 2}: JSON is RFC 3339 to the second in UTC, or null for Go's zero time. */
    private static JsonNode time(WireReader r, String path) throws ProtobufException {
        if (!r.hasMore()) return NODES.nullNode(); // Go writes the zero time as an empty message
        long seconds = 0, nanos = 0;
        while (r.hasMore()) {
            int tag = r.readTag();
            int number = tag >>> 3, wire = tag & 7;
            if (number == 1) { expect(wire, WireReader.VARINT, path); seconds = r.readVarint(); }
            else if (number == 2) { expect(wire, WireReader.VARINT, path); nanos = (int) r.readVarint(); }
            else r.skip(wire);
        }
        if (seconds == GO_ZERO_TIME && nanos == 0) return NODES.nullNode();
        if (seconds < MIN_RFC3339 || seconds > MAX_RFC3339) throw new ProtobufException("protobuf: time out of range at " + where(path));
        return NODES.textNode(DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(seconds)));
    }

    /** intstr.IntOrString {type = 1 (0 int, 1 string), intVal = 2, strVal = 3}: a JSON number or string. */
    private static JsonNode intOrString(WireReader r, String path) throws ProtobufException {
        long type = 0;
        int intVal = 0;
        String strVal = "";
        while (r.hasMore()) {
            int tag = r.readTag();
            int number = tag >>> 3, wire = tag & 7;
            switch (number) {
                case 1 -> { expect(wire, WireReader.VARINT, path); type = r.readVarint(); }
                case 2 -> { expect(wire, WireReader.VARINT, path); intVal = (int) r.readVarint(); }
                case 3 -> { expect(wire, WireReader.LEN, path); strVal = r.readString(); }
                default -> r.skip(wire);
            }
        }
        return type == 1 ? NODES.textNode(strVal) : NODES.numberNode(intVal);
    }

    /** resource.Quantity {string = 1}. */
    private static String quantity(WireReader r, String path) throws ProtobufException {
        String s = "";
        while (r.hasMore()) {
            int tag = r.readTag();
            if (tag >>> 3 == 1) { expect(tag & 7, WireReader.LEN, path); s = r.readString(); }
            else r.skip(tag & 7);
        }
        return s;
    }

    /** An int node when the value fits, as Jackson's parser would produce for the same JSON text. */
    private static JsonNode number(long v) {
        return v == (int) v ? NODES.numberNode((int) v) : NODES.numberNode(v);
    }

    private static boolean isNumeric(Msg.Type t) {
        return t == Msg.Type.INT32 || t == Msg.Type.INT64 || t == Msg.Type.BOOL;
    }

    private static boolean isZero(JsonNode v) {
        return (v.isTextual() && v.textValue().isEmpty())
                || (v.isIntegralNumber() && v.longValue() == 0)
                || (v.isBoolean() && !v.booleanValue());
    }

    private static void expect(int wire, int expected, String path) throws ProtobufException {
        if (wire != expected) {
            throw new ProtobufException("protobuf: wire type " + wire + " at " + where(path) + ", expected " + expected);
        }
    }

    private static String where(String path) {
        return path.isEmpty() ? "the top level" : path;
    }
}
