package dev.nodenet.controlplane.schema;

import java.util.Objects;

/**
 * A Kubernetes group, version and kind; the core group is the empty string.
 *
 * @param group   API group, "" for core
 * @param version API version, e.g. "v1"
 * @param kind    kind, e.g. "Service"
 */
public record GroupVersionKind(String group, String version, String kind) {
    public GroupVersionKind {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(kind, "kind");
    }

    /** The group-version as written in {@code apiVersion}: "v1" or "discovery.k8s.io/v1". */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** Parses an {@code apiVersion} value and a kind. */
    public static GroupVersionKind of(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        return slash < 0
                ? new GroupVersionKind("", apiVersion, kind)
                : new GroupVersionKind(apiVersion.substring(0, slash), apiVersion.substring(slash + 1), kind);
    }
}
