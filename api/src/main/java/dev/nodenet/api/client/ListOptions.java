package dev.nodenet.api.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Query parameters of a list or watch. Null fields are not sent. Immutable; {@link #NONE} and the {@code with} methods
 * build instances.
 *
 * @param labelSelector string syntax, see {@link dev.nodenet.api.selector.LabelSelector}
 * @param fieldSelector string syntax, see {@link dev.nodenet.api.selector.FieldSelector}
 * @param resourceVersion list: read at least this fresh; watch: stream changes after it
 * @param timeoutSeconds server-side limit on the request (a watch ends after it)
 * @param limit page size of a list
 * @param continueToken the continue token of the previous page
 */
public record ListOptions(String labelSelector, String fieldSelector, String resourceVersion, Integer timeoutSeconds,
                          Long limit, String continueToken) {
    public static final ListOptions NONE = new ListOptions(null, null, null, null, null, null);

    public ListOptions withLabelSelector(String value) {
        return new ListOptions(value, fieldSelector, resourceVersion, timeoutSeconds, limit, continueToken);
    }

    public ListOptions withFieldSelector(String value) {
        return new ListOptions(labelSelector, value, resourceVersion, timeoutSeconds, limit, continueToken);
    }

    public ListOptions withResourceVersion(String value) {
        return new ListOptions(labelSelector, fieldSelector, value, timeoutSeconds, limit, continueToken);
    }

    public ListOptions withTimeoutSeconds(Integer value) {
        return new ListOptions(labelSelector, fieldSelector, resourceVersion, value, limit, continueToken);
    }

    public ListOptions withLimit(Long value) {
        return new ListOptions(labelSelector, fieldSelector, resourceVersion, timeoutSeconds, value, continueToken);
    }

    public ListOptions withContinueToken(String value) {
        return new ListOptions(labelSelector, fieldSelector, resourceVersion, timeoutSeconds, limit, value);
    }

    /** The query string (without '?'); a watch also asks for bookmarks. Empty when nothing is set. */
    String query(boolean watch) {
        StringBuilder sb = new StringBuilder();
        if (watch) {
            add(sb, "watch", "1");
            add(sb, "allowWatchBookmarks", "true");
        }
        add(sb, "resourceVersion", resourceVersion);
        add(sb, "timeoutSeconds", timeoutSeconds == null ? null : timeoutSeconds.toString());
        add(sb, "labelSelector", blankToNull(labelSelector));
        add(sb, "fieldSelector", blankToNull(fieldSelector));
        add(sb, "limit", limit == null ? null : limit.toString());
        add(sb, "continue", continueToken);
        return sb.toString();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static void add(StringBuilder sb, String key, String value) {
        if (value == null) return;
        if (!sb.isEmpty()) sb.append('&');
        // URLEncoder's '+' for space is understood by Go's url.ParseQuery, like %20
        sb.append(key).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
}
