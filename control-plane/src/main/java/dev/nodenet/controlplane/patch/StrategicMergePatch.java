package dev.nodenet.controlplane.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes strategic merge patch ({@code application/strategic-merge-patch+json}), the server ("apply") side, with
 * the semantics of k8s.io/apimachinery/pkg/util/strategicpatch.
 *
 * <ul>
 *   <li>Objects merge recursively; a {@code null} value deletes the key; any other value replaces the original value
 *       (also when the JSON types differ).</li>
 *   <li>Lists whose field is tagged {@code merge} in the {@link PatchSchema} merge: objects by the merge key (matching
 *       elements are merged, new ones added), primitives as a set. Other lists are replaced.</li>
 *   <li>Order of a merged list: patch elements in patch order, original-only elements in original order, interleaved
 *       as upstream does; {@code $setElementOrder/<field>} fixes the order of the elements it lists.</li>
 *   <li>Directives: {@code $patch: replace} (object: replaced by the rest of the patch object; list element:
 *       the list becomes the other patch elements), {@code $patch: delete} (object: becomes {@code {}}, as upstream;
 *       list element: removes the elements with that merge key), {@code $deleteFromPrimitiveList/<field>},
 *       {@code $setElementOrder/<field>}, {@code $retainKeys}. {@code $patch: merge} is rejected, as upstream does.</li>
 * </ul>
 *
 * <p>Deviations from upstream, all for a server that stores JSON trees rather than decoded Go structs: values copied
 * from the patch as a whole (new keys, new list elements, replaced lists) are cleaned of directive keys, elements
 * carrying {@code $patch} and {@code null} members, which is what decoding into the typed object does upstream; a key
 * that starts with {@code $} and is not a directive (other than {@code $ref} and {@code $schema}, which are real
 * JSON-Schema field names) is rejected; errors that upstream reports as internal errors are 422 here.
 *
 * <p>Pure function, thread-safe.
 */
public final class StrategicMergePatch {
    static final String PATCH = "$patch";
    static final String RETAIN_KEYS = "$retainKeys";
    static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";
    static final String SET_ELEMENT_ORDER = "$setElementOrder";

    private StrategicMergePatch() {}

    /**
     * Applies {@code patch} to {@code original} and returns a new object; neither argument is modified.
     *
     * @param original the stored object; {@code null} or JSON null count as {@code {}}
     * @param patch    the patch, a JSON object
     * @param schema   the strategies of the object's kind, see {@link PatchSchema#forKind(String)}
     * @throws PatchException 400 for a patch that is not an object or has a malformed directive format, 422 for
     *                        other misuse
     */
    public static ObjectNode apply(JsonNode original, JsonNode patch, PatchSchema schema) {
        if (patch == null || !patch.isObject()) {
            throw PatchException.badRequest("a strategic merge patch must be a JSON object, got " + Json.typeName(patch));
        }
        ObjectNode base;
        if (original == null || original.isNull() || original.isMissingNode()) {
            base = Json.NODES.objectNode();
        } else if (original.isObject()) {
            base = ((ObjectNode) original).deepCopy();
        } else {
            throw PatchException.invalid("cannot apply a strategic merge patch to a " + Json.typeName(original));
        }
        return mergeMap(base, ((ObjectNode) patch).deepCopy(), schema.root(), Path.ROOT);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Objects. Both arguments are private copies and are modified freely.

    private static ObjectNode mergeMap(ObjectNode original, ObjectNode patch, PatchSchema.Node schema, Path path) {
        JsonNode directive = patch.get(PATCH);
        if (directive != null) {
            if (isText(directive, "replace")) {
                patch.remove(PATCH);
                return (ObjectNode) clean(patch, path);
            }
            if (isText(directive, "delete")) return Json.NODES.objectNode();
            throw PatchException.invalid("unknown patch type " + directive + " in map at " + path.render());
        }
        if (original == null) original = Json.NODES.objectNode();
        for (String k : names(patch)) checkKey(k, path);

        applyRetainKeys(original, patch, path);
        applySetElementOrder(original, patch, schema, path);

        for (Map.Entry<String, JsonNode> e : new ArrayList<>(patch.properties())) {
            String key = e.getKey();
            JsonNode patchValue = e.getValue();
            boolean deleteList = false;
            if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
                key = fieldOf(key, DELETE_FROM_PRIMITIVE_LIST, path);
                deleteList = true;
            }
            if (patchValue.isNull()) {
                original.remove(key);
                continue;
            }
            JsonNode originalValue = original.get(key);
            if (originalValue == null || originalValue.getNodeType() != patchValue.getNodeType()) {
                if (!deleteList) putClean(original, key, patchValue, path.child(key));
                continue;
            }
            PatchSchema.Node field = schema.child(key);
            switch (patchValue.getNodeType()) {
                case OBJECT -> {
                    if (field.meta().strategy() == PatchSchema.Strategy.REPLACE) {
                        putClean(original, key, patchValue, path.child(key));
                    } else {
                        original.set(key, mergeMap((ObjectNode) originalValue, (ObjectNode) patchValue, field, path.child(key)));
                    }
                }
                case ARRAY -> original.set(key,
                        mergeListField((ArrayNode) originalValue, (ArrayNode) patchValue, field, deleteList, path.child(key), null));
                default -> putClean(original, key, patchValue, path.child(key));
            }
        }
        return original;
    }

