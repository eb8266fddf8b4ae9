package dev.nodenet.controlplane.protobuf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Our own declaration of one protobuf message: field number → JSON name, value type and
 * omission rule. Immutable once built, so declarations are shared freely between threads.
 *
 * <p>Omission rule: Kubernetes' gogo marshaller writes every non-pointer scalar even when it is
 * zero, while Go's JSON drops zero values of fields tagged {@code omitempty}. A scalar field is
 * therefore dropped when zero unless declared {@link Builder#always()} (the Go field is a pointer,
 * which is only on the wire when set, or has no {@code omitempty}). Messages, times, IntOrString
 * and quantities are Go structs that JSON never omits, so they are emitted whenever on the wire.
 */
final class Msg {
    enum Type { STRING, INT32, INT64, BOOL, BYTES, MESSAGE, STRING_MAP, QUANTITY_MAP, INT_OR_STRING, TIME, QUANTITY }

    record Field(int number, String json, Type type, Msg message, boolean repeated, boolean always) {
        boolean scalar() {
            return type == Type.STRING || type == Type.INT32 || type == Type.INT64 || type == Type.BOOL || type == Type.BYTES;
        }
    }

    final String name;
    /** Strict messages are declared only partly: a field we did not declare is rejected, not dropped. */
    final boolean strict;
    final List<Field> fields;
    private final Map<Integer, Integer> index;

    private Msg(String name, boolean strict, List<Field> fields) {
        this.name = name;
        this.strict = strict;
        this.fields = List.copyOf(fields);
        Map<Integer, Integer> idx = new HashMap<>();
        for (int i = 0; i < fields.size(); i++) {
            if (idx.put(fields.get(i).number(), i) != null) throw new IllegalStateException(name + ": duplicate field " + fields.get(i).number());
        }
        this.index = Map.copyOf(idx);
    }

    /** Position of the field in {@link #fields}, or -1 if not declared. */
    int indexOf(int number) {
        Integer i = index.get(number);
        return i == null ? -1 : i;
    }

    static Builder of(String name) {
        return new Builder(name, false);
    }

    /** A partly declared message: fields not declared here make decoding fail instead of being lost. */
    static Builder partial(String name) {
        return new Builder(name, true);
    }

    static final class Builder {
        private final String name;
        private final boolean strict;
        private final List<Field> fields = new ArrayList<>();

        private Builder(String name, boolean strict) {
            this.name = name;
            this.strict = strict;
        }

        private Builder add(int n, String json, Type t, Msg m, boolean repeated) {
            fields.add(new Field(n, json, t, m, repeated, false));
            return this;
        }

        Builder string(int n, String json) { return add(n, json, Type.STRING, null, false); }
        Builder int32(int n, String json) { return add(n, json, Type.INT32, null, false); }
        Builder int64(int n, String json) { return add(n, json, Type.INT64, null, false); }
        Builder bool(int n, String json) { return add(n, json, Type.BOOL, null, false); }
        Builder bytes(int n, String json) { return add(n, json, Type.BYTES, null, false); }
        Builder message(int n, String json, Msg m) { return add(n, json, Type.MESSAGE, m, false); }
        Builder time(int n, String json) { return add(n, json, Type.TIME, null, false); }
        Builder intOrString(int n, String json) { return add(n, json, Type.INT_OR_STRING, null, false); }
        Builder quantity(int n, String json) { return add(n, json, Type.QUANTITY, null, false); }
        Builder stringMap(int n, String json) { return add(n, json, Type.STRING_MAP, null, false); }
        Builder quantityMap(int n, String json) { return add(n, json, Type.QUANTITY_MAP, null, false); }
        Builder strings(int n, String json) { return add(n, json, Type.STRING, null, true); }
        Builder messages(int n, String json, Msg m) { return add(n, json, Type.MESSAGE, m, true); }

        /** The last declared field is emitted even when zero (Go pointer field, or no {@code omitempty}). */
        Builder always() {
            Field f = fields.removeLast();
            fields.add(new Field(f.number(), f.json(), f.type(), f.message(), f.repeated(), true));
            return this;
        }

        Msg build() {
            return new Msg(name, strict, fields);
        }
    }
}
