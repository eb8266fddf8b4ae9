package dev.nodenet.controlplane.service;

import static dev.nodenet.controlplane.service.Svc.CLUSTER_IP;
import static dev.nodenet.controlplane.service.Svc.EXTERNAL_NAME;
import static dev.nodenet.controlplane.service.Svc.LOAD_BALANCER;
import static dev.nodenet.controlplane.service.Svc.NODE_PORT;
import static dev.nodenet.controlplane.service.Svc.NONE;
import static dev.nodenet.controlplane.service.Svc.text;
import static dev.nodenet.controlplane.service.Svc.texts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.server.ApiException.Cause;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * kube-apiserver's Service validation (ValidateService / ValidateServiceUpdate): one cause per bad field, worded as
 * upstream words it so users and scripts recognise the messages. Runs after {@link ServiceDefaults}. Pure.
 */
final class ServiceValidation {
    private ServiceValidation() {}

    private static final String DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    static final Pattern LABEL_RE = Pattern.compile(DNS1123_LABEL);
    static final Pattern SUBDOMAIN_RE = Pattern.compile(DNS1123_LABEL + "(\\." + DNS1123_LABEL + ")*");
    private static final Pattern IANA_SVC_NAME_CHARS = Pattern.compile("[-a-z0-9]+");
    private static final String IP_EXAMPLE = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
    static final String PORT_RANGE = "must be between 1 and 65535, inclusive";
    static final int MAX_CLIENT_IP_TIMEOUT_SECONDS = 86400;

