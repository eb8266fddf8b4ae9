package dev.nodenet.controlplane.patch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;

import java.io.IOException;
import java.util.Map;

/** Small JSON helpers shared by the patch implementations. */
final class Json {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {}

    /** Parses a patch body; malformed JSON (or an empty body) is a 400 BadRequest. */
    static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) throw PatchException.badRequest("empty patch body");
        try {
            JsonNode n = MAPPER.readTree(body);
            if (n == null || n.isMissingNode()) throw PatchException.badRequest("empty patch body");
            return n;
        } catch (JsonProcessingException e) {
            throw PatchException.badRequest("malformed JSON patch body: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw PatchException.badRequest("unreadable patch body: " + e.getMessage(), e);
        }
    }

    /** JSON equality: numbers compare by value (1 equals 1.0), objects ignore member order, arrays do not. */
    static boolean equal(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
        JsonNodeType t = a.getNodeType();
        if (t != b.getNodeType()) return false;
        switch (t) {
            case OBJECT -> {
                if (a.size() != b.size()) return false;
                for (Map.Entry<String, JsonNode> e : a.properties()) {
                    JsonNode other = b.get(e.getKey());
                    if (other == null || !equal(e.getValue(), other)) return false;
                }
                return true;
            }
            case ARRAY -> {
                if (a.size() != b.size()) return false;
                for (int i = 0; i < a.size(); i++) if (!equal(a.get(i), b.get(i))) return false;
                return true;
            }
            default -> {
                return a.equals(b);
            }
        }
    }

    /**
     * A value usable as a hash key with the equality Go's {@code ==} gives decoded JSON scalars: numbers by value
     * (Go decodes all of them to float64), strings, booleans, null. Objects and arrays key by deep equality.
     */
    static Object key(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) return NullKey.NULL;
        if (n.isNumber()) return n.decimalValue().stripTrailingZeros();
        if (n.isTextual()) return n.textValue();
        if (n.isBoolean()) return n.booleanValue();
        return n;
    }

    private enum NullKey { NULL }

    /** Go-like type name of a node, for messages. */
    static String typeName(JsonNode n) {
        if (n == null || n.isMissingNode()) return "nothing";
        return switch (n.getNodeType()) {
            case OBJECT -> "object";
            case ARRAY -> "list";
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            case NULL -> "null";
            default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
