package dev.nodenet.controlplane.schema;

import java.util.List;
import java.util.Objects;

/**
 * One REST resource the API server serves; the server's resource table is a list of these, and {@link OpenApiV3}
 * derives the OpenAPI paths from it.
 *
 * @param group        API group, "" for core
 * @param version      API version, e.g. "v1"
 * @param kind         kind of the objects, e.g. "Service"
 * @param plural       resource name in URLs, e.g. "services"
 * @param namespaced   true for namespaced resources
 * @param subresources subresources served, e.g. ["status"]
 * @param verbs        verbs served, as in discovery: get, list, watch, create, update, patch, delete, deletecollection
 */
public record ResourceInfo(String group, String version, String kind, String plural, boolean namespaced,
                           List<String> subresources, List<String> verbs) {

    /** The verbs a fully writable resource serves, in discovery order. */
    public static final List<String> ALL_VERBS =
            List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    public ResourceInfo {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(plural, "plural");
        subresources = List.copyOf(subresources);
        verbs = List.copyOf(verbs);
    }

    /** The kind of this resource as a {@link GroupVersionKind}. */
    public GroupVersionKind gvk() {
        return new GroupVersionKind(group, version, kind);
    }

    /** The group-version path segment used by the OpenAPI v3 root: "api/v1" or "apis/discovery.k8s.io/v1". */
    public String groupVersionPath() {
        return group.isEmpty() ? "api/" + version : "apis/" + group + "/" + version;
    }

    /** Whether {@code verb} is served. */
    public boolean has(String verb) {
        return verbs.contains(verb);
    }
}
