package dev.nodenet.controlplane.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 6902 JSON Patch ({@code application/json-patch+json}).
 *
 * <p>Operations {@code add}, {@code remove}, {@code replace}, {@code move}, {@code copy} and {@code test} are applied
 * in order to a copy of the target; the patch is all-or-nothing. JSON Pointers (RFC 6901) use the {@code ~0}/{@code ~1}
 * escapes, and {@code -} names the end of an array for {@code add}.
 *
 * <p>Errors follow the Kubernetes API server: a body that is not a JSON array of objects is a 400 BadRequest; every
 * failure while applying (unknown op, missing member, malformed or absent path, index out of range, failed
 * {@code test}) is a 422.
 *
 * <p>Pure function, thread-safe.
 */
public final class JsonPatch {
    private JsonPatch() {}

    /**
     * Applies {@code patch} (a JSON array of operation objects) to {@code target} and returns the new document.
     * Neither argument is modified.
     *
     * @throws PatchException if the patch is malformed or an operation fails
     */
    public static JsonNode apply(JsonNode target, JsonNode patch) {
        if (patch == null || !patch.isArray()) {
            throw PatchException.badRequest("a JSON patch must be a JSON array of operations, got " + Json.typeName(patch));
        }
        for (JsonNode op : patch) {
            if (!op.isObject()) {
                throw PatchException.badRequest("a JSON patch operation must be an object, got " + Json.typeName(op));
            }
        }
        JsonNode doc = target == null ? Json.NODES.nullNode() : target.deepCopy();
        int i = 0;
        for (JsonNode op : patch) {
            try {
                doc = applyOne(doc, op);
            } catch (PatchException e) {
                throw PatchException.invalid("JSON patch operation " + i + " (" + op + "): " + e.getMessage());
            }
            i++;
        }
        return doc;
    }

    private static JsonNode applyOne(JsonNode doc, JsonNode op) {
        String name = requiredString(op, "op");
        List<String> path = parsePointer(requiredString(op, "path"));
        switch (name) {
            case "add" -> {
                return add(doc, path, requiredValue(op).deepCopy());
            }
            case "remove" -> {
                remove(doc, path);
                return doc;
            }
            case "replace" -> {
                JsonNode value = requiredValue(op).deepCopy();
                if (path.isEmpty()) return value;
                replace(doc, path, value);
                return doc;
            }
            case "move" -> {
                String fromText = requiredString(op, "from");
                List<String> from = parsePointer(fromText);
                if (from.equals(path)) {
                    get(doc, from);
                    return doc;
                }
                if (path.size() > from.size() && path.subList(0, from.size()).equals(from)) {
                    throw PatchException.invalid("cannot move \"" + fromText + "\" into one of its own children");
                }
                JsonNode value = get(doc, from);
                remove(doc, from);
                return add(doc, path, value);
            }
            case "copy" -> {
                JsonNode value = get(doc, parsePointer(requiredString(op, "from"))).deepCopy();
                return add(doc, path, value);
            }
            case "test" -> {
                JsonNode expected = requiredValue(op);
                JsonNode actual = get(doc, path);
                if (!Json.equal(actual, expected)) {
                    throw PatchException.invalid("test failed: value at \"" + op.get("path").textValue() + "\" is "
                            + actual + ", expected " + expected);
                }
                return doc;
            }
            default -> throw PatchException.invalid("unknown op \"" + name + "\"");
        }
    }

    private static String requiredString(JsonNode op, String member) {
        JsonNode v = op.get(member);
        if (v == null) throw PatchException.invalid("missing \"" + member + "\"");
        if (!v.isTextual()) throw PatchException.invalid("\"" + member + "\" must be a string");
        return v.textValue();
    }

    private static JsonNode requiredValue(JsonNode op) {
        JsonNode v = op.get("value");
        if (v == null) throw PatchException.invalid("missing \"value\"");
        return v;
    }

