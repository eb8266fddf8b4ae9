package dev.nodenet.controlplane.service;

import static dev.nodenet.controlplane.service.Svc.EXTERNAL_NAME;
import static dev.nodenet.controlplane.service.Svc.LOAD_BALANCER;
import static dev.nodenet.controlplane.service.Svc.text;
import static dev.nodenet.controlplane.service.Svc.texts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The defaults and carry-overs kube-apiserver applies to Services before validation, so clients read back what a real
 * cluster returns. Pure functions over the JSON tree; mistyped fields are left for validation to report.
 */
final class ServiceDefaults {
    private ServiceDefaults() {}

    static final int DEFAULT_CLIENT_IP_TIMEOUT_SECONDS = 10800;

    /** Defaults a Service's spec in place (create, and update after {@link #carryOver}). */
    static void apply(ObjectNode spec, ServiceNetworkConfig cfg) {
        if (!spec.hasNonNull("type")) spec.put("type", Svc.CLUSTER_IP);
        String type = Svc.type(spec);
        if (!spec.hasNonNull("sessionAffinity")) spec.put("sessionAffinity", "None");
        // As upstream: affinity None has no config (a patch from ClientIP to None drops the old timeout with it).
        if ("None".equals(text(spec, "sessionAffinity"))) spec.remove("sessionAffinityConfig");
        if ("ClientIP".equals(text(spec, "sessionAffinity"))) {
            JsonNode cfgNode = spec.get("sessionAffinityConfig");
            ObjectNode sac = cfgNode instanceof ObjectNode o ? o : spec.putObject("sessionAffinityConfig");
            JsonNode ci = sac.get("clientIP");
            ObjectNode clientIp = ci instanceof ObjectNode o ? o : sac.putObject("clientIP");
            if (!clientIp.hasNonNull("timeoutSeconds")) clientIp.put("timeoutSeconds", DEFAULT_CLIENT_IP_TIMEOUT_SECONDS);
        }
        for (ObjectNode port : Svc.ports(spec)) {
            if (!port.hasNonNull("protocol")) port.put("protocol", "TCP");
            JsonNode tp = port.get("targetPort");
            boolean unset = tp == null || tp.isNull() || (tp.isIntegralNumber() && tp.asInt() == 0) || (tp.isTextual() && tp.asText().isEmpty());
            if (unset && port.has("port")) port.set("targetPort", port.get("port"));
        }
        if (Svc.externallyAccessible(spec) && !spec.hasNonNull("externalTrafficPolicy")) spec.put("externalTrafficPolicy", "Cluster");
        if (!type.equals(EXTERNAL_NAME) && !spec.hasNonNull("internalTrafficPolicy")) spec.put("internalTrafficPolicy", "Cluster");
        if (type.equals(LOAD_BALANCER) && !spec.hasNonNull("allocateLoadBalancerNodePorts")) spec.put("allocateLoadBalancerNodePorts", true);
        if (type.equals(EXTERNAL_NAME)) return; // no ClusterIP, no families: validation refuses any that were sent
        ipFields(spec, cfg);
    }

    /** clusterIP ⇄ clusterIPs, ipFamilyPolicy and ipFamilies as kube-apiserver derives them from each other and the cluster's ranges. */
    private static void ipFields(ObjectNode spec, ServiceNetworkConfig cfg) {
        String clusterIp = text(spec, "clusterIP");
        List<String> clusterIps = texts(spec, "clusterIPs");
        if (clusterIp != null && !clusterIp.isEmpty() && clusterIps.isEmpty()) {
            spec.putArray("clusterIPs").add(clusterIp);
            clusterIps = List.of(clusterIp);
        } else if ((clusterIp == null || clusterIp.isEmpty()) && !clusterIps.isEmpty()) {
            spec.put("clusterIP", clusterIps.get(0));
        }
        List<String> families = texts(spec, "ipFamilies");
        if (!spec.hasNonNull("ipFamilyPolicy")) {
            boolean two = families.size() > 1 || clusterIps.size() > 1;
            spec.put("ipFamilyPolicy", two ? "RequireDualStack" : "SingleStack");
        }
        if (!(spec.get("ipFamilies") instanceof ArrayNode) || families.isEmpty()) {
            List<String> derived = new ArrayList<>();
            for (String ip : clusterIps) {
                byte[] b = Ips.parse(ip);
                if (b != null && !derived.contains(Ips.family(b))) derived.add(Ips.family(b));
            }
            if (derived.isEmpty()) derived.add(cfg.primary().family());
            ArrayNode fams = spec.putArray("ipFamilies");
            derived.forEach(fams::add);
            families = derived;
        }
        String policy = text(spec, "ipFamilyPolicy");
        boolean wantsTwo = "PreferDualStack".equals(policy) || "RequireDualStack".equals(policy);
        if (wantsTwo && cfg.dualStack() && families.size() == 1 && (families.get(0).equals("IPv4") || families.get(0).equals("IPv6"))) {
            ((ArrayNode) spec.get("ipFamilies")).add(families.get(0).equals("IPv4") ? "IPv6" : "IPv4");
        }
    }

