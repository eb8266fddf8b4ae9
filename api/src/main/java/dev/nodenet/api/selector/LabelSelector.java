package dev.nodenet.api.selector;

import dev.nodenet.api.model.LabelSelectorRequirement;
import dev.nodenet.api.model.LabelSelectorSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A parsed Kubernetes label selector, equality- and set-based:
 * {@code a=b}, {@code a==b}, {@code a!=b}, {@code a in (x,y)}, {@code a notin (x)}, {@code a}, {@code !a},
 * {@code a>1}, {@code a<1}, joined by commas (all must match). {@link #toString()} gives the canonical
 * query-parameter form (requirements sorted by key, set values sorted), which parses back to an equal selector.
 * <p>Immutable and thread-safe.
 */
public final class LabelSelector {
    /** One requirement's operator. */
    public enum Operator { EQUALS, NOT_EQUALS, IN, NOT_IN, EXISTS, DOES_NOT_EXIST, GREATER_THAN, LESS_THAN }

    /** One requirement: a key, an operator and its values (empty for EXISTS / DOES_NOT_EXIST). */
    public record Requirement(String key, Operator operator, SortedSet<String> values) {
        public Requirement {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(operator, "operator");
            values = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(values));
        }

        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return switch (operator) {
                case EQUALS, IN -> v != null && values.contains(v);
                case NOT_EQUALS, NOT_IN -> v == null || !values.contains(v);
                case EXISTS -> v != null;
                case DOES_NOT_EXIST -> v == null;
                case GREATER_THAN, LESS_THAN -> v != null && compare(v);
            };
        }

        private boolean compare(String v) {
            try {
                long have = Long.parseLong(v);
                long limit = Long.parseLong(values.first());
                return operator == Operator.GREATER_THAN ? have > limit : have < limit;
            } catch (NumberFormatException e) {
                return false;
            }
        }

        @Override
        public String toString() {
            return switch (operator) {
                case EQUALS -> key + "=" + values.first();
                case NOT_EQUALS -> key + "!=" + values.first();
                case IN -> key + " in (" + String.join(",", values) + ")";
                case NOT_IN -> key + " notin (" + String.join(",", values) + ")";
                case EXISTS -> key;
                case DOES_NOT_EXIST -> "!" + key;
                case GREATER_THAN -> key + ">" + values.first();
                case LESS_THAN -> key + "<" + values.first();
            };
        }
    }

    private static final LabelSelector EVERYTHING = new LabelSelector(List.of(), false);
    private static final LabelSelector NOTHING = new LabelSelector(List.of(), true);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private final List<Requirement> requirements;
    private final boolean nothing;

    private LabelSelector(List<Requirement> requirements, boolean nothing) {
        List<Requirement> sorted = new ArrayList<>(requirements);
        sorted.sort(Comparator.comparing(Requirement::key));
        this.requirements = List.copyOf(sorted);
        this.nothing = nothing;
    }

    /** The empty selector: matches every label set. */
    public static LabelSelector everything() {
        return EVERYTHING;
    }

    /** Matches no label set (what a null metav1.LabelSelector means); its {@link #toString()} is empty. */
    public static LabelSelector nothing() {
        return NOTHING;
    }

    /** A selector of the given requirements (all must match). */
    public static LabelSelector of(List<Requirement> requirements) {
        return new LabelSelector(requirements, false);
    }

    /**
     * Parses the string syntax; null or blank gives {@link #everything()}.
     * @throws IllegalArgumentException naming the position of the first error
     */
    public static LabelSelector parse(String selector) {
        if (selector == null || selector.isBlank()) return EVERYTHING;
        return new LabelSelector(new Parser(selector).parse(), false);
    }

    /**
     * Converts a metav1.LabelSelector object: matchLabels as equalities, matchExpressions In/NotIn/Exists/DoesNotExist.
     * A null spec selects nothing, an empty one everything (the API's semantics).
     * @throws IllegalArgumentException for an unknown operator, or values that do not fit the operator
     */
    public static LabelSelector from(LabelSelectorSpec spec) {
        if (spec == null) return NOTHING;
        List<Requirement> reqs = new ArrayList<>();
        if (spec.matchLabels() != null) {
            spec.matchLabels().forEach((k, v) -> reqs.add(requirement(k, Operator.EQUALS, List.of(v == null ? "" : v))));
        }
        if (spec.matchExpressions() != null) {
            for (LabelSelectorRequirement e : spec.matchExpressions()) {
                List<String> values = e.values() == null ? List.of() : e.values();
                Operator op = switch (String.valueOf(e.operator())) {
                    case "In" -> Operator.IN;
                    case "NotIn" -> Operator.NOT_IN;
                    case "Exists" -> Operator.EXISTS;
                    case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
                    default -> throw new IllegalArgumentException(
                            "matchExpressions key " + e.key() + ": unknown operator " + e.operator());
                };
                reqs.add(requirement(e.key(), op, values));
            }
        }
        return new LabelSelector(reqs, false);
    }

    /** Builds one validated requirement. */
    public static Requirement requirement(String key, Operator op, List<String> values) {
        String keyError = keyError(key);
        if (keyError != null) throw new IllegalArgumentException("label selector key " + key + ": " + keyError);
        int want = switch (op) {
            case EXISTS, DOES_NOT_EXIST -> 0;
            case EQUALS, NOT_EQUALS, GREATER_THAN, LESS_THAN -> 1;
            case IN, NOT_IN -> -1;
        };
        if (want >= 0 && values.size() != want || want < 0 && values.isEmpty()) {
            throw new IllegalArgumentException("label selector key " + key + ": operator " + op + " cannot take "
                    + values.size() + " value(s)");
        }
        for (String v : values) {
            String valueError = valueError(v);
            if (valueError != null) {
                throw new IllegalArgumentException("label selector key " + key + ": value " + v + ": " + valueError);
            }
            if ((op == Operator.GREATER_THAN || op == Operator.LESS_THAN) && !v.matches("-?[0-9]+")) {
                throw new IllegalArgumentException("label selector key " + key + ": " + v + " is not an integer");
            }
        }
        return new Requirement(key, op, new TreeSet<>(values));
    }

    /** True if the labels (null means none) satisfy every requirement. */
    public boolean matches(Map<String, String> labels) {
        if (nothing) return false;
        Map<String, String> l = labels == null ? Map.of() : labels;
        for (Requirement r : requirements) if (!r.matches(l)) return false;
        return true;
    }

    public boolean isEverything() {
        return !nothing && requirements.isEmpty();
    }

    /** The requirements, sorted by key. */
    public List<Requirement> requirements() {
        return requirements;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Requirement r : requirements) {
            if (!sb.isEmpty()) sb.append(',');
            sb.append(r);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSelector s && s.nothing == nothing && s.requirements.equals(requirements);
    }

    @Override
    public int hashCode() {
        return requirements.hashCode() * 31 + Boolean.hashCode(nothing);
    }

    /** A qualified name: optional DNS-subdomain prefix (max 253) and '/', then a name (max 63). */
    static String keyError(String key) {
        if (key == null || key.isEmpty()) return "empty key";
        int slash = key.indexOf('/');
        String name = key;
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            if (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
                return "prefix must be a DNS subdomain";
            }
        }
        if (!NAME.matcher(name).matches()) {
            return "name must be 1-63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric";
        }
        return null;
    }

    static String valueError(String value) {
        if (value.isEmpty() || NAME.matcher(value).matches()) return null;
        return "must be empty or 1-63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric";
    }

    /** Recursive-descent parser over the raw string; errors carry the 0-based position. */
    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        List<Requirement> parse() {
            List<Requirement> reqs = new ArrayList<>();
            while (true) {
                reqs.add(requirement());
                skipSpace();
                if (pos == s.length()) return reqs;
                if (s.charAt(pos) != ',') throw error("expected ',' or end of selector");
                pos++;
            }
        }

        private Requirement requirement() {
            skipSpace();
            if (peek('!') && !peek("!=")) {
                pos++;
                skipSpace();
                int at = pos;
                String key = identifier("label key");
                skipSpace();
                if (pos < s.length() && s.charAt(pos) != ',') throw error("'!" + key + "' takes no operator");
                return build(at, key, Operator.DOES_NOT_EXIST, List.of());
            }
            int at = pos;
            String key = identifier("label key");
            skipSpace();
            if (pos == s.length() || s.charAt(pos) == ',') return build(at, key, Operator.EXISTS, List.of());
            Operator op;
            if (peek("==")) {
                pos += 2;
                op = Operator.EQUALS;
            } else if (peek("!=")) {
                pos += 2;
                op = Operator.NOT_EQUALS;
            } else if (peek('=')) {
                pos++;
                op = Operator.EQUALS;
            } else if (peek('>')) {
                pos++;
                op = Operator.GREATER_THAN;
            } else if (peek('<')) {
                pos++;
                op = Operator.LESS_THAN;
            } else if (word("notin")) {
                op = Operator.NOT_IN;
            } else if (word("in")) {
                op = Operator.IN;
            } else {
                throw error("expected an operator (=, ==, !=, in, notin, >, <), ',' or end of selector");
            }
            skipSpace();
            if (op == Operator.IN || op == Operator.NOT_IN) return build(at, key, op, set());
            String value = pos < s.length() && !isSpecial(s.charAt(pos)) ? identifier("value") : "";
            return build(at, key, op, List.of(value));
        }

        private List<String> set() {
            if (!peek('(')) throw error("expected '(' starting a value set");
            pos++;
            List<String> values = new ArrayList<>();
            while (true) {
                skipSpace();
                if (peek(')') && values.isEmpty()) throw error("a value set cannot be empty");
                values.add(pos < s.length() && !isSpecial(s.charAt(pos)) ? identifier("value") : "");
                skipSpace();
                if (peek(')')) {
                    pos++;
                    return values;
                }
                if (!peek(',')) throw error("expected ',' or ')' in a value set");
                pos++;
            }
        }

        private Requirement build(int at, String key, Operator op, List<String> values) {
            try {
                return LabelSelector.requirement(key, op, values);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid label selector \"" + s + "\" at position " + at + ": " + e.getMessage());
            }
        }

        private String identifier(String what) {
            int start = pos;
            while (pos < s.length() && !isSpecial(s.charAt(pos)) && !Character.isWhitespace(s.charAt(pos))) pos++;
            if (start == pos) throw error("expected a " + what);
            return s.substring(start, pos);
        }

        /** Consumes a keyword only when it stands alone (followed by space or '('). */
        private boolean word(String w) {
            if (!s.startsWith(w, pos)) return false;
            int end = pos + w.length();
            if (end < s.length() && !Character.isWhitespace(s.charAt(end)) && s.charAt(end) != '(') return false;
            pos = end;
            return true;
        }

        private static boolean isSpecial(char c) {
            return c == ',' || c == '(' || c == ')' || c == '=' || c == '!' || c == '<' || c == '>';
        }

        private boolean peek(char c) {
            return pos < s.length() && s.charAt(pos) == c;
        }

        private boolean peek(String t) {
            return s.startsWith(t, pos);
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
        }

        private IllegalArgumentException error(String message) {
            return new IllegalArgumentException("invalid label selector \"" + s + "\" at position " + pos + ": " + message);
        }
    }
}
