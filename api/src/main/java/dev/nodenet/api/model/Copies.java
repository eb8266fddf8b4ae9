package dev.nodenet.api.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Null-preserving unmodifiable copies for the records' compact constructors (unlike {@code List.copyOf}, allow null elements). */
final class Copies {
    private Copies() {
    }

    static <E> List<E> list(List<E> list) {
        return list == null ? null : Collections.unmodifiableList(new ArrayList<>(list));
    }

    static <K, V> Map<K, V> map(Map<K, V> map) {
        return map == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    static Map<String, Object> extra(Map<String, Object> extra) {
        return extra == null || extra.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }
}
