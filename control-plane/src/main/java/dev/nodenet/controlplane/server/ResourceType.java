package dev.nodenet.controlplane.server;

import java.util.List;

/**
 * One REST resource the server serves, with everything discovery, storage and routing need to know about it.
 *
 * @param group         API group, "" for core
 * @param version       API version
 * @param kind          object kind, e.g. {@code Service}
 * @param plural        URL segment, e.g. {@code services}
 * @param singular      singular name, e.g. {@code service}
 * @param namespaced    whether objects live in a namespace
 * @param shortNames    kubectl short names, e.g. {@code svc}
 * @param subresources  supported subresources, e.g. {@code status}
 * @param hasStatus     whether {@code status} is a separate subresource (main-resource writes keep the stored status)
 * @param categories    discovery categories, e.g. {@code all}
 */
public record ResourceType(String group, String version, String kind, String plural, String singular, boolean namespaced,
                           List<String> shortNames, List<String> subresources, boolean hasStatus, List<String> categories) {

    public static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    /** {@code v1} or {@code discovery.k8s.io/v1}, as objects carry it in {@code apiVersion}. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    public String listKind() {
        return kind + "List";
    }

    /** Storage key prefix of every object of this resource, ending in '/'. */
    public String keyPrefix() {
        return "/registry/" + (group.isEmpty() ? "core" : group) + "/" + plural + "/";
    }

    /** Storage key prefix of this resource's objects in one namespace (or all objects when cluster-scoped). */
    public String keyPrefix(String namespace) {
        return namespaced && namespace != null ? keyPrefix() + namespace + "/" : keyPrefix();
    }

    public String key(String namespace, String name) {
        return namespaced ? keyPrefix() + namespace + "/" + name : keyPrefix() + name;
    }

    /** The resource name used in error messages, e.g. {@code services} or {@code endpointslices.discovery.k8s.io}. */
    public String qualifiedName() {
        return group.isEmpty() ? plural : plural + "." + group;
    }

    /** The resources this server serves. */
    public static final List<ResourceType> ALL = List.of(
            new ResourceType("", "v1", "Namespace", "namespaces", "namespace", false, List.of("ns"), List.of("status"), true, List.of()),
            new ResourceType("", "v1", "Service", "services", "service", true, List.of("svc"), List.of("status"), true, List.of("all")),
            new ResourceType("", "v1", "Endpoints", "endpoints", "endpoints", true, List.of("ep"), List.of(), false, List.of()),
            new ResourceType("", "v1", "Pod", "pods", "pod", true, List.of("po"), List.of("status"), true, List.of("all")),
            new ResourceType("", "v1", "Node", "nodes", "node", false, List.of("no"), List.of("status"), true, List.of()),
            new ResourceType("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", "endpointslice", true, List.of(), List.of(), false, List.of()));

    public static ResourceType byKind(String kind) {
        for (ResourceType t : ALL) if (t.kind.equals(kind)) return t;
        throw new IllegalArgumentException("no resource of kind " + kind);
    }
}
