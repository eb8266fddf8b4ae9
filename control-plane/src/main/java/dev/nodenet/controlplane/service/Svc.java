package dev.nodenet.controlplane.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/** Read helpers over a Service's JSON tree that tolerate missing and mistyped fields (validation reports those). Pure. */
final class Svc {
    private Svc() {}

    static final String CLUSTER_IP = "ClusterIP";
    static final String NODE_PORT = "NodePort";
    static final String LOAD_BALANCER = "LoadBalancer";
    static final String EXTERNAL_NAME = "ExternalName";
    static final String NONE = "None";

    static ObjectNode spec(ObjectNode svc) {
        return svc.get("spec") instanceof ObjectNode s ? s : null;
    }

    static String text(JsonNode node, String field) {
        if (node == null) return null;
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.isTextual() ? v.asText() : v.toString();
    }

    static String type(ObjectNode spec) {
        String t = spec == null ? null : text(spec, "type");
        return t == null ? CLUSTER_IP : t;
    }

    /** The elements of an array field as text (non-text elements as their JSON); empty when absent. */
    static List<String> texts(JsonNode node, String field) {
        List<String> out = new ArrayList<>();
        if (node != null && node.get(field) instanceof ArrayNode a) {
            for (JsonNode e : a) out.add(e.isTextual() ? e.asText() : e.toString());
        }
        return out;
    }

    static List<ObjectNode> ports(ObjectNode spec) {
        List<ObjectNode> out = new ArrayList<>();
        if (spec != null && spec.get("ports") instanceof ArrayNode a) {
            for (JsonNode p : a) if (p instanceof ObjectNode o) out.add(o);
        }
        return out;
    }

    /** An integer field, or 0 when absent or not an integer. */
    static int intField(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isIntegralNumber() && v.canConvertToInt() ? v.asInt() : 0;
    }

    static boolean isHeadless(ObjectNode spec) {
        return NONE.equals(text(spec, "clusterIP"));
    }

    /** Reachable from outside the cluster, so externalTrafficPolicy applies (NodePort, LoadBalancer, externalIPs). */
    static boolean externallyAccessible(ObjectNode spec) {
        String t = type(spec);
        return t.equals(NODE_PORT) || t.equals(LOAD_BALANCER) || (t.equals(CLUSTER_IP) && !texts(spec, "externalIPs").isEmpty());
    }

    /** A LoadBalancer with externalTrafficPolicy Local gets a health check node port. */
    static boolean needsHealthCheck(ObjectNode spec) {
        return type(spec).equals(LOAD_BALANCER) && "Local".equals(text(spec, "externalTrafficPolicy"));
    }

    /** Whether ports without a nodePort get one allocated. */
    static boolean needsNodePorts(ObjectNode spec) {
        String t = type(spec);
        if (t.equals(NODE_PORT)) return true;
        if (!t.equals(LOAD_BALANCER)) return false;
        JsonNode alloc = spec.get("allocateLoadBalancerNodePorts");
        return alloc == null || alloc.isNull() || alloc.asBoolean(true);
    }

    static boolean needsClusterIp(ObjectNode spec) {
        return !type(spec).equals(EXTERNAL_NAME) && !isHeadless(spec);
    }

    /** Every node port a Service holds (ports' nodePorts and healthCheckNodePort), in the range or not. */
    static List<Integer> heldNodePorts(ObjectNode spec) {
        List<Integer> out = new ArrayList<>();
        for (ObjectNode p : ports(spec)) {
            int np = intField(p, "nodePort");
            if (np > 0 && !out.contains(np)) out.add(np);
        }
        int hc = intField(spec, "healthCheckNodePort");
        if (hc > 0 && !out.contains(hc)) out.add(hc);
        return out;
    }

    /** The ClusterIPs a Service holds (none for headless and ExternalName). */
    static List<String> heldClusterIps(ObjectNode spec) {
        List<String> out = new ArrayList<>();
        if (spec == null || type(spec).equals(EXTERNAL_NAME)) return out;
        List<String> ips = texts(spec, "clusterIPs");
        if (ips.isEmpty() && text(spec, "clusterIP") != null) ips = List.of(text(spec, "clusterIP"));
        for (String ip : ips) {
            String c = Ips.canonical(ip);
            if (c != null) out.add(c);
        }
        return out;
    }
}
