package dev.nodenet.controlplane.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** Objects every cluster has from the start, created at server start when missing (idempotent, safe with several servers). */
final class Bootstrap {
    private Bootstrap() {}

    static final List<String> SYSTEM_NAMESPACES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

    static void ensureSystemNamespaces(Registry registry) {
        ResourceType ns = ResourceType.byKind("Namespace");
        for (String name : SYSTEM_NAMESPACES) {
            ObjectNode obj = JsonNodeFactory.instance.objectNode();
            obj.putObject("metadata").put("name", name).putObject("labels").put("kubernetes.io/metadata.name", name);
            obj.putObject("spec").putArray("finalizers").add("kubernetes");
            obj.putObject("status").put("phase", "Active");
            try {
                registry.create(ns, null, obj, false);
            } catch (ApiException e) {
                if (e.code() != 409) throw e;
            }
        }
    }
}
