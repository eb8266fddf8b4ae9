package dev.nodenet.controlplane.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.server.ApiException;
import dev.nodenet.controlplane.server.Strategy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * EndpointSlices as kube-apiserver defaults and validates them (discovery/v1): ports default to protocol TCP and an
 * empty name; addressType is one of IPv4, IPv6, FQDN and immutable; every address matches it; at most 1000 endpoints of 1..100 addresses and 20000 ports; port names are unique DNS
 * labels, numbers 1..65535, protocols TCP/UDP/SCTP. A slice a node daemon cannot use is refused here with 422 instead
 * of reaching every node. Stateless; called from request threads concurrently.
 */
public final class EndpointSliceStrategy implements Strategy {
    static final int MAX_ENDPOINTS = 1000, MAX_ADDRESSES = 100, MAX_PORTS = 20000;

    @Override
    public void prepareForCreate(ObjectNode obj) {
        defaults(obj);
    }

    @Override
    public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
        defaults(obj);
    }

    private static void defaults(ObjectNode obj) {
        if (!(obj.get("ports") instanceof ArrayNode ports)) return;
        for (JsonNode p : ports) {
            if (!(p instanceof ObjectNode port)) continue;
            if (!port.has("protocol")) port.put("protocol", "TCP");
            if (!port.has("name")) port.put("name", "");
        }
    }

    @Override
    public List<ApiException.Cause> validate(ObjectNode obj, ObjectNode old) {
        ServiceValidation.Causes c = new ServiceValidation.Causes();
        JsonNode type = obj.get("addressType");
        String addressType = type == null || type.isNull() ? "" : type.asText();
        if (addressType.isEmpty()) c.required("addressType", "");
        else if (!List.of("IPv4", "IPv6", "FQDN").contains(addressType) || !type.isTextual()) c.notSupported("addressType", type, "FQDN", "IPv4", "IPv6");
        if (old != null && !obj.path("addressType").equals(old.path("addressType"))) c.invalid("addressType", type, "field is immutable");
        endpoints(obj.get("endpoints"), addressType, c);
        ports(obj.get("ports"), c);
        return c.list;
    }

    private static void endpoints(JsonNode endpoints, String addressType, ServiceValidation.Causes c) {
        if (endpoints == null || endpoints.isNull()) return;
        if (!endpoints.isArray()) {
            c.invalid("endpoints", endpoints, "must be a list");
            return;
        }
        if (endpoints.size() > MAX_ENDPOINTS) c.tooMany("endpoints", endpoints.size(), MAX_ENDPOINTS);
        for (int i = 0; i < endpoints.size(); i++) {
            String path = "endpoints[" + i + "]";
            JsonNode addresses = endpoints.get(i).get("addresses");
            if (addresses == null || !addresses.isArray() || addresses.isEmpty()) {
                c.required(path + ".addresses", "must contain at least 1 address");
                continue;
            }
            if (addresses.size() > MAX_ADDRESSES) c.tooMany(path + ".addresses", addresses.size(), MAX_ADDRESSES);
            for (int j = 0; j < addresses.size(); j++) address(path + ".addresses[" + j + "]", addresses.get(j), addressType, c);
            JsonNode nodeName = endpoints.get(i).get("nodeName");
            if (nodeName != null && nodeName.isTextual() && !ServiceValidation.SUBDOMAIN_RE.matcher(nodeName.asText()).matches()) {
                c.invalid(path + ".nodeName", nodeName, ServiceValidation.subdomainMessage());
            }
            JsonNode hostname = endpoints.get(i).get("hostname");
            if (hostname != null && hostname.isTextual() && !ServiceValidation.LABEL_RE.matcher(hostname.asText()).matches()) {
                c.invalid(path + ".hostname", hostname, ServiceValidation.labelMessage());
            }
        }
    }

    private static void address(String path, JsonNode value, String addressType, ServiceValidation.Causes c) {
        String text = value.isTextual() ? value.asText() : "";
        switch (addressType) {
            case "IPv4", "IPv6" -> {
                byte[] ip = Ips.parse(text);
                if (ip == null || !Ips.family(ip).equals(addressType)) {
                    c.invalid(path, value, "must be a valid " + addressType + " address");
                }
                // Unlike kube-apiserver, loopback is accepted: our default advertise address is 127.0.0.1, and the
                // kubernetes Service's slice carries it.
            }
            case "FQDN" -> {
                if (!ServiceValidation.SUBDOMAIN_RE.matcher(text).matches() || text.length() > 253) {
                    c.invalid(path, value, ServiceValidation.subdomainMessage());
                }
            }
            default -> { } // addressType itself is reported
        }
    }

    private static void ports(JsonNode ports, ServiceValidation.Causes c) {
        if (ports == null || ports.isNull()) return;
        if (!ports.isArray()) {
            c.invalid("ports", ports, "must be a list");
            return;
        }
        if (ports.size() > MAX_PORTS) c.tooMany("ports", ports.size(), MAX_PORTS);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            String path = "ports[" + i + "]";
            JsonNode p = ports.get(i);
            JsonNode name = p.get("name");
            String n = name == null || name.isNull() ? "" : name.asText();
            if (!n.isEmpty() && (n.length() > 63 || !ServiceValidation.LABEL_RE.matcher(n).matches())) c.invalid(path + ".name", name, ServiceValidation.labelMessage());
            if (!names.add(n)) c.duplicate(path + ".name", name == null ? com.fasterxml.jackson.databind.node.TextNode.valueOf("") : name);
            JsonNode protocol = p.get("protocol");
            if (protocol == null || protocol.isNull()) c.required(path + ".protocol", "");
            else if (!List.of("TCP", "UDP", "SCTP").contains(protocol.asText()) || !protocol.isTextual()) c.notSupported(path + ".protocol", protocol, "SCTP", "TCP", "UDP");
            JsonNode port = p.get("port");
            if (port != null && !port.isNull() && (!port.isIntegralNumber() || port.asLong() < 1 || port.asLong() > 65535)) {
                c.invalid(path + ".port", port, ServiceValidation.PORT_RANGE);
            }
        }
    }
}