    private static void checkKey(String key, Path path) {
        if (!key.startsWith("$") || key.equals(PATCH) || key.equals(RETAIN_KEYS)
                || key.startsWith(SET_ELEMENT_ORDER) || key.startsWith(DELETE_FROM_PRIMITIVE_LIST)
                || key.equals("$ref") || key.equals("$schema")) {
            return;
        }
        throw PatchException.invalid("unknown strategic merge patch directive \"" + key + "\" at " + path.render());
    }

    /** {@code $retainKeys}: drop the original keys not listed; every non-null patch key must be listed. */
    private static void applyRetainKeys(ObjectNode original, ObjectNode patch, Path path) {
        JsonNode retain = patch.remove(RETAIN_KEYS);
        if (retain == null) return;
        if (!retain.isArray()) {
            throw PatchException.badRequest("invalid patch format of retainKeys at " + path.render() + ": not a list");
        }
        Set<String> keep = new HashSet<>();
        for (JsonNode k : retain) if (k.isTextual()) keep.add(k.textValue());
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            String k = e.getKey();
            if (e.getValue().isNull() || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
            if (!keep.contains(k)) {
                throw PatchException.badRequest("invalid patch format of retainKeys at " + path.render()
                        + ": \"" + k + "\" is patched but not listed in $retainKeys " + retain);
            }
        }
        original.retain(keep);
    }

    /** {@code $setElementOrder/<field>}: merge the field's list now and order it as the directive says. */
    private static void applySetElementOrder(ObjectNode original, ObjectNode patch, PatchSchema.Node schema, Path path) {
        for (String directiveKey : names(patch)) {
            if (!directiveKey.startsWith(SET_ELEMENT_ORDER)) continue;
            JsonNode order = patch.remove(directiveKey);
            if (!order.isArray()) {
                throw PatchException.invalid(directiveKey + " at " + path.render() + " must be a list, got " + Json.typeName(order));
            }
            String fieldName = fieldOf(directiveKey, SET_ELEMENT_ORDER, path);
            Path fieldPath = path.child(fieldName);
            JsonNode originalList = original.get(fieldName);
            JsonNode patchList = patch.get(fieldName);
            if (originalList != null && !originalList.isArray()) {
                throw PatchException.invalid("expected a list at " + fieldPath.render() + " to apply " + directiveKey
                        + ", found a " + Json.typeName(originalList));
            }
            if (patchList != null && !patchList.isArray()) {
                throw PatchException.invalid("expected a list at " + fieldPath.render() + " in the patch, found a "
                        + Json.typeName(patchList));
            }
            PatchSchema.Node field = schema.child(fieldName);
            String mergeKey = field.meta().mergeKey();
            validateOrder(patchList, order, mergeKey, fieldPath);

            List<JsonNode> merged;
            // The original order that ordering falls back on. Upstream reads it through a Go slice that merging the
            // list has modified in place (deleted elements shift left, added ones fill the freed tail); replaying that
            // keeps server-only elements where kubectl users see them land.
            List<JsonNode> serverOrder = originalList == null ? List.of() : elements(originalList);
            if (originalList != null && patchList != null) {
                List<JsonNode> view = new ArrayList<>();
                merged = elements(mergeListField((ArrayNode) originalList, (ArrayNode) patchList, field, false, fieldPath, view));
                if (!view.isEmpty()) serverOrder = view;
            } else if (originalList != null) {
                merged = elements(originalList);
            } else if (patchList != null) {
                merged = elements(clean(patchList, fieldPath));
            } else {
                continue;
            }
            JsonNodeType kind = elementKind(fieldPath, originalList, patchList);
            if (kind == null) {
                // Nothing to order (upstream fails here with "no elements in any of the given slices").
                original.set(fieldName, toArray(merged));
                patch.remove(fieldName);
                continue;
            }
            List<JsonNode> orderList = elements(order);
            List<JsonNode> inOrder = new ArrayList<>();
            List<JsonNode> serverOnly = new ArrayList<>();
            partition(merged, orderList, mergeKey, fieldPath, inOrder, serverOnly);
            original.set(fieldName, toArray(normalizeOrder(inOrder, serverOnly, orderList, serverOrder, mergeKey, kind, fieldPath)));
            patch.remove(fieldName);
        }
    }

