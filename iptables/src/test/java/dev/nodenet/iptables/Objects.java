package dev.nodenet.iptables;

import dev.nodenet.api.model.Endpoint;
import dev.nodenet.api.model.EndpointConditions;
import dev.nodenet.api.model.EndpointPort;
import dev.nodenet.api.model.EndpointSlice;
import dev.nodenet.api.model.IntOrString;
import dev.nodenet.api.model.ObjectMeta;
import dev.nodenet.api.model.Service;
import dev.nodenet.api.model.ServicePort;
import dev.nodenet.api.model.ServiceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** API objects for tests. */
final class Objects {
    private Objects() {
    }

    static ObjectMeta meta(String ns, String name, Map<String, String> labels) {
        return new ObjectMeta(name, null, ns, null, null, null, null, null, null, labels, null, null, null);
    }

    /** A Service of {@code type} with one port (nodePort 0 for none). */
    static Service service(String ns, String name, String type, String clusterIP, String protocol, int port, int targetPort, int nodePort) {
        ServicePort p = new ServicePort("p", protocol, port, IntOrString.of(targetPort), nodePort == 0 ? null : nodePort, null);
        ServiceSpec spec = new ServiceSpec(type, clusterIP, List.of(clusterIP), List.of("IPv4"), "SingleStack", List.of(p),
                Map.of("app", name), "None", null, null, null, "Cluster", "Cluster", null, null, null, null, null, null, null);
        return Service.of(meta(ns, name, null)).withSpec(spec);
    }

    /** {@link #service} as the API server accepts it: no externalTrafficPolicy on a ClusterIP Service. */
    static Service clusterIPForApi(String ns, String name, String clusterIP, int port, int targetPort) {
        Service s = service(ns, name, "ClusterIP", clusterIP, "TCP", port, targetPort, 0);
        return s.withSpec(s.spec().withExternalTrafficPolicy(null));
    }

    /** An IPv4 slice for {@code service} with ready endpoints on node-b at {@code port}. */
    static EndpointSlice slice(String ns, String service, String protocol, int port, String... ips) {
        List<Endpoint> eps = new ArrayList<>();
        for (String ip : ips) eps.add(new Endpoint(List.of(ip), new EndpointConditions(true, true, false), null, "node-b", null, null, null));
        return EndpointSlice.of(meta(ns, service + "-abc", Map.of(EndpointSlice.SERVICE_NAME_LABEL, service)))
                .withAddressType("IPv4").withEndpoints(eps).withPorts(List.of(new EndpointPort("p", protocol, port, null)));
    }
}
