package dev.nodenet.controlplane.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * The built-in kinds' {@link Strategy}s: the resets and defaults kube-apiserver applies before storing, so what a
 * client reads back looks like what a real cluster returns. Stateless.
 */
final class Strategies {
    private Strategies() {}

    static Map<String, Strategy> builtIn() {
        return Map.of("Namespace", NAMESPACE, "Service", SERVICE, "Pod", POD);
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

    /** Services: the defaults every client expects to read back (type, sessionAffinity, port protocol, targetPort). */
    static final Strategy SERVICE = new Strategy() {
        @Override
        public void prepareForCreate(ObjectNode obj) {
            obj.putObject("status").putObject("loadBalancer");
            defaults(obj);
        }

        @Override
        public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
            defaults(obj);
        }

        private void defaults(ObjectNode obj) {
            JsonNode specNode = obj.get("spec");
            if (!(specNode instanceof ObjectNode spec)) return;
            if (!spec.hasNonNull("type")) spec.put("type", "ClusterIP");
            if (!spec.hasNonNull("sessionAffinity")) spec.put("sessionAffinity", "None");
            if (spec.get("ports") instanceof ArrayNode ports) {
                for (JsonNode p : ports) {
                    if (!(p instanceof ObjectNode port)) continue;
                    if (!port.hasNonNull("protocol")) port.put("protocol", "TCP");
                    if (!port.hasNonNull("targetPort") && port.has("port")) port.set("targetPort", port.get("port"));
                }
            }
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
