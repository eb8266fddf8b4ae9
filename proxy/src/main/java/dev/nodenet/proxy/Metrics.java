package dev.nodenet.proxy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A small Prometheus registry: counters, gauges and histograms with optional labels, rendered in the text exposition
 * format. One registry per proxy instance (no global state, so tests and several proxies in one JVM do not mix).
 * <p>Threading: registration happens at start-up; updates come from any thread (usually the sync thread) and
 * {@link #render()} from the HTTP thread. All operations are thread-safe.
 */
public final class Metrics {

    private final Map<String, Family> families = new LinkedHashMap<>();

    private abstract static sealed class Family permits Counter, Gauge, Histogram {
        final String name, help, type;
        final String[] labelNames;

        Family(String name, String help, String type, String[] labelNames) {
            this.name = name;
            this.help = help;
            this.type = type;
            this.labelNames = labelNames;
        }

        abstract void render(StringBuilder out);

        String labels(List<String> values, String extraName, String extraValue) {
            if (labelNames.length == 0 && extraName == null) return "";
            StringBuilder sb = new StringBuilder("{");
            for (int i = 0; i < labelNames.length; i++) {
                if (i > 0) sb.append(',');
                sb.append(labelNames[i]).append("=\"").append(escape(values.get(i))).append('"');
            }
            if (extraName != null) {
                if (labelNames.length > 0) sb.append(',');
                sb.append(extraName).append("=\"").append(extraValue).append('"');
            }
            return sb.append('}').toString();
        }

        List<String> check(String... values) {
            if (values.length != labelNames.length) {
                throw new IllegalArgumentException(name + " takes labels " + Arrays.toString(labelNames));
            }
            return List.of(values);
        }
    }

    /** A monotonically increasing count. */
    public static final class Counter extends Family {
        private final Map<List<String>, DoubleAdder> values = new java.util.concurrent.ConcurrentHashMap<>();

        Counter(String name, String help, String[] labelNames) {
            super(name, help, "counter", labelNames);
            if (labelNames.length == 0) values.put(List.of(), new DoubleAdder());
        }

        public void inc(String... labels) {
            add(1, labels);
        }

        public void add(double amount, String... labels) {
            values.computeIfAbsent(check(labels), k -> new DoubleAdder()).add(amount);
        }

        public double get(String... labels) {
            DoubleAdder a = values.get(check(labels));
            return a == null ? 0 : a.sum();
        }

        @Override
        void render(StringBuilder out) {
            new TreeMap<>(stringKeys(values)).forEach((k, v) -> out.append(name).append(labels(v.getKey(), null, null))
                    .append(' ').append(number(v.getValue().sum())).append('\n'));
        }
    }

    /** A value that goes up and down. */
    public static final class Gauge extends Family {
        private final Map<List<String>, Double> values = new java.util.concurrent.ConcurrentHashMap<>();

        Gauge(String name, String help, String[] labelNames) {
            super(name, help, "gauge", labelNames);
            if (labelNames.length == 0) values.put(List.of(), 0.0);
        }

        public void set(double value, String... labels) {
            values.put(check(labels), value);
        }

        public double get(String... labels) {
            return values.getOrDefault(check(labels), 0.0);
        }

        @Override
        void render(StringBuilder out) {
            new TreeMap<>(stringKeys(values)).forEach((k, v) -> out.append(name).append(labels(v.getKey(), null, null))
                    .append(' ').append(number(v.getValue())).append('\n'));
        }
    }

    /** Observations counted into cumulative buckets, with their sum and count. */
    public static final class Histogram extends Family {
        private final double[] bounds;
        private final long[] counts;
        private double sum;
        private long count;

        Histogram(String name, String help, double[] bounds) {
            super(name, help, "histogram", new String[0]);
            this.bounds = bounds.clone();
            this.counts = new long[bounds.length];
        }

        public synchronized void observe(double value) {
            for (int i = 0; i < bounds.length; i++) if (value <= bounds[i]) counts[i]++;
            sum += value;
            count++;
        }

        public synchronized long count() {
            return count;
        }

        @Override
        synchronized void render(StringBuilder out) {
            for (int i = 0; i < bounds.length; i++) {
                out.append(name).append("_bucket{le=\"").append(number(bounds[i])).append("\"} ").append(counts[i]).append('\n');
            }
            out.append(name).append("_bucket{le=\"+Inf\"} ").append(count).append('\n');
            out.append(name).append("_sum ").append(number(sum)).append('\n');
            out.append(name).append("_count ").append(count).append('\n');
        }
    }

    public synchronized Counter counter(String name, String help, String... labelNames) {
        return register(new Counter(name, help, labelNames));
    }

    public synchronized Gauge gauge(String name, String help, String... labelNames) {
        return register(new Gauge(name, help, labelNames));
    }

    public synchronized Histogram histogram(String name, String help, double[] bounds) {
        return register(new Histogram(name, help, bounds));
    }

    /** {@code count} buckets starting at {@code start}, each {@code factor} times the previous (like Prometheus' helper). */
    public static double[] exponentialBuckets(double start, double factor, int count) {
        double[] b = new double[count];
        for (int i = 0; i < count; i++) b[i] = start * Math.pow(factor, i);
        return b;
    }

    private <F extends Family> F register(F family) {
        if (families.putIfAbsent(family.name, family) != null) {
            throw new IllegalStateException("metric registered twice: " + family.name);
        }
        return family;
    }

    /** The Prometheus text format (version 0.0.4) of every metric. */
    public String render() {
        List<Family> snapshot;
        synchronized (this) {
            snapshot = new ArrayList<>(families.values());
        }
        StringBuilder out = new StringBuilder();
        for (Family f : snapshot) {
            out.append("# HELP ").append(f.name).append(' ').append(f.help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
            out.append("# TYPE ").append(f.name).append(' ').append(f.type).append('\n');
            f.render(out);
        }
        return out.toString();
    }

    private static <V> Map<String, Map.Entry<List<String>, V>> stringKeys(Map<List<String>, V> values) {
        Map<String, Map.Entry<List<String>, V>> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(String.join("\u0000", k), Map.entry(k, v)));
        return out;
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }
}