    /** Splits an RFC 6901 pointer into unescaped reference tokens; {@code ""} is the whole document. */
    static List<String> parsePointer(String pointer) {
        List<String> tokens = new ArrayList<>();
        if (pointer.isEmpty()) return tokens;
        if (pointer.charAt(0) != '/') {
            throw PatchException.invalid("invalid JSON pointer \"" + pointer + "\": must be empty or start with '/'");
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= pointer.length(); i++) {
            char c = i < pointer.length() ? pointer.charAt(i) : '/';
            if (c == '/') {
                tokens.add(sb.toString());
                sb.setLength(0);
            } else if (c == '~') {
                char next = i + 1 < pointer.length() ? pointer.charAt(i + 1) : 0;
                if (next == '0') sb.append('~');
                else if (next == '1') sb.append('/');
                else throw PatchException.invalid("invalid JSON pointer \"" + pointer + "\": '~' must be followed by 0 or 1");
                i++;
            } else {
                sb.append(c);
            }
        }
        return tokens;
    }

    private static String render(List<String> path) {
        StringBuilder sb = new StringBuilder();
        for (String t : path) sb.append('/').append(t.replace("~", "~0").replace("/", "~1"));
        return sb.toString();
    }

    /** The value at {@code path}; it must exist. */
    private static JsonNode get(JsonNode doc, List<String> path) {
        JsonNode n = doc;
        for (int i = 0; i < path.size(); i++) {
            n = child(n, path.get(i), path.subList(0, i + 1));
        }
        return n;
    }

    private static JsonNode child(JsonNode container, String token, List<String> pathSoFar) {
        if (container.isObject()) {
            JsonNode v = container.get(token);
            if (v == null) throw PatchException.invalid("path \"" + render(pathSoFar) + "\" does not exist");
            return v;
        }
        if (container.isArray()) {
            int idx = arrayIndex(token, pathSoFar);
            if (idx >= container.size()) {
                throw PatchException.invalid("index out of range at \"" + render(pathSoFar) + "\" (size " + container.size() + ")");
            }
            return container.get(idx);
        }
        throw PatchException.invalid("path \"" + render(pathSoFar) + "\" does not exist: parent is a " + Json.typeName(container));
    }

    private static int arrayIndex(String token, List<String> pathSoFar) {
        boolean digits = !token.isEmpty() && token.chars().allMatch(ch -> ch >= '0' && ch <= '9');
        if (!digits || (token.length() > 1 && token.charAt(0) == '0')) {
            throw PatchException.invalid("invalid array index \"" + token + "\" at \"" + render(pathSoFar) + "\"");
        }
        try {
            return Integer.parseInt(token);
        } catch (NumberFormatException e) {
            throw PatchException.invalid("array index \"" + token + "\" out of range at \"" + render(pathSoFar) + "\"");
        }
    }

    private static JsonNode add(JsonNode doc, List<String> path, JsonNode value) {
        if (path.isEmpty()) return value;
        JsonNode parent = get(doc, path.subList(0, path.size() - 1));
        String last = path.getLast();
        if (parent instanceof ObjectNode o) {
            o.set(last, value);
        } else if (parent instanceof ArrayNode a) {
            if (last.equals("-")) {
                a.add(value);
            } else {
                int idx = arrayIndex(last, path);
                if (idx > a.size()) {
                    throw PatchException.invalid("index out of range at \"" + render(path) + "\" (size " + a.size() + ")");
                }
                a.insert(idx, value);
            }
        } else {
            throw PatchException.invalid("cannot add at \"" + render(path) + "\": parent is a " + Json.typeName(parent));
        }
        return doc;
    }

    private static void replace(JsonNode doc, List<String> path, JsonNode value) {
        JsonNode parent = get(doc, path.subList(0, path.size() - 1));
        child(parent, path.getLast(), path); // must exist
        if (parent instanceof ObjectNode o) {
            o.set(path.getLast(), value);
        } else {
            ((ArrayNode) parent).set(arrayIndex(path.getLast(), path), value);
        }
    }

    private static void remove(JsonNode doc, List<String> path) {
        if (path.isEmpty()) throw PatchException.invalid("cannot remove the whole document");
        JsonNode parent = get(doc, path.subList(0, path.size() - 1));
        String last = path.getLast();
        if (parent instanceof ObjectNode o) {
            if (!o.has(last)) throw PatchException.invalid("path \"" + render(path) + "\" does not exist");
            o.remove(last);
        } else if (parent instanceof ArrayNode a) {
            int idx = arrayIndex(last, path);
            if (idx >= a.size()) {
                throw PatchException.invalid("index out of range at \"" + render(path) + "\" (size " + a.size() + ")");
            }
            a.remove(idx);
        } else {
            throw PatchException.invalid("path \"" + render(path) + "\" does not exist: parent is a " + Json.typeName(parent));
        }
    }
}
