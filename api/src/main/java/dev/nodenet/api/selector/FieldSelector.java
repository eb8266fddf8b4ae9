package dev.nodenet.api.selector;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed field selector: comma-joined {@code path=value}, {@code path==value} or {@code path!=value}, e.g.
 * {@code metadata.name=web,metadata.namespace!=kube-system}. Values may escape {@code \,} {@code \=} {@code \\}.
 * {@link #matches(JsonNode)} evaluates it on an object's JSON tree; a missing field reads as the empty string
 * (as the API server does). Which fields a server accepts is up to the server ({@code metadata.name} and
 * {@code metadata.namespace} always work).
 * <p>Immutable and thread-safe.
 */
public final class FieldSelector {
    /** One term: a dotted field path, whether it must equal or differ, and the value. */
    public record Term(String field, boolean equal, String value) {
        @Override
        public String toString() {
            return field + (equal ? "=" : "!=") + escape(value);
        }
    }

    private static final FieldSelector EVERYTHING = new FieldSelector(List.of());
    private final List<Term> terms;

    private FieldSelector(List<Term> terms) {
        this.terms = List.copyOf(terms);
    }

    public static FieldSelector everything() {
        return EVERYTHING;
    }

    /** {@code metadata.name=name}: the selector kubectl uses to watch one object. */
    public static FieldSelector name(String name) {
        return new FieldSelector(List.of(new Term("metadata.name", true, name)));
    }

    /**
     * Parses the string syntax; null or blank gives {@link #everything()}.
     * @throws IllegalArgumentException naming the position of the first error
     */
    public static FieldSelector parse(String selector) {
        if (selector == null || selector.isBlank()) return EVERYTHING;
        List<Term> terms = new ArrayList<>();
        int pos = 0;
        while (true) {
            int start = pos;
            while (pos < selector.length() && "=!,".indexOf(selector.charAt(pos)) < 0) pos++;
            String field = selector.substring(start, pos).strip();
            if (field.isEmpty() || !field.matches("[A-Za-z0-9_.\\-/]+")) {
                throw error(selector, start, "expected a field path such as metadata.name");
            }
            boolean equal;
            if (selector.startsWith("==", pos)) {
                pos += 2;
                equal = true;
            } else if (selector.startsWith("!=", pos)) {
                pos += 2;
                equal = false;
            } else if (selector.startsWith("=", pos)) {
                pos += 1;
                equal = true;
            } else {
                throw error(selector, pos, "expected =, == or != after " + field);
            }
            StringBuilder value = new StringBuilder();
            while (pos < selector.length() && selector.charAt(pos) != ',') {
                char c = selector.charAt(pos++);
                if (c == '\\') {
                    if (pos == selector.length()) throw error(selector, pos, "dangling escape");
                    value.append(selector.charAt(pos++));
                } else if (c == '=') {
                    throw error(selector, pos - 1, "unescaped '=' in a value");
                } else {
                    value.append(c);
                }
            }
            terms.add(new Term(field, equal, value.toString()));
            if (pos == selector.length()) return new FieldSelector(terms);
            pos++;
        }
    }

    /** True if every term holds for the object's JSON tree. */
    public boolean matches(JsonNode object) {
        for (Term t : terms) {
            JsonNode node = object;
            for (String part : t.field().split("\\.")) node = node == null ? null : node.get(part);
            String actual = node == null || node.isNull() || node.isContainerNode() ? "" : node.asText();
            if (actual.equals(t.value()) != t.equal()) return false;
        }
        return true;
    }

    public List<Term> terms() {
        return terms;
    }

    public boolean isEverything() {
        return terms.isEmpty();
    }

    /** The query-parameter form; parses back to an equal selector. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Term t : terms) {
            if (!sb.isEmpty()) sb.append(',');
            sb.append(t);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldSelector f && f.terms.equals(terms);
    }

    @Override
    public int hashCode() {
        return terms.hashCode();
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=");
    }

    private static IllegalArgumentException error(String s, int pos, String message) {
        return new IllegalArgumentException("invalid field selector \"" + s + "\" at position " + pos + ": " + message);
    }
}