    /**
     * What an update inherits from the stored Service, as kube-apiserver does for clients (kubectl replace/apply) that
     * send a spec without the server-assigned fields: fields of a type the Service no longer has are dropped when the
     * client left them unchanged, and allocated values the client left out are kept.
     */
    static void carryOver(ObjectNode spec, ObjectNode oldSpec) {
        String type = Svc.type(spec);
        String oldType = Svc.type(oldSpec);
        boolean toExternalName = type.equals(EXTERNAL_NAME) && !oldType.equals(EXTERNAL_NAME);
        if (toExternalName) {
            for (String f : List.of("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", "internalTrafficPolicy")) {
                if (Objects.equals(spec.get(f), oldSpec.get(f))) spec.remove(f);
            }
        }
        if (!Svc.needsNodePorts(spec) && !type.equals(LOAD_BALANCER)) {
            // NodePort/LoadBalancer → ClusterIP/ExternalName: unchanged nodePorts go (and are released after the write).
            List<ObjectNode> ports = Svc.ports(spec);
            List<ObjectNode> oldPorts = Svc.ports(oldSpec);
            for (ObjectNode p : ports) {
                JsonNode np = p.get("nodePort");
                if (np == null) continue;
                for (ObjectNode op : oldPorts) {
                    if (np.equals(op.get("nodePort"))) {
                        p.remove("nodePort");
                        break;
                    }
                }
            }
        }
        if (!Svc.needsHealthCheck(spec) && Objects.equals(spec.get("healthCheckNodePort"), oldSpec.get("healthCheckNodePort"))) {
            spec.remove("healthCheckNodePort");
        }
        if (!Svc.externallyAccessible(spec) && Objects.equals(spec.get("externalTrafficPolicy"), oldSpec.get("externalTrafficPolicy"))) {
            spec.remove("externalTrafficPolicy");
        }
        if (!type.equals(LOAD_BALANCER)) {
            for (String f : List.of("allocateLoadBalancerNodePorts", "loadBalancerClass", "loadBalancerIP", "loadBalancerSourceRanges")) {
                if (Objects.equals(spec.get(f), oldSpec.get(f))) spec.remove(f);
            }
        }

        // Allocated values the client did not send stay as they were.
        if (!type.equals(EXTERNAL_NAME) && !oldType.equals(EXTERNAL_NAME)) {
            String ip = text(spec, "clusterIP");
            if ((ip == null || ip.isEmpty()) && texts(spec, "clusterIPs").isEmpty()) {
                copy(oldSpec, spec, "clusterIP");
                copy(oldSpec, spec, "clusterIPs");
            }
            if (texts(spec, "ipFamilies").isEmpty()) copy(oldSpec, spec, "ipFamilies");
            if (!spec.hasNonNull("ipFamilyPolicy")) copy(oldSpec, spec, "ipFamilyPolicy");
        }
        if (Svc.needsNodePorts(spec)) {
            for (ObjectNode p : Svc.ports(spec)) {
                if (Svc.intField(p, "nodePort") != 0) continue;
                for (ObjectNode op : Svc.ports(oldSpec)) {
                    if (Objects.equals(p.get("port"), op.get("port")) && Objects.equals(protocol(p), protocol(op)) && Svc.intField(op, "nodePort") > 0) {
                        p.set("nodePort", op.get("nodePort"));
                        break;
                    }
                }
            }
        }
        if (Svc.needsHealthCheck(spec) && Svc.intField(spec, "healthCheckNodePort") == 0 && Svc.intField(oldSpec, "healthCheckNodePort") > 0) {
            copy(oldSpec, spec, "healthCheckNodePort");
        }
    }

    private static String protocol(ObjectNode port) {
        String p = text(port, "protocol");
        return p == null ? "TCP" : p;
    }

    private static void copy(ObjectNode from, ObjectNode to, String field) {
        JsonNode v = from.get(field);
        if (v != null && !v.isNull()) to.set(field, v.deepCopy());
    }
}
