package dev.nodenet.api.model;

/** A top-level Kubernetes object: something with apiVersion, kind and {@link ObjectMeta}. */
public interface KubeObject {
    String apiVersion();

    String kind();

    ObjectMeta metadata();

    /** {@code metadata.namespace}, or null for cluster-scoped objects (or missing metadata). */
    default String namespace() {
        return metadata() == null ? null : metadata().namespace();
    }

    /** {@code metadata.name}, or null. */
    default String name() {
        return metadata() == null ? null : metadata().name();
    }

    /** {@code metadata.resourceVersion}, or null. */
    default String resourceVersion() {
        return metadata() == null ? null : metadata().resourceVersion();
    }

    /** The cache key kube's client-go uses: {@code namespace/name}, or just {@code name} when cluster-scoped. */
    default String key() {
        String ns = namespace();
        return ns == null || ns.isEmpty() ? name() : ns + "/" + name();
    }
}