    /** The patch list's elements (deletions aside) must appear in the $setElementOrder list, in the same order. */
    private static void validateOrder(JsonNode patchList, JsonNode order, String mergeKey, Path path) {
        if (patchList == null || patchList.isEmpty() || order.isEmpty()) return;
        List<JsonNode> items = new ArrayList<>();
        for (JsonNode p : patchList) {
            if (mergeKey != null) {
                if (!p.isObject()) throw PatchException.invalid("expected an object in the list at " + path.render() + ", got " + p);
                if (isText(p.get(PATCH), "delete")) continue;
            }
            items.add(p);
        }
        int pi = 0;
        int oi = 0;
        while (pi < items.size() && oi < order.size()) {
            JsonNode item = items.get(pi);
            if (item.isObject() && item.has(PATCH)) {
                pi++;
                continue;
            }
            if (sameKey(item, order.get(oi), mergeKey, path)) pi++;
            oi++;
        }
        if (pi < items.size()) {
            throw PatchException.invalid("the order of the list at " + path.render() + " in the patch " + patchList
                    + " does not match its $setElementOrder list " + order);
        }
    }

    private static boolean sameKey(JsonNode a, JsonNode b, String mergeKey, Path path) {
        if (mergeKey == null) return Json.key(a).equals(Json.key(b));
        return Json.key(mergeKeyOf(a, mergeKey, path)).equals(Json.key(mergeKeyOf(b, mergeKey, path)));
    }

