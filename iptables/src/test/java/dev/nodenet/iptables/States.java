package dev.nodenet.iptables;

import dev.nodenet.proxy.EndpointInfo;
import dev.nodenet.proxy.NodeInfo;
import dev.nodenet.proxy.ProxyConfig;
import dev.nodenet.proxy.ProxyState;
import dev.nodenet.proxy.ServiceInfo;
import dev.nodenet.proxy.ServicePortName;
import dev.nodenet.proxy.ServicePortState;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/** Test fixtures: readable builders for Service ports and proxy states. */
final class States {
    static final String NODE = "node-a";

    private States() {
    }

    /** A mutable Service port description; {@link #build()} makes the immutable ServiceInfo. */
    static final class Svc {
        final ServicePortName name;
        List<String> clusterIPs = new ArrayList<>();
        int port = 80, nodePort, healthCheckNodePort, stickySeconds;
        List<String> externalIPs = new ArrayList<>(), lbIPs = new ArrayList<>(), sourceRanges = new ArrayList<>();
        boolean eTPLocal, iTPLocal;
        final List<EndpointInfo> endpoints = new ArrayList<>();

        Svc(String ns, String name, String portName, String protocol, String... clusterIPs) {
            this.name = new ServicePortName(ns, name, portName, protocol);
            this.clusterIPs.addAll(List.of(clusterIPs));
        }

        Svc port(int p) {
            port = p;
            return this;
        }

        Svc nodePort(int p) {
            nodePort = p;
            return this;
        }

        Svc externalIPs(String... ips) {
            externalIPs.addAll(List.of(ips));
            return this;
        }

        Svc loadBalancer(String ip, String... ranges) {
            lbIPs.add(ip);
            sourceRanges.addAll(List.of(ranges));
            return this;
        }

        Svc sticky(int seconds) {
            stickySeconds = seconds;
            return this;
        }

        Svc externalLocal(int healthCheckPort) {
            eTPLocal = true;
            healthCheckNodePort = healthCheckPort;
            return this;
        }

        Svc internalLocal() {
            iTPLocal = true;
            return this;
        }

        Svc ep(String ip, int port, boolean local) {
            endpoints.add(new EndpointInfo(ip, port, true, true, false, local ? NODE : "node-b", local, Set.of()));
            return this;
        }

        Svc terminating(String ip, int port) {
            endpoints.add(new EndpointInfo(ip, port, false, true, true, "node-b", false, Set.of()));
            return this;
        }

        ServicePortState build() {
            ServiceInfo info = new ServiceInfo(name, clusterIPs, port, nodePort, externalIPs, lbIPs, sourceRanges,
                    stickySeconds, eTPLocal, iTPLocal, healthCheckNodePort, false);
            return ServicePortState.of(info, endpoints, null);
        }
    }

    static ProxyState state(NodeInfo node, Svc... services) {
        TreeMap<ServicePortName, ServicePortState> map = new TreeMap<>();
        for (Svc s : services) map.put(s.name, s.build());
        return new ProxyState(node, map);
    }

    static ProxyState state(Svc... services) {
        return state(NodeInfo.of(NODE, List.of("192.168.0.2", "fd00::2")), services);
    }

    /** kube-proxy's defaults plus a cluster CIDR (so ClusterCIDR local detection is on). */
    static ProxyConfig config() {
        ProxyConfig d = ProxyConfig.defaults(NODE);
        return new ProxyConfig(d.mode(), d.kubeconfig(), d.master(), d.hostnameOverride(),
                List.of("10.244.0.0/16", "fd00:10:244::/56"), false, 14, "ClusterCIDR", "", "", List.of(), true,
                d.metricsBindAddress(), d.healthzBindAddress(), d.syncPeriod(), d.minSyncPeriod(), false, 0, "");
    }

    static ProxyConfig withNodePortAddresses(ProxyConfig c, List<String> cidrs) {
        return new ProxyConfig(c.mode(), c.kubeconfig(), c.master(), c.hostnameOverride(), c.clusterCIDRs(),
                c.masqueradeAll(), c.masqueradeBit(), c.detectLocalMode(), c.bridgeInterface(), c.interfaceNamePrefix(),
                cidrs, c.localhostNodePorts(), c.metricsBindAddress(), c.healthzBindAddress(), c.syncPeriod(),
                c.minSyncPeriod(), c.cleanup(), c.verbosity(), c.netns());
    }
}
