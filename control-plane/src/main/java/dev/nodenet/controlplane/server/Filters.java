package dev.nodenet.controlplane.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.api.selector.FieldSelector;
import dev.nodenet.api.selector.LabelSelector;

import java.util.Map;
import java.util.Set;

/**
 * A list/watch request's labelSelector and fieldSelector, checked against what kube-apiserver accepts for the kind
 * (an unsupported field label is a 400, as upstream). Immutable and thread-safe.
 */
final class Filters {
    private static final Set<String> COMMON = Set.of("metadata.name", "metadata.namespace");
    private static final Map<String, Set<String>> EXTRA_FIELDS = Map.of(
            "Pod", Set.of("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork",
                    "status.phase", "status.podIP", "status.nominatedNodeName"),
            "Service", Set.of("spec.clusterIP", "spec.type"),
            "Node", Set.of("spec.unschedulable"),
            "Namespace", Set.of("status.phase"),
            "EndpointSlice", Set.of("addressType"));

    private final LabelSelector labels;
    private final FieldSelector fields;

    private Filters(LabelSelector labels, FieldSelector fields) {
        this.labels = labels;
        this.fields = fields;
    }

    static Filters parse(ResourceType type, String labelSelector, String fieldSelector) {
        LabelSelector l;
        FieldSelector f;
        try {
            l = LabelSelector.parse(labelSelector);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("unable to parse requirement: " + e.getMessage());
        }
        try {
            f = FieldSelector.parse(fieldSelector);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid field selector: " + e.getMessage());
        }
        Set<String> allowed = EXTRA_FIELDS.getOrDefault(type.kind(), Set.of());
        for (FieldSelector.Term t : f.terms()) {
            if (!COMMON.contains(t.field()) && !allowed.contains(t.field())) {
                throw ApiException.badRequest("field label not supported: " + t.field());
            }
        }
        return new Filters(l, f);
    }

    boolean matches(ObjectNode obj) {
        return (labels.isEverything() || labels.matches(ApiHandler.labels(obj))) && (fields.isEverything() || fields.matches(obj));
    }
}