    private static JsonNode mergeKeyOf(JsonNode element, String mergeKey, Path path) {
        if (!element.isObject()) {
            throw PatchException.invalid("expected an object in the list at " + path.render() + ", got " + element);
        }
        JsonNode v = element.get(mergeKey);
        if (v == null) {
            throw PatchException.invalid("map " + element + " in the list at " + path.render()
                    + " does not contain the merge key \"" + mergeKey + "\"");
        }
        return v;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Lists.

    /**
     * Merges or replaces a list field. When {@code originalView} is not null and the list merges by key, it receives
     * the original list as upstream's in-place slice operations leave it (see {@link #applySetElementOrder}).
     */
    private static ArrayNode mergeListField(ArrayNode original, ArrayNode patch, PatchSchema.Node field,
                                            boolean deleteList, Path path, List<JsonNode> originalView) {
        if (field.meta().strategy() == PatchSchema.Strategy.MERGE || deleteList) {
            return mergeList(original, patch, field, field.meta().mergeKey(), deleteList, path, originalView);
        }
        return (ArrayNode) clean(patch, path);
    }

    private static ArrayNode mergeList(ArrayNode originalNode, ArrayNode patchNode, PatchSchema.Node field,
                                       String mergeKey, boolean deleteList, Path path, List<JsonNode> originalView) {
        if (originalNode.isEmpty() && patchNode.isEmpty()) return originalNode;
        JsonNodeType kind = elementKind(path, originalNode, patchNode);
        List<JsonNode> original = elements(originalNode);
        List<JsonNode> patch = elements(patchNode);
        List<JsonNode> merged;
        if (kind != JsonNodeType.OBJECT) {
            if (deleteList) {
                Set<Object> remove = keys(patch);
                List<JsonNode> kept = new ArrayList<>();
                for (JsonNode v : original) if (!remove.contains(Json.key(v))) kept.add(v);
                return toArray(kept);
            }
            Map<Object, JsonNode> union = new java.util.LinkedHashMap<>();
            for (JsonNode v : original) union.putIfAbsent(Json.key(v), v);
            for (JsonNode v : patch) union.putIfAbsent(Json.key(v), v);
            merged = new ArrayList<>(union.values());
        } else {
            if (mergeKey == null) {
                throw PatchException.invalid("cannot merge lists without merge key for " + path.render());
            }
            // Special elements: {"$patch":"delete", key: v} removes, {"$patch":"replace"} replaces the list.
            List<JsonNode> plain = new ArrayList<>();
            boolean replace = false;
            JsonNode[] window = original.toArray(new JsonNode[0]);
            int live = window.length;
            for (JsonNode p : patch) {
                JsonNode directive = p.get(PATCH);
                if (directive == null) {
                    plain.add(p);
                } else if (isText(directive, "delete")) {
                    JsonNode value = p.get(mergeKey);
                    if (value == null) {
                        throw PatchException.invalid("delete directive " + p + " in the list at " + path.render()
                                + " does not contain the merge key \"" + mergeKey + "\"");
                    }
                    Object k = Json.key(value);
                    for (int at = 0; at < live; ) {
                        JsonNode o = window[at];
                        if (o.has(mergeKey) && Json.key(o.get(mergeKey)).equals(k)) {
                            System.arraycopy(window, at + 1, window, at, live - at - 1);
                            live--;
                        } else {
                            at++;
                        }
                    }
                } else if (isText(directive, "replace")) {
                    replace = true;
                } else if (isText(directive, "merge")) {
                    throw PatchException.invalid("merging lists cannot yet be specified in the patch (at " + path.render() + ")");
                } else {
                    throw PatchException.invalid("unknown patch type " + directive + " in the list at " + path.render());
                }
            }
            boolean aliased = !replace;
            if (replace) {
                original = new ArrayList<>(plain.size());
                for (JsonNode p : plain) original.add(clean(p, path));
                patch = List.of();
            } else {
                original = new ArrayList<>(List.of(window).subList(0, live));
                patch = plain;
            }
            merged = new ArrayList<>(original);
            Map<Object, Integer> byKey = new HashMap<>();
            for (int i = 0; i < merged.size(); i++) {
                JsonNode k = merged.get(i).get(mergeKey);
                if (k != null) byKey.putIfAbsent(Json.key(k), i);
            }
            for (JsonNode p : patch) {
                Object k = Json.key(mergeKeyOf(p, mergeKey, path));
                Integer at = byKey.get(k);
                if (at != null) {
                    merged.set(at, mergeMap((ObjectNode) merged.get(at), (ObjectNode) p, field, path));
                    if (aliased && at < window.length) window[at] = merged.get(at);
                } else {
                    byKey.put(k, merged.size());
                    JsonNode added = clean(p, path);
                    if (aliased && merged.size() < window.length) window[merged.size()] = added;
                    merged.add(added);
                }
            }
            if (originalView != null) originalView.addAll(List.of(window));
        }
        List<JsonNode> inPatch = new ArrayList<>();
        List<JsonNode> serverOnly = new ArrayList<>();
        partition(merged, patch, mergeKey, path, inPatch, serverOnly);
        return toArray(normalizeOrder(inPatch, serverOnly, patch, original, mergeKey, kind, path));
    }

    /** Splits {@code merged} into the elements present in {@code by} (by value or merge key) and the others. */
    private static void partition(List<JsonNode> merged, List<JsonNode> by, String mergeKey, Path path,
                                  List<JsonNode> present, List<JsonNode> absent) {
        Set<Object> keys = new HashSet<>();
        for (JsonNode b : by) {
            if (mergeKey == null) {
                keys.add(Json.key(b));
            } else {
                if (!b.isObject()) throw PatchException.invalid("expected an object in the list at " + path.render() + ", got " + b);
                JsonNode k = b.get(mergeKey);
                if (k != null) keys.add(Json.key(k));
            }
        }
        for (JsonNode m : merged) {
            Object k = mergeKey == null ? Json.key(m) : Json.key(mergeKeyOf(m, mergeKey, path));
            (keys.contains(k) ? present : absent).add(m);
        }
    }

    /**
     * Sorts the patch elements by {@code patchOrder} and the server-only elements by {@code serverOrder}, then
     * interleaves them: a server-only element goes before a patch element only when both appear in
     * {@code serverOrder} and it comes first there.
     */
    private static List<JsonNode> normalizeOrder(List<JsonNode> patchItems, List<JsonNode> serverOnly,
                                                 List<JsonNode> patchOrder, List<JsonNode> serverOrder,
                                                 String mergeKey, JsonNodeType kind, Path path) {
        List<JsonNode> right = sortBy(patchItems, patchOrder, mergeKey, kind, path);
        List<JsonNode> left = sortBy(serverOnly, serverOrder, mergeKey, kind, path);
        Map<Object, Integer> serverIndex = indexOf(serverOrder, mergeKey, kind);
        List<JsonNode> out = new ArrayList<>(left.size() + right.size());
        int i = 0;
        int j = 0;
        while (i < left.size() || j < right.size()) {
            if (j >= right.size()) {
                out.add(left.get(i++));
            } else if (i >= left.size()) {
                out.add(right.get(j++));
            } else {
                Integer li = serverIndex.get(orderKey(left.get(i), mergeKey, kind));
                Integer ri = serverIndex.get(orderKey(right.get(j), mergeKey, kind));
                if (li != null && ri != null && li < ri) out.add(left.get(i++));
                else out.add(right.get(j++));
            }
        }
        return out;
    }

    /** Stable sort of {@code items} by their position in {@code order}; deletion markers go last. */
    private static List<JsonNode> sortBy(List<JsonNode> items, List<JsonNode> order, String mergeKey,
                                         JsonNodeType kind, Path path) {
        List<JsonNode> toSort = new ArrayList<>(items.size());
        List<JsonNode> deletions = new ArrayList<>();
        if (kind == JsonNodeType.OBJECT) {
            for (JsonNode o : order) mergeKeyOf(o, mergeKey, path);
            for (JsonNode it : items) {
                mergeKeyOf(it, mergeKey, path);
                if (isText(it.get(PATCH), "delete")) deletions.add(it);
                else toSort.add(it);
            }
        } else {
            toSort.addAll(items);
        }
        Map<Object, Integer> index = indexOf(order, mergeKey, kind);
        int n = toSort.size();
        int[] pos = new int[n];
        boolean allFound = true;
        for (int k = 0; k < n; k++) {
            Integer p = index.get(orderKey(toSort.get(k), mergeKey, kind));
            pos[k] = p == null ? -1 : p;
            allFound &= p != null;
        }
        List<JsonNode> sorted;
        if (allFound) {
            List<Integer> idx = new ArrayList<>(n);
            for (int k = 0; k < n; k++) idx.add(k);
            idx.sort(Comparator.comparingInt(k -> pos[k]));
            sorted = new ArrayList<>(n);
            for (int k : idx) sorted.add(toSort.get(k));
        } else {
            // Upstream's comparator treats an element missing from the order as "less" than anything; replay the
            // insertion sort Go's stable sort performs so that the outcome matches.
            JsonNode[] a = toSort.toArray(new JsonNode[0]);
            for (int x = 1; x < n; x++) {
                for (int y = x; y > 0 && (pos[y] < 0 || pos[y - 1] < 0 || pos[y] < pos[y - 1]); y--) {
                    JsonNode t = a[y]; a[y] = a[y - 1]; a[y - 1] = t;
                    int tp = pos[y]; pos[y] = pos[y - 1]; pos[y - 1] = tp;
                }
            }
            sorted = new ArrayList<>(List.of(a));
        }
        sorted.addAll(deletions);
        return sorted;
    }

    private static Map<Object, Integer> indexOf(List<JsonNode> order, String mergeKey, JsonNodeType kind) {
        Map<Object, Integer> index = new HashMap<>();
        for (int k = 0; k < order.size(); k++) index.putIfAbsent(orderKey(order.get(k), mergeKey, kind), k);
        return index;
    }

    private static Object orderKey(JsonNode item, String mergeKey, JsonNodeType kind) {
        if (kind == JsonNodeType.OBJECT) return Json.key(item.isObject() ? item.get(mergeKey) : null);
        return Json.key(item);
    }

    /** The common JSON type of the elements of the lists, or null if they have none. */
    private static JsonNodeType elementKind(Path path, JsonNode... lists) {
        JsonNodeType kind = null;
        for (JsonNode list : lists) {
            if (list == null) continue;
            for (JsonNode v : list) {
                JsonNodeType t = v.getNodeType();
                if (kind == null) {
                    if (t == JsonNodeType.ARRAY) throw PatchException.invalid("lists of lists are not supported (at " + path.render() + ")");
                    if (t == JsonNodeType.NULL) throw PatchException.invalid("null list elements are not supported (at " + path.render() + ")");
                    kind = t;
                } else if (kind != t) {
                    throw PatchException.invalid("list element types are not identical at " + path.render());
                }
            }
        }
        return kind;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers.

    /**
     * A value taken from the patch as a whole: objects carrying {@code $patch} are dropped (returns null), directive
     * keys and null members are removed, recursively.
     */
    private static JsonNode clean(JsonNode v, Path path) {
        if (v.isObject()) {
            if (v.has(PATCH)) return null;
            ObjectNode out = Json.NODES.objectNode();
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                String k = e.getKey();
                checkKey(k, path);
                if (k.equals(RETAIN_KEYS) || k.startsWith(SET_ELEMENT_ORDER) || k.startsWith(DELETE_FROM_PRIMITIVE_LIST)) continue;
                if (e.getValue().isNull()) continue;
                JsonNode c = clean(e.getValue(), path.child(k));
                if (c != null) out.set(k, c);
            }
            return out;
        }
        if (v.isArray()) {
            ArrayNode out = Json.NODES.arrayNode(v.size());
            for (JsonNode e : v) {
                JsonNode c = clean(e, path);
                if (c != null) out.add(c);
            }
            return out;
        }
        return v;
    }

    private static void putClean(ObjectNode target, String key, JsonNode value, Path path) {
        JsonNode c = clean(value, path);
        if (c == null) target.remove(key);
        else target.set(key, c);
    }

    /** {@code "$prefix/field"} → {@code "field"}; a malformed directive key is a 400 as upstream. */
    private static String fieldOf(String key, String prefix, Path path) {
        int slash = key.indexOf('/');
        if (slash < 0 || !key.substring(0, slash).equals(prefix)) {
            String what = prefix.equals(SET_ELEMENT_ORDER) ? "setElementOrder list" : "primitive list";
            throw PatchException.badRequest("invalid patch format of " + what + ": \"" + key + "\" at " + path.render());
        }
        return key.substring(slash + 1);
    }

    private static boolean isText(JsonNode n, String text) {
        return n != null && n.isTextual() && n.textValue().equals(text);
    }

    private static Set<Object> keys(List<JsonNode> values) {
        Set<Object> s = new LinkedHashSet<>();
        for (JsonNode v : values) s.add(Json.key(v));
        return s;
    }

    private static List<String> names(ObjectNode o) {
        List<String> l = new ArrayList<>(o.size());
        for (Map.Entry<String, JsonNode> e : o.properties()) l.add(e.getKey());
        return l;
    }

    private static List<JsonNode> elements(JsonNode array) {
        List<JsonNode> l = new ArrayList<>(array.size());
        for (JsonNode e : array) l.add(e);
        return l;
    }

    private static ArrayNode toArray(List<JsonNode> l) {
        ArrayNode a = Json.NODES.arrayNode(l.size());
        a.addAll(l);
        return a;
    }

    /** A field path for error messages, rendered only on failure. */
    private record Path(Path parent, String name) {
        static final Path ROOT = new Path(null, null);

        Path child(String n) { return new Path(this, n); }

        String render() {
            if (parent == null) return "<root>";
            return parent.parent == null ? name : parent.render() + "." + name;
        }
    }
}
