package dev.nodenet.proxy;

import dev.nodenet.api.model.Endpoint;
import dev.nodenet.api.model.EndpointConditions;
import dev.nodenet.api.model.EndpointPort;
import dev.nodenet.api.model.EndpointSlice;
import dev.nodenet.api.model.ForZone;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Merges one Service's EndpointSlices into endpoint lists per Service port, dropping what cannot be programmed
 * (reported to {@link Skips}). Endpoints are sorted by address for stable rule output; an address:port listed in
 * several slices counts once (the first slice by name wins). Stateless.
 */
final class EndpointSliceParser {
    private EndpointSliceParser() {
    }

    static Map<ServicePortName, List<EndpointInfo>> parse(String namespace, String serviceName,
            Iterable<EndpointSlice> slices, String nodeName, Skips skips) {
        List<EndpointSlice> sorted = new ArrayList<>();
        slices.forEach(sorted::add);
        sorted.sort(Comparator.comparing(EndpointSlice::name, Comparator.nullsFirst(Comparator.naturalOrder())));
        Map<ServicePortName, Map<String, EndpointInfo>> out = new LinkedHashMap<>();
        for (EndpointSlice slice : sorted) {
            String key = slice.key();
            String type = slice.addressType();
            if (!"IPv4".equals(type) && !"IPv6".equals(type)) {
                if (!"FQDN".equals(type)) skips.skip("EndpointSlice", key, "invalid_address_type", "addressType " + type);
                continue;
            }
            if (slice.ports() == null || slice.endpoints() == null) continue;
            List<EndpointInfo> endpoints = new ArrayList<>();
            for (Endpoint ep : slice.endpoints()) {
                if (ep.addresses() == null || ep.addresses().isEmpty()) continue;
                String ip;
                try {
                    ip = IpAddresses.canonical(ep.addresses().getFirst());
                } catch (IllegalArgumentException e) {
                    skips.skip("EndpointSlice", key, "invalid_ip", e.getMessage());
                    continue;
                }
                if (!IpFamily.of(ip).addressType().equals(type)) {
                    skips.skip("EndpointSlice", key, "invalid_ip", ip + " in an " + type + " slice");
                    continue;
                }
                EndpointConditions c = ep.conditions() == null ? new EndpointConditions(null, null, null) : ep.conditions();
                Set<String> zones = new HashSet<>();
                if (ep.hints() != null && ep.hints().forZones() != null) {
                    for (ForZone z : ep.hints().forZones()) if (z.name() != null) zones.add(z.name());
                }
                boolean ready = c.effectiveReady();
                // ready implies serving; old API servers may omit serving
                boolean serving = c.serving() == null ? ready : c.serving();
                endpoints.add(new EndpointInfo(ip, 0, ready, serving, c.effectiveTerminating(), ep.nodeName(),
                        nodeName != null && nodeName.equals(ep.nodeName()), zones));
            }
            Set<String> seenPorts = new HashSet<>();
            for (EndpointPort port : slice.ports()) {
                String protocol = port.protocol() == null ? "TCP" : port.protocol();
                if (port.port() == null) continue; // "all ports" slices are not proxied
                if (!ServiceParser.validPort(port.port())) {
                    skips.skip("EndpointSlice", key, "invalid_port", "port " + port.port());
                    continue;
                }
                // one name/protocol maps to one target port; a second entry would silently mix two port numbers
                if (!seenPorts.add((port.name() == null ? "" : port.name()) + "/" + protocol)) {
                    skips.skip("EndpointSlice", key, "duplicate_port", "port " + port.name() + "/" + protocol + " listed twice");
                    continue;
                }
                ServicePortName name = new ServicePortName(namespace, serviceName, port.name() == null ? "" : port.name(), protocol);
                Map<String, EndpointInfo> byAddress = out.computeIfAbsent(name, n -> new LinkedHashMap<>());
                for (EndpointInfo ep : endpoints) {
                    EndpointInfo withPort = new EndpointInfo(ep.ip(), port.port(), ep.ready(), ep.serving(),
                            ep.terminating(), ep.nodeName(), ep.local(), ep.zoneHints());
                    byAddress.putIfAbsent(withPort.endpoint(), withPort);
                }
            }
        }
        Map<ServicePortName, List<EndpointInfo>> result = new LinkedHashMap<>();
        out.forEach((name, eps) -> {
            List<EndpointInfo> list = new ArrayList<>(eps.values());
            list.sort(EndpointSliceParser::compare);
            result.put(name, List.copyOf(list));
        });
        return result;
    }

    /** Numeric address order, then port: deterministic and readable. */
    static int compare(EndpointInfo a, EndpointInfo b) {
        byte[] x = IpAddresses.parse(a.ip()).getAddress(), y = IpAddresses.parse(b.ip()).getAddress();
        if (x.length != y.length) return Integer.compare(x.length, y.length);
        int c = java.util.Arrays.compareUnsigned(x, y);
        return c != 0 ? c : Integer.compare(a.port(), b.port());
    }
}
