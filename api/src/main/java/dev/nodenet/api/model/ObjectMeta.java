package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * meta/v1 ObjectMeta: identity, versioning and labels of every persisted object.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ObjectMeta(
        String name,
        String generateName,
        String namespace,
        String uid,
        String resourceVersion,
        Long generation,
        String creationTimestamp,
        String deletionTimestamp,
        Long deletionGracePeriodSeconds,
        Map<String, String> labels,
        Map<String, String> annotations,
        List<OwnerReference> ownerReferences,
        List<String> finalizers,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Copies collections into unmodifiable ones; null stays null (absent and empty differ on the wire). */
    public ObjectMeta {
        labels = Copies.map(labels);
        annotations = Copies.map(annotations);
        ownerReferences = Copies.list(ownerReferences);
        finalizers = Copies.list(finalizers);
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public ObjectMeta(String name, String generateName, String namespace, String uid, String resourceVersion,
            Long generation, String creationTimestamp, String deletionTimestamp, Long deletionGracePeriodSeconds,
            Map<String, String> labels, Map<String, String> annotations, List<OwnerReference> ownerReferences,
            List<String> finalizers) {
        this(name, generateName, namespace, uid, resourceVersion, generation, creationTimestamp, deletionTimestamp,
                deletionGracePeriodSeconds, labels, annotations, ownerReferences, finalizers, null);
    }

    /** A copy with {@code name} replaced. */
    public ObjectMeta withName(String value) {
        return new ObjectMeta(value, generateName, namespace, uid, resourceVersion, generation, creationTimestamp,
                deletionTimestamp, deletionGracePeriodSeconds, labels, annotations, ownerReferences, finalizers, extra);
    }

    /** A copy with {@code generateName} replaced. */
    public ObjectMeta withGenerateName(String value) {
        return new ObjectMeta(name, value, namespace, uid, resourceVersion, generation, creationTimestamp,
                deletionTimestamp, deletionGracePeriodSeconds, labels, annotations, ownerReferences, finalizers, extra);
    }

    /** A copy with {@code namespace} replaced. */
    public ObjectMeta withNamespace(String value) {
        return new ObjectMeta(name, generateName, value, uid, resourceVersion, generation, creationTimestamp,
                deletionTimestamp, deletionGracePeriodSeconds, labels, annotations, ownerReferences, finalizers, extra);
    }

    /** A copy with {@code uid} replaced. */
    public ObjectMeta withUid(String value) {
        return new ObjectMeta(name, generateName, namespace, value, resourceVersion, generation, creationTimestamp,
                deletionTimestamp, deletionGracePeriodSeconds, labels, annotations, ownerReferences, finalizers, extra);
    }

    /** A copy with {@code resourceVersion} replaced. */
    public ObjectMeta withResourceVersion(String value) {
        return new ObjectMeta(name, generateName, namespace, uid, value, generation, creationTimestamp,
                deletionTimestamp, deletionGracePeriodSeconds, labels, annotations, ownerReferences, finalizers, extra);
    }

    /** A copy with {@code generation} replaced. */
    public ObjectMeta withGeneration(Long value) {
        return new ObjectMeta(name, generateName, namespace, uid, resourceVersion, value, creationTimestamp,
                deletionTimestamp, deletionGracePeriodSeconds, labels, annotations, ownerReferences, finalizers, extra);
    }

    /** A copy with {@code creationTimestamp} replaced. */
    public ObjectMeta withCreationTimestamp(String value) {
        return new ObjectMeta(name, generateName, namespace, uid, resourceVersion, generation, value, deletionTimestamp,
                deletionGracePeriodSeconds, labels, annotations, ownerReferences, finalizers, extra);
    }

    /** A copy with {@code deletionTimestamp} replaced. */
    public ObjectMeta withDeletionTimestamp(String value) {
        return new ObjectMeta(name, generateName, namespace, uid, resourceVersion, generation, creationTimestamp, value,
                deletionGracePeriodSeconds, labels, annotations, ownerReferences, finalizers, extra);
    }

    /** A copy with {@code deletionGracePeriodSeconds} replaced. */
    public ObjectMeta withDeletionGracePeriodSeconds(Long value) {
        return new ObjectMeta(name, generateName, namespace, uid, resourceVersion, generation, creationTimestamp,
                deletionTimestamp, value, labels, annotations, ownerReferences, finalizers, extra);
    }

    /** A copy with {@code labels} replaced. */
    public ObjectMeta withLabels(Map<String, String> value) {
        return new ObjectMeta(name, generateName, namespace, uid, resourceVersion, generation, creationTimestamp,
                deletionTimestamp, deletionGracePeriodSeconds, value, annotations, ownerReferences, finalizers, extra);
    }

    /** A copy with {@code annotations} replaced. */
    public ObjectMeta withAnnotations(Map<String, String> value) {
        return new ObjectMeta(name, generateName, namespace, uid, resourceVersion, generation, creationTimestamp,
                deletionTimestamp, deletionGracePeriodSeconds, labels, value, ownerReferences, finalizers, extra);
    }

    /** A copy with {@code ownerReferences} replaced. */
    public ObjectMeta withOwnerReferences(List<OwnerReference> value) {
        return new ObjectMeta(name, generateName, namespace, uid, resourceVersion, generation, creationTimestamp,
                deletionTimestamp, deletionGracePeriodSeconds, labels, annotations, value, finalizers, extra);
    }

    /** A copy with {@code finalizers} replaced. */
    public ObjectMeta withFinalizers(List<String> value) {
        return new ObjectMeta(name, generateName, namespace, uid, resourceVersion, generation, creationTimestamp,
                deletionTimestamp, deletionGracePeriodSeconds, labels, annotations, ownerReferences, value, extra);
    }

    /** Metadata naming a namespaced object. */
    public static ObjectMeta of(String namespace, String name) {
        return new ObjectMeta(name, null, namespace, null, null, null, null, null, null, null, null, null, null);
    }

    /** Metadata naming a cluster-scoped object. */
    public static ObjectMeta of(String name) {
        return of(null, name);
    }

    /** The value of one label, or null. */
    public String label(String key) {
        return labels == null ? null : labels.get(key);
    }

    /** The value of one annotation, or null. */
    public String annotation(String key) {
        return annotations == null ? null : annotations.get(key);
    }

    /** A copy with one label added or replaced. */
    public ObjectMeta withLabel(String key, String value) {
        var copy = labels == null ? new java.util.LinkedHashMap<String, String>() : new java.util.LinkedHashMap<>(labels);
        copy.put(key, value);
        return withLabels(copy);
    }

    /** A copy with one annotation added or replaced. */
    public ObjectMeta withAnnotation(String key, String value) {
        var copy = annotations == null ? new java.util.LinkedHashMap<String, String>() : new java.util.LinkedHashMap<>(annotations);
        copy.put(key, value);
        return withAnnotations(copy);
    }
}
