package dev.nodenet.proxy;

import dev.nodenet.api.model.Endpoint;
import dev.nodenet.api.model.EndpointConditions;
import dev.nodenet.api.model.EndpointPort;
import dev.nodenet.api.model.EndpointSlice;
import dev.nodenet.api.model.IntOrString;
import dev.nodenet.api.model.ObjectMeta;
import dev.nodenet.api.model.Service;
import dev.nodenet.api.model.ServicePort;
import dev.nodenet.api.model.ServiceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** API objects and configs for tests. */
final class Fixtures {
    private Fixtures() {
    }

    static ObjectMeta meta(String ns, String name, Map<String, String> labels) {
        return new ObjectMeta(name, null, ns, null, null, null, null, null, null, labels, null, null, null);
    }

    static ServiceSpec spec(String type, List<String> clusterIPs, List<ServicePort> ports) {
        return new ServiceSpec(type, clusterIPs.isEmpty() ? null : clusterIPs.getFirst(), clusterIPs, null, null, ports,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    static Service service(String ns, String name, String clusterIP, ServicePort... ports) {
        return Service.of(meta(ns, name, null)).withSpec(spec("ClusterIP", List.of(clusterIP), List.of(ports)));
    }

    static ServicePort port(String name, String protocol, int port) {
        return new ServicePort(name, protocol, port, IntOrString.of(port), null, null);
    }

    static Endpoint ep(String ip, String node) {
        return new Endpoint(List.of(ip), new EndpointConditions(true, true, false), null, node, null, null, null);
    }

    static EndpointSlice slice(String ns, String service, String sliceName, String type, List<Endpoint> eps, EndpointPort... ports) {
        return EndpointSlice.of(meta(ns, sliceName, Map.of(EndpointSlice.SERVICE_NAME_LABEL, service)))
                .withAddressType(type).withEndpoints(new ArrayList<>(eps)).withPorts(List.of(ports));
    }

    static EndpointPort slicePort(String name, String protocol, int port) {
        return new EndpointPort(name, protocol, port, null);
    }

    static ProxyConfig config(Duration minSync, Duration sync) {
        ProxyConfig d = ProxyConfig.defaults("node-a");
        return new ProxyConfig("iptables", "", "", "node-a", List.of(), false, 14, "", "", "", List.of(), true,
                "127.0.0.1:0", "127.0.0.1:0", sync, minSync, false, 0, "");
    }
}
