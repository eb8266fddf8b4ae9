package dev.nodenet.controlplane.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the endpoint controllers read from Services and Pods, as the upstream controllers interpret it. Stateless.
 */
final class Services {
    private Services() {}

    static final String LABEL_SERVICE_NAME = "kubernetes.io/service-name";
    static final String LABEL_MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
    static final String MANAGED_BY_VALUE = "endpointslice-controller.k8s.io";
    static final String LABEL_HEADLESS = "service.kubernetes.io/headless";

    /**
     * The Service's selector, or null when it has none. An empty selector counts as none: Kubernetes stores it as
     * absent, and selecting every Pod of the namespace is never what the user meant.
     */
    static Map<String, String> selector(ObjectNode svc) {
        JsonNode sel = svc.path("spec").path("selector");
        if (!sel.isObject() || sel.isEmpty()) return null;
        Map<String, String> out = new LinkedHashMap<>();
        sel.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    /** Whether the endpoint controllers maintain this Service's endpoints (has a selector, not ExternalName). */
    static boolean managed(ObjectNode svc) {
        return selector(svc) != null && !"ExternalName".equals(svc.path("spec").path("type").asText());
    }

    static boolean matches(Map<String, String> selector, ObjectNode obj) {
        if (obj == null) return false;
        JsonNode labels = obj.path("metadata").path("labels");
        for (Map.Entry<String, String> e : selector.entrySet()) {
            JsonNode v = labels.get(e.getKey());
            if (v == null || !v.asText().equals(e.getValue())) return false;
        }
        return true;
    }

    static boolean headless(ObjectNode svc) {
        return "None".equals(svc.path("spec").path("clusterIP").asText());
    }

    static boolean publishNotReady(ObjectNode svc) {
        return svc.path("spec").path("publishNotReadyAddresses").asBoolean(false);
    }

    /** The Service's IP families in order: spec.ipFamilies, else the family of spec.clusterIP, else IPv4. */
    static List<String> ipFamilies(ObjectNode svc) {
        List<String> out = new ArrayList<>();
        for (JsonNode f : svc.path("spec").path("ipFamilies")) {
            String s = f.asText();
            if ((s.equals("IPv4") || s.equals("IPv6")) && !out.contains(s)) out.add(s);
        }
        if (out.isEmpty()) out.add(svc.path("spec").path("clusterIP").asText().contains(":") ? "IPv6" : "IPv4");
        return out;
    }

    /** Labels for the Service's EndpointSlices/Endpoints: the Service's own, plus the headless marker. */
    static ObjectNode derivedLabels(ObjectNode svc) {
        ObjectNode labels = JsonNodeFactory.instance.objectNode();
        svc.path("metadata").path("labels").properties().forEach(e -> {
            if (!e.getKey().equals(LABEL_SERVICE_NAME) && !e.getKey().equals(LABEL_MANAGED_BY) && !e.getKey().equals(LABEL_HEADLESS)) {
                labels.set(e.getKey(), e.getValue());
            }
        });
        if (headless(svc)) labels.put(LABEL_HEADLESS, "");
        return labels;
    }

    // ---------------------------------------------------------------------------------------------------- pods

    static boolean podReady(ObjectNode pod) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if ("Ready".equals(c.path("type").asText())) return "True".equals(c.path("status").asText());
        }
        return false;
    }

    static boolean terminating(ObjectNode pod) {
        JsonNode ts = pod.path("metadata").path("deletionTimestamp");
        return !ts.isMissingNode() && !ts.isNull();
    }

    /**
     * Whether a Pod belongs in endpoints at all: scheduled, has an IP, not finished for good (a terminal phase only
     * counts when the restart policy will not bring it back), and, unless {@code includeTerminating}, not being deleted.
     */
    static boolean eligible(ObjectNode pod, boolean includeTerminating) {
        if (pod.path("spec").path("nodeName").asText("").isEmpty()) return false;
        if (pod.path("status").path("podIP").asText("").isEmpty() && pod.path("status").path("podIPs").isEmpty()) return false;
        if (!includeTerminating && terminating(pod)) return false;
        String phase = pod.path("status").path("phase").asText();
        return switch (pod.path("spec").path("restartPolicy").asText("Always")) {
            case "Never" -> !phase.equals("Failed") && !phase.equals("Succeeded");
            case "OnFailure" -> !phase.equals("Succeeded");
            default -> true;
        };
    }

    /** The Pod's IP of the family ("IPv4"/"IPv6"), or null. */
    static String podIp(ObjectNode pod, String family) {
        boolean v6 = family.equals("IPv6");
        for (JsonNode ip : pod.path("status").path("podIPs")) {
            String s = ip.path("ip").asText("");
            if (!s.isEmpty() && s.contains(":") == v6) return s;
        }
        String s = pod.path("status").path("podIP").asText("");
        return !s.isEmpty() && s.contains(":") == v6 ? s : null;
    }

    /** The hostname a headless Service publishes for the Pod: spec.hostname when spec.subdomain names the Service. */
    static String hostname(ObjectNode svc, ObjectNode pod) {
        String hostname = pod.path("spec").path("hostname").asText("");
        String subdomain = pod.path("spec").path("subdomain").asText("");
        if (hostname.isEmpty() || !headless(svc) || !subdomain.equals(svc.path("metadata").path("name").asText())) return null;
        return hostname;
    }

    static ObjectNode targetRef(ObjectNode pod) {
        ObjectNode ref = JsonNodeFactory.instance.objectNode();
        ref.put("kind", "Pod");
        ref.put("namespace", pod.path("metadata").path("namespace").asText());
        ref.put("name", pod.path("metadata").path("name").asText());
        ref.put("uid", pod.path("metadata").path("uid").asText());
        return ref;
    }

    /**
     * The port a Service port's targetPort means on this Pod: a number as is, a name looked up among the Pod's
     * container ports with the same protocol. -1 when a name matches no container port (the port is then left out
     * for this Pod, as upstream does).
     */
    static int resolveTargetPort(ObjectNode servicePort, ObjectNode pod) {
        JsonNode target = servicePort.get("targetPort");
        if (target == null || target.isNull()) return servicePort.path("port").asInt();
        if (target.isNumber()) return target.asInt();
        String name = target.asText();
        if (name.matches("\\d+")) return Integer.parseInt(name);
        String protocol = servicePort.path("protocol").asText("TCP");
        for (String list : List.of("containers", "initContainers")) {
            for (JsonNode c : pod.path("spec").path(list)) {
                for (JsonNode p : c.path("ports")) {
                    if (name.equals(p.path("name").asText()) && protocol.equals(p.path("protocol").asText("TCP"))) {
                        return p.path("containerPort").asInt();
                    }
                }
            }
        }
        return -1;
    }

    /** The endpoint ports of one Pod, in Service port order (EndpointSlice and Endpoints shapes are the same). */
    static ArrayNode endpointPorts(ObjectNode svc, ObjectNode pod, boolean emptyNameAsField) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (JsonNode p : svc.path("spec").path("ports")) {
            if (!(p instanceof ObjectNode sp)) continue;
            int port = resolveTargetPort(sp, pod);
            if (port <= 0) continue;
            ObjectNode ep = out.addObject();
            String name = sp.path("name").asText("");
            if (!name.isEmpty() || emptyNameAsField) ep.put("name", name);
            ep.put("port", port);
            ep.put("protocol", sp.path("protocol").asText("TCP"));
            if (sp.hasNonNull("appProtocol")) ep.set("appProtocol", sp.get("appProtocol"));
        }
        return out;
    }
}
