package dev.nodenet.controlplane.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * The built-in kinds' {@link Strategy}s: the resets and defaults kube-apiserver applies before storing, so what a
 * client reads back looks like what a real cluster returns. Stateless.
 */
final class Strategies {
    private Strategies() {}

    static Map<String, Strategy> builtIn() {
        return Map.of("Namespace", NAMESPACE, "Pod", POD); // Services: dev.nodenet.controlplane.service.ServiceStrategy
    }

    /** Namespaces are Active, carry the kubernetes finalizer and the immutable kubernetes.io/metadata.name label. */
    static final Strategy NAMESPACE = new Strategy() {
        @Override
        public void prepareForCreate(ObjectNode obj) {
            ObjectNode spec = obj.with("spec");
            if (!spec.has("finalizers")) spec.putArray("finalizers").add("kubernetes");
            obj.putObject("status").put("phase", "Active");
            nameLabel(obj);
        }

        @Override
        public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
            nameLabel(obj);
        }

        private void nameLabel(ObjectNode obj) {
            ObjectNode meta = Registry.metadata(obj);
            meta.with("labels").put("kubernetes.io/metadata.name", meta.path("name").asText());
        }
    };

    /** A new Pod is Pending until its node reports otherwise; its status is the node's to write (pods/status). */
    static final Strategy POD = new Strategy() {
        @Override
        public void prepareForCreate(ObjectNode obj) {
            obj.putObject("status").put("phase", "Pending");
        }
    };
}
