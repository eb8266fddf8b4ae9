package dev.nodenet.bench;

import java.nio.charset.StandardCharsets;

/**
 * The object the fan-out benchmark writes: a Service of about {@code sizeBytes} of JSON whose annotations carry its
 * sequence number and the {@link System#nanoTime()} just before it was sent, so a watcher can compute the delivery
 * latency from the event alone (no shared bookkeeping between writer and watchers). Stateless; any thread.
 */
final class Payload {
    static final String SEQ_KEY = "bench.nodenet.dev/seq";
    static final String SENT_KEY = "bench.nodenet.dev/sent-nanos";

    private Payload() {}

    static String name(long seq) {
        return seq < 0 ? "wf-warm-" + (-seq) : "wf-" + seq;
    }

    /** The Service JSON, padded with an annotation so that the whole document is about {@code sizeBytes}. */
    static byte[] service(long seq, long sentNanos, int sizeBytes) {
        String head = "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name(seq)
                + "\",\"namespace\":\"default\",\"labels\":{\"app\":\"watch-fanout\"},\"annotations\":{\""
                + SEQ_KEY + "\":\"" + seq + "\",\"" + SENT_KEY + "\":\"" + sentNanos + "\",\"bench.nodenet.dev/padding\":\"";
        String tail = "\"}},\"spec\":{\"selector\":{\"app\":\"watch-fanout\"},\"ports\":[{\"name\":\"http\",\"protocol\":\"TCP\","
                + "\"port\":80,\"targetPort\":8080}]}}";
        int padding = Math.max(0, sizeBytes - head.length() - tail.length());
        return (head + "x".repeat(padding) + tail).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The integer value of annotation {@code key} in a JSON text (a watch event line or an etcd value), or
     * {@link Long#MIN_VALUE} when absent. A plain scan rather than a JSON parse, so that the measuring client spends as
     * little of the shared CPUs as possible on each event.
     */
    static long annotation(String json, String key) {
        int i = json.indexOf("\"" + key + "\"");
        if (i < 0) return Long.MIN_VALUE;
        i += key.length() + 2;
        int n = json.length();
        while (i < n && (json.charAt(i) == ' ' || json.charAt(i) == ':')) i++;
        if (i >= n || json.charAt(i) != '"') return Long.MIN_VALUE;
        i++;
        int start = i;
        if (i < n && json.charAt(i) == '-') i++;
        while (i < n && Character.isDigit(json.charAt(i))) i++;
        if (i == start || i >= n || json.charAt(i) != '"') return Long.MIN_VALUE;
        try {
            return Long.parseLong(json, start, i, 10);
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }
}
