package dev.nodenet.proxy;

import dev.nodenet.api.model.LoadBalancerIngress;
import dev.nodenet.api.model.Service;
import dev.nodenet.api.model.ServicePort;
import dev.nodenet.api.model.ServiceSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a Service into the {@link ServiceInfo}s of its ports, dropping what cannot be programmed (reported to
 * {@link Skips}). ExternalName and headless Services yield nothing, silently. Stateless.
 */
final class ServiceParser {
    /** The affinity timeout Kubernetes defaults to (3 hours). */
    static final int DEFAULT_STICKY_SECONDS = 10800;
    static final String LABEL_PROXY_NAME = "service.kubernetes.io/service-proxy-name";
    static final String LABEL_HEADLESS = "service.kubernetes.io/headless";
    private static final Set<String> PROTOCOLS = Set.of("TCP", "UDP", "SCTP");

    private ServiceParser() {
    }

    /** True if kube-proxy's label selector excludes the Service (another proxy owns it, or it is headless). */
    static boolean excludedByLabels(Map<String, String> labels) {
        return labels != null && (labels.containsKey(LABEL_PROXY_NAME) || labels.containsKey(LABEL_HEADLESS));
    }

    static List<ServiceInfo> parse(Service service, Skips skips) {
        ServiceSpec spec = service.spec();
        String key = service.key();
        if (spec == null || spec.ports() == null || "ExternalName".equals(spec.type())) return List.of();
        if (service.metadata() != null && excludedByLabels(service.metadata().labels())) return List.of();
        List<String> rawClusterIPs = spec.clusterIPs() != null && !spec.clusterIPs().isEmpty() ? spec.clusterIPs()
                : spec.clusterIP() == null ? List.of() : List.of(spec.clusterIP());
        if (rawClusterIPs.isEmpty() || "None".equals(rawClusterIPs.getFirst()) || rawClusterIPs.getFirst().isEmpty()) {
            return List.of(); // headless, or not allocated yet
        }
        List<String> clusterIPs = ips(rawClusterIPs, key, "clusterIP", skips);
        if (clusterIPs.isEmpty()) return List.of();
        List<String> externalIPs = ips(spec.externalIPs(), key, "externalIP", skips);
        List<String> lbIPs = new ArrayList<>();
        if (service.status() != null && service.status().loadBalancer() != null
                && service.status().loadBalancer().ingress() != null) {
            List<String> raw = new ArrayList<>();
            for (LoadBalancerIngress ingress : service.status().loadBalancer().ingress()) {
                // ipMode Proxy: the load balancer itself proxies to the node, so traffic never arrives for the LB IP
                if (ingress.ip() != null && !"Proxy".equals(ingress.ipMode())) raw.add(ingress.ip());
            }
            lbIPs = ips(raw, key, "loadBalancerIP", skips);
        }
        List<String> sourceRanges = new ArrayList<>();
        if (spec.loadBalancerSourceRanges() != null) {
            for (String cidr : spec.loadBalancerSourceRanges()) {
                try {
                    sourceRanges.add(IpAddresses.canonicalCidr(cidr));
                } catch (IllegalArgumentException e) {
                    skips.skip("Service", key, "invalid_cidr", "loadBalancerSourceRanges: " + e.getMessage());
                }
            }
        }
        boolean externallyReachableType = "NodePort".equals(spec.type()) || "LoadBalancer".equals(spec.type());
        boolean eTPLocal = "Local".equals(spec.externalTrafficPolicy()) && (externallyReachableType || !externalIPs.isEmpty());
        boolean iTPLocal = "Local".equals(spec.internalTrafficPolicy());
        int sticky = 0;
        if ("ClientIP".equals(spec.sessionAffinity())) {
            sticky = DEFAULT_STICKY_SECONDS;
            Integer t = spec.sessionAffinityConfig() == null || spec.sessionAffinityConfig().clientIP() == null ? null
                    : spec.sessionAffinityConfig().clientIP().timeoutSeconds();
            if (t != null) {
                if (t >= 1 && t <= 86400) sticky = t;
                else skips.skip("Service", key, "invalid_affinity_timeout", "timeoutSeconds " + t + " outside 1..86400; using 10800");
            }
        }
        int healthCheckNodePort = 0;
        if (eTPLocal && "LoadBalancer".equals(spec.type()) && spec.healthCheckNodePort() != null) {
            if (validPort(spec.healthCheckNodePort())) healthCheckNodePort = spec.healthCheckNodePort();
            else skips.skip("Service", key, "invalid_port", "healthCheckNodePort " + spec.healthCheckNodePort());
        }
        String td = spec.trafficDistribution();
        String mode = annotation(service, "service.kubernetes.io/topology-mode");
        if (mode == null) mode = annotation(service, "service.kubernetes.io/topology-aware-hints");
        boolean topology = "PreferClose".equals(td) || "PreferSameZone".equals(td)
                || "auto".equalsIgnoreCase(mode);

        List<ServiceInfo> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (ServicePort p : spec.ports()) {
            String protocol = p.protocol() == null ? "TCP" : p.protocol();
            String portName = p.name() == null ? "" : p.name();
            if (!PROTOCOLS.contains(protocol)) {
                skips.skip("Service", key, "invalid_protocol", "port " + portName + ": protocol " + protocol);
                continue;
            }
            if (p.port() == null || !validPort(p.port())) {
                skips.skip("Service", key, "invalid_port", "port " + portName + ": port " + p.port());
                continue;
            }
            int nodePort = 0;
            if (p.nodePort() != null && p.nodePort() != 0 && externallyReachableType) {
                if (validPort(p.nodePort())) nodePort = p.nodePort();
                else skips.skip("Service", key, "invalid_port", "port " + portName + ": nodePort " + p.nodePort());
            }
            if (!seen.add(portName + "/" + protocol)) {
                skips.skip("Service", key, "duplicate_port", "port " + portName + "/" + protocol + " listed twice");
                continue;
            }
            ServicePortName name = new ServicePortName(service.namespace(), service.name(), portName, protocol);
            out.add(new ServiceInfo(name, clusterIPs, p.port(), nodePort, externalIPs, lbIPs, sourceRanges, sticky,
                    eTPLocal, iTPLocal, healthCheckNodePort, topology));
        }
        return out;
    }

    private static String annotation(Service s, String name) {
        return s.metadata() == null || s.metadata().annotations() == null ? null : s.metadata().annotations().get(name);
    }

    static boolean validPort(int port) {
        return port >= 1 && port <= 65535;
    }

    private static List<String> ips(List<String> raw, String key, String what, Skips skips) {
        if (raw == null) return List.of();
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String ip : raw) {
            try {
                out.add(IpAddresses.canonical(ip));
            } catch (IllegalArgumentException e) {
                skips.skip("Service", key, "invalid_ip", what + ": " + e.getMessage());
            }
        }
        return List.copyOf(out);
    }
}
