package dev.nodenet.api.client;

import dev.nodenet.api.model.Endpoints;
import dev.nodenet.api.model.EndpointSlice;
import dev.nodenet.api.model.Namespace;
import dev.nodenet.api.model.Node;
import dev.nodenet.api.model.Pod;
import dev.nodenet.api.model.Service;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A REST resource: API group (empty for core), version, plural name, whether it is namespaced, and the Java type
 * its objects decode to ({@code JsonNode} or {@link dev.nodenet.api.model.GenericObject} work for any resource).
 */
public record Resource<T>(String group, String version, String plural, boolean namespaced, Class<T> type) {
    /** What may appear in a path segment: names, namespaces and resource names are DNS-like. (First: used below.) */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][-A-Za-z0-9_.:]*");
    public static final Resource<Namespace> NAMESPACES = new Resource<>("", "v1", "namespaces", false, Namespace.class);
    public static final Resource<Service> SERVICES = new Resource<>("", "v1", "services", true, Service.class);
    public static final Resource<Endpoints> ENDPOINTS = new Resource<>("", "v1", "endpoints", true, Endpoints.class);
    public static final Resource<Pod> PODS = new Resource<>("", "v1", "pods", true, Pod.class);
    public static final Resource<Node> NODES = new Resource<>("", "v1", "nodes", false, Node.class);
    public static final Resource<EndpointSlice> ENDPOINT_SLICES =
            new Resource<>("discovery.k8s.io", "v1", "endpointslices", true, EndpointSlice.class);

    public Resource {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(type, "type");
        checkSegment(version, "version");
        checkSegment(plural, "plural");
    }

    /** The same resource decoding to another type. */
    public <U> Resource<U> as(Class<U> other) {
        return new Resource<>(group, version, plural, namespaced, other);
    }

    /** {@code v1} or {@code group/version}. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /**
     * The URL path of the collection (name null) or of one object. A null namespace on a namespaced resource means
     * all namespaces, which is only valid for collections.
     */
    public String path(String namespace, String name) {
        StringBuilder sb = new StringBuilder(group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version);
        if (namespaced && namespace != null) {
            sb.append("/namespaces/").append(checkSegment(namespace, "namespace"));
        } else if (namespaced && name != null) {
            throw new IllegalArgumentException(plural + " are namespaced: a namespace is needed to name one");
        }
        sb.append('/').append(plural);
        if (name != null) sb.append('/').append(checkSegment(name, "name"));
        return sb.toString();
    }

    @Override
    public String toString() {
        return group.isEmpty() ? plural : plural + "." + group;
    }

    private static String checkSegment(String value, String what) {
        if (value == null || !SEGMENT.matcher(value).matches()) {
            throw new IllegalArgumentException("bad " + what + " \"" + value + "\" for a resource path");
        }
        return value;
    }
}