    static List<Cause> validate(ObjectNode svc, ObjectNode old, ServiceNetworkConfig cfg) {
        Causes c = new Causes();
        ObjectNode spec = Svc.spec(svc);
        if (spec == null) {
            c.required("spec", "");
            return c.list;
        }
        String type = text(spec, "type");
        boolean knownType = List.of(CLUSTER_IP, EXTERNAL_NAME, LOAD_BALANCER, NODE_PORT).contains(type);
        if (type == null) c.required("spec.type", "");
        else if (!knownType) c.notSupported("spec.type", spec.get("type"), "ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
        if (type == null) type = CLUSTER_IP;

        ports(spec, type, c);
        sessionAffinity(spec, c);
        if (type.equals(EXTERNAL_NAME)) externalName(spec, c);
        else clusterIps(spec, type, cfg, c);
        externalIps(spec, c);
        trafficPolicies(spec, type, c);
        loadBalancerFields(spec, type, c);
        if (old != null && Svc.spec(old) != null) update(spec, Svc.spec(old), c);
        return c.list;
    }

    private static void ports(ObjectNode spec, String type, Causes c) {
        JsonNode portsNode = spec.get("ports");
        if (portsNode != null && !portsNode.isNull() && !portsNode.isArray()) {
            c.invalid("spec.ports", portsNode, "must be a list of ports");
            return;
        }
        int count = portsNode == null || portsNode.isNull() ? 0 : portsNode.size();
        if (count == 0 && !type.equals(EXTERNAL_NAME) && !Svc.isHeadless(spec)) c.required("spec.ports", "");
        Set<String> names = new HashSet<>();
        Set<String> portKeys = new HashSet<>();
        Map<String, Integer> nodePortKeys = new HashMap<>();
        for (int i = 0; i < count; i++) {
            String path = "spec.ports[" + i + "]";
            if (!(portsNode.get(i) instanceof ObjectNode p)) {
                c.invalid(path, portsNode.get(i), "must be an object");
                continue;
            }
            String name = text(p, "name");
            if (name == null || name.isEmpty()) {
                if (count > 1) c.required(path + ".name", "");
            } else {
                if (name.length() > 63) c.invalid(path + ".name", p.get("name"), "must be no more than 63 characters");
                else if (!LABEL_RE.matcher(name).matches()) c.invalid(path + ".name", p.get("name"), labelMessage());
                if (!names.add(name)) c.duplicate(path + ".name", p.get("name"));
            }
            JsonNode portNode = p.get("port");
            int port = Svc.intField(p, "port");
            if (port < 1 || port > 65535) c.invalid(path + ".port", portNode == null ? JsonNodeFactory.instance.numberNode(0) : portNode, PORT_RANGE);
            String protocol = text(p, "protocol");
            if (protocol == null || protocol.isEmpty()) c.required(path + ".protocol", "");
            else if (!List.of("SCTP", "TCP", "UDP").contains(protocol)) c.notSupported(path + ".protocol", p.get("protocol"), "SCTP", "TCP", "UDP");
            targetPort(path + ".targetPort", p.get("targetPort"), c);
            JsonNode np = p.get("nodePort");
            int nodePort = 0;
            if (np != null && !np.isNull()) {
                if (!np.isIntegralNumber() || !np.canConvertToInt() || np.asInt() < 0 || np.asInt() > 65535) {
                    c.invalid(path + ".nodePort", np, PORT_RANGE);
                } else {
                    nodePort = np.asInt();
                }
            }
            if (nodePort != 0 && (type.equals(CLUSTER_IP) || type.equals(EXTERNAL_NAME))) {
                c.forbidden(path + ".nodePort", "may not be used when `type` is '" + type + "'");
            }
            if (port >= 1 && port <= 65535 && protocol != null) {
                if (!portKeys.add(protocol + "/" + port)) {
                    ObjectNode key = JsonNodeFactory.instance.objectNode().put("port", port).put("protocol", protocol);
                    c.duplicate(path, key);
                }
            }
            if (nodePort != 0 && protocol != null && nodePortKeys.putIfAbsent(protocol + "/" + nodePort, i) != null) {
                c.duplicate(path + ".nodePort", np);
            }
            String appProtocol = text(p, "appProtocol");
            if (appProtocol != null && !appProtocol.matches("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")) {
                c.invalid(path + ".appProtocol", p.get("appProtocol"), "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
            }
        }
    }

    private static void targetPort(String path, JsonNode tp, Causes c) {
        if (tp == null || tp.isNull()) return; // defaulted from port; a bad port is reported there
        if (tp.isIntegralNumber()) {
            if (!tp.canConvertToInt() || tp.asInt() < 1 || tp.asInt() > 65535) c.invalid(path, tp, PORT_RANGE);
            return;
        }
        if (!tp.isTextual()) {
            c.invalid(path, tp, "must be a port number or an IANA service name");
            return;
        }
        String s = tp.asText();
        // IANA_SVC_NAME: 1-15 characters of a-z, 0-9 and '-', at least one letter, no leading/trailing/double '-'.
        if (s.length() > 15) c.invalid(path, tp, "must be no more than 15 characters");
        if (!IANA_SVC_NAME_CHARS.matcher(s).matches()) c.invalid(path, tp, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        if (s.contains("--")) c.invalid(path, tp, "must not contain consecutive hyphens");
        if (!s.chars().anyMatch(ch -> ch >= 'a' && ch <= 'z')) c.invalid(path, tp, "must contain at least one letter (a-z)");
        if (s.startsWith("-") || s.endsWith("-")) c.invalid(path, tp, "must not begin or end with a hyphen");
    }

    private static void sessionAffinity(ObjectNode spec, Causes c) {
        String sa = text(spec, "sessionAffinity");
        if (sa == null || sa.isEmpty()) c.required("spec.sessionAffinity", "");
        else if (!sa.equals("None") && !sa.equals("ClientIP")) c.notSupported("spec.sessionAffinity", spec.get("sessionAffinity"), "ClientIP", "None");
        JsonNode cfg = spec.get("sessionAffinityConfig");
        if ("ClientIP".equals(sa)) {
            JsonNode t = cfg == null ? null : cfg.path("clientIP").get("timeoutSeconds");
            String path = "spec.sessionAffinityConfig.clientIP.timeoutSeconds";
            if (t == null || t.isNull()) c.required(path, "");
            else if (!t.isIntegralNumber() || t.asLong() <= 0 || t.asLong() > MAX_CLIENT_IP_TIMEOUT_SECONDS) {
                c.invalid(path, t, "must be greater than 0 and less than " + MAX_CLIENT_IP_TIMEOUT_SECONDS);
            }
        }
    }

    private static void externalName(ObjectNode spec, Causes c) {
        String ip = text(spec, "clusterIP");
        if (ip != null && !ip.isEmpty()) c.forbidden("spec.clusterIP", "may not be set for ExternalName services");
        if (!texts(spec, "clusterIPs").isEmpty()) c.forbidden("spec.clusterIPs", "may not be set for ExternalName services");
        if (!texts(spec, "ipFamilies").isEmpty()) c.forbidden("spec.ipFamilies", "may not be set for ExternalName services");
        if (spec.hasNonNull("ipFamilyPolicy")) c.forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services");
        String name = text(spec, "externalName");
        if (name == null || name.isEmpty()) {
            c.required("spec.externalName", "");
            return;
        }
        // A trailing dot (fully qualified) is allowed.
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (n.length() > 253) c.invalid("spec.externalName", spec.get("externalName"), "must be no more than 253 characters");
        else if (!SUBDOMAIN_RE.matcher(n).matches()) c.invalid("spec.externalName", spec.get("externalName"), subdomainMessage());
    }

    private static void clusterIps(ObjectNode spec, String type, ServiceNetworkConfig cfg, Causes c) {
        String clusterIp = text(spec, "clusterIP");
        List<String> ips = texts(spec, "clusterIPs");
        JsonNode ipsNode = spec.get("clusterIPs");
        if (clusterIp != null && !ips.isEmpty() && !clusterIp.equals(ips.get(0))) {
            c.invalid("spec.clusterIPs", ipsNode, "first value must match `clusterIP`");
        }
        if (ips.size() > 2) c.invalid("spec.clusterIPs", ipsNode, "may only hold up to 2 values");
        boolean headless = !ips.isEmpty() && ips.get(0).equals(NONE);
        List<String> ipFamiliesSeen = new ArrayList<>();
        for (int i = 0; i < ips.size(); i++) {
            String ip = ips.get(i);
            String path = "spec.clusterIPs[" + i + "]";
            if (ip.equals(NONE)) {
                if (i > 0) c.invalid(path, ipsNode.get(i), "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
                continue;
            }
            if (headless) {
                c.invalid(path, ipsNode.get(i), "must not be set when `clusterIP` is 'None'");
                continue;
            }
            byte[] b = Ips.parse(ip);
            if (b == null) {
                c.invalid(path, ipsNode.get(i), IP_EXAMPLE);
                continue;
            }
            if (ipFamiliesSeen.contains(Ips.family(b))) c.invalid(path, ipsNode, "may specify no more than one IP for each IP family");
            ipFamiliesSeen.add(Ips.family(b));
        }
        if (headless && (type.equals(NODE_PORT) || type.equals(LOAD_BALANCER))) {
            c.invalid("spec.clusterIPs[0]", ipsNode.get(0), "may not be set to 'None' for " + type + " services");
        }

        String policy = text(spec, "ipFamilyPolicy");
        if (policy != null && !List.of("PreferDualStack", "RequireDualStack", "SingleStack").contains(policy)) {
            c.notSupported("spec.ipFamilyPolicy", spec.get("ipFamilyPolicy"), "PreferDualStack", "RequireDualStack", "SingleStack");
        }
        if ("RequireDualStack".equals(policy) && !cfg.dualStack()) {
            c.invalid("spec.ipFamilyPolicy", spec.get("ipFamilyPolicy"), "this cluster is not configured for dual-stack services");
        }
        List<String> families = texts(spec, "ipFamilies");
        JsonNode famNode = spec.get("ipFamilies");
        if (families.size() > 2) c.tooMany("spec.ipFamilies", families.size(), 2);
        Set<String> seenFamilies = new HashSet<>();
        for (int i = 0; i < families.size(); i++) {
            String f = families.get(i);
            String path = "spec.ipFamilies[" + i + "]";
            if (!f.equals("IPv4") && !f.equals("IPv6")) {
                c.notSupported(path, famNode.get(i), "IPv4", "IPv6");
                continue;
            }
            if (!seenFamilies.add(f)) c.duplicate(path, famNode.get(i));
            else if (cfg.rangeFor(f) == null) c.invalid(path, famNode.get(i), "not configured on this cluster");
        }
        if ("SingleStack".equals(policy) && families.size() > 1) {
            c.invalid("spec.ipFamilies", famNode, "when multiple IP families are specified, `ipFamilyPolicy` must be 'RequireDualStack' or 'PreferDualStack'");
        }
        if ("SingleStack".equals(policy) && ips.size() > 1) {
            c.invalid("spec.clusterIPs", ipsNode, "when multiple IPs are specified, `ipFamilyPolicy` must be 'RequireDualStack' or 'PreferDualStack'");
        }
        if ("RequireDualStack".equals(policy) && cfg.dualStack() && families.size() < 2) {
            c.required("spec.ipFamilies", "when `ipFamilyPolicy` is 'RequireDualStack' two IP families are required");
        }
        if (!headless) {
            for (int i = 0; i < Math.min(ips.size(), families.size()); i++) {
                byte[] b = Ips.parse(ips.get(i));
                if (b != null && !Ips.family(b).equals(families.get(i))) {
                    c.invalid("spec.clusterIPs[" + i + "]", ipsNode.get(i), "expected an " + families.get(i) + " value as indicated by `ipFamilies[" + i + "]`");
                }
            }
        }
    }

    private static void externalIps(ObjectNode spec, Causes c) {
        List<String> ips = texts(spec, "externalIPs");
        for (int i = 0; i < ips.size(); i++) {
            String path = "spec.externalIPs[" + i + "]";
            JsonNode v = spec.get("externalIPs").get(i);
            byte[] b = Ips.parse(ips.get(i));
            if (b == null) {
                c.invalid(path, v, IP_EXAMPLE);
                continue;
            }
            String special = specialIpProblem(b);
            if (special != null) c.invalid(path, v, special);
        }
    }

    /** External IPs may not be addresses every node already answers for. */
    private static String specialIpProblem(byte[] b) {
        boolean zero = true;
        for (byte x : b) zero &= x == 0;
        if (zero) return b.length == 4 ? "may not be unspecified (0.0.0.0)" : "may not be unspecified (::)";
        if (b.length == 4) {
            int a0 = b[0] & 0xff, a1 = b[1] & 0xff, a2 = b[2] & 0xff;
            if (a0 == 127) return "may not be in the loopback range (127.0.0.0/8, ::1/128)";
            if (a0 == 169 && a1 == 254) return "may not be in the link-local range (169.254.0.0/16, fe80::/10)";
            if (a0 == 224 && a1 == 0 && a2 == 0) return "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)";
            return null;
        }
        boolean loop = b[15] == 1;
        for (int i = 0; i < 15; i++) loop &= b[i] == 0;
        if (loop) return "may not be in the loopback range (127.0.0.0/8, ::1/128)";
        if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80) return "may not be in the link-local range (169.254.0.0/16, fe80::/10)";
        if ((b[0] & 0xff) == 0xff && (b[1] & 0x0f) == 0x02) return "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)";
        return null;
    }

    private static void trafficPolicies(ObjectNode spec, String type, Causes c) {
        String etp = text(spec, "externalTrafficPolicy");
        if (!Svc.externallyAccessible(spec)) {
            if (etp != null && !etp.isEmpty()) c.invalid("spec.externalTrafficPolicy", spec.get("externalTrafficPolicy"), "may only be set for externally-accessible services");
        } else if (etp == null || etp.isEmpty()) {
            c.required("spec.externalTrafficPolicy", "");
        } else if (!etp.equals("Cluster") && !etp.equals("Local")) {
            c.notSupported("spec.externalTrafficPolicy", spec.get("externalTrafficPolicy"), "Cluster", "Local");
        }
        JsonNode hc = spec.get("healthCheckNodePort");
        boolean hcSet = hc != null && !hc.isNull() && !(hc.isIntegralNumber() && hc.asInt() == 0);
        if (!Svc.needsHealthCheck(spec)) {
            if (hcSet) c.invalid("spec.healthCheckNodePort", hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'");
        } else if (hcSet && (!hc.isIntegralNumber() || hc.asLong() < 1 || hc.asLong() > 65535)) {
            c.invalid("spec.healthCheckNodePort", hc, PORT_RANGE);
        }
        String itp = text(spec, "internalTrafficPolicy");
        if (!type.equals(EXTERNAL_NAME)) {
            if (itp == null || itp.isEmpty()) c.required("spec.internalTrafficPolicy", "");
            else if (!itp.equals("Cluster") && !itp.equals("Local")) c.notSupported("spec.internalTrafficPolicy", spec.get("internalTrafficPolicy"), "Cluster", "Local");
        }
    }

    private static void loadBalancerFields(ObjectNode spec, String type, Causes c) {
        boolean lb = type.equals(LOAD_BALANCER);
        JsonNode alloc = spec.get("allocateLoadBalancerNodePorts");
        if (lb && (alloc == null || alloc.isNull())) c.required("spec.allocateLoadBalancerNodePorts", "");
        if (!lb && alloc != null && !alloc.isNull()) c.forbidden("spec.allocateLoadBalancerNodePorts", "may only be used when `type` is 'LoadBalancer'");
        if (alloc != null && !alloc.isNull() && !alloc.isBoolean()) c.invalid("spec.allocateLoadBalancerNodePorts", alloc, "must be true or false");
        List<String> ranges = texts(spec, "loadBalancerSourceRanges");
        if (!lb && !ranges.isEmpty()) c.forbidden("spec.loadBalancerSourceRanges", "may only be used when `type` is 'LoadBalancer'");
        for (int i = 0; i < ranges.size(); i++) {
            if (!isCidrSloppy(ranges.get(i).trim())) {
                c.invalid("spec.loadBalancerSourceRanges[" + i + "]", spec.get("loadBalancerSourceRanges").get(i), "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)");
            }
        }
        String lbIp = text(spec, "loadBalancerIP");
        if (lbIp != null && !lbIp.isEmpty()) {
            if (!lb) c.forbidden("spec.loadBalancerIP", "may only be used when `type` is 'LoadBalancer'");
            else if (Ips.parse(lbIp) == null) c.invalid("spec.loadBalancerIP", spec.get("loadBalancerIP"), IP_EXAMPLE);
        }
    }

    /** Source ranges may carry host bits (10.1.2.3/8), as kube-apiserver accepts them. */
    private static boolean isCidrSloppy(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) return false;
        byte[] ip = Ips.parse(s.substring(0, slash));
        String len = s.substring(slash + 1);
        if (ip == null || len.isEmpty() || len.length() > 3 || !len.chars().allMatch(Character::isDigit)) return false;
        return Integer.parseInt(len) <= ip.length * 8;
    }

    /** Primary ClusterIP and primary family never change (except to or from ExternalName); secondaries may come and go. */
    private static void update(ObjectNode spec, ObjectNode oldSpec, Causes c) {
        if (Svc.type(spec).equals(EXTERNAL_NAME) || Svc.type(oldSpec).equals(EXTERNAL_NAME)) return;
        List<String> oldIps = texts(oldSpec, "clusterIPs");
        List<String> ips = texts(spec, "clusterIPs");
        JsonNode ipsNode = spec.get("clusterIPs");
        for (int i = 0; i < Math.min(oldIps.size(), ips.size()); i++) {
            if (!oldIps.get(i).equals(ips.get(i))) c.invalid("spec.clusterIPs[" + i + "]", ipsNode.get(i), "may not change once set");
        }
        if (!oldIps.isEmpty() && ips.isEmpty()) c.invalid("spec.clusterIPs[0]", JsonNodeFactory.instance.textNode(""), "may not change once set");
        List<String> oldFam = texts(oldSpec, "ipFamilies");
        List<String> fam = texts(spec, "ipFamilies");
        for (int i = 0; i < Math.min(oldFam.size(), fam.size()); i++) {
            if (!oldFam.get(i).equals(fam.get(i))) c.invalid("spec.ipFamilies[" + i + "]", spec.get("ipFamilies").get(i), "may not change once set");
        }
    }

    static String labelMessage() {
        return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '"
                + DNS1123_LABEL + "')";
    }

    static String subdomainMessage() {
        return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '"
                + DNS1123_LABEL + "(\\." + DNS1123_LABEL + ")*')";
    }

    /** Collects causes with kube-apiserver's cause types and message shapes. */
    static final class Causes {
        final List<Cause> list = new ArrayList<>();

        void invalid(String field, JsonNode value, String detail) {
            list.add(new Cause("FieldValueInvalid", field, "Invalid value: " + render(value) + ": " + detail));
        }

        void required(String field, String detail) {
            list.add(new Cause("FieldValueRequired", field, detail.isEmpty() ? "Required value" : "Required value: " + detail));
        }

        void duplicate(String field, JsonNode value) {
            list.add(new Cause("FieldValueDuplicate", field, "Duplicate value: " + render(value)));
        }

        void forbidden(String field, String detail) {
            list.add(new Cause("FieldValueForbidden", field, "Forbidden: " + detail));
        }

        void tooMany(String field, int actual, int max) {
            list.add(new Cause("FieldValueTooMany", field, "Too many: " + actual + ": must have at most " + max + " items"));
        }

        void notSupported(String field, JsonNode value, String... supported) {
            StringBuilder sb = new StringBuilder("Unsupported value: ").append(render(value)).append(": supported values: ");
            for (int i = 0; i < supported.length; i++) {
                if (i > 0) sb.append(", ");
                sb.append('"').append(supported[i]).append('"');
            }
            list.add(new Cause("FieldValueNotSupported", field, sb.toString()));
        }

        /** Strings quoted, numbers bare, lists and objects as JSON — the shape kube-apiserver prints. */
        static String render(JsonNode v) {
            if (v == null) return "null";
            return v.toString();
        }
    }

    /** The value of a list for messages such as {@code ["10.96.0.5"]}. */
    static ArrayNode array(List<String> values) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        values.forEach(a::add);
        return a;
    }
}
