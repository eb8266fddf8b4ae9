package dev.nodenet.proxy;

import java.util.List;

/**
 * What a proxy mode needs to know about one Service port, already validated: IPs are canonical literals (invalid ones
 * were dropped with a log line and a metric), ports are in range. Lists hold both families; use the per-family
 * accessors when programming one family.
 *
 * @param stickySeconds ClientIP session affinity timeout, 0 without affinity
 * @param nodePort 0 when the Service has none
 * @param healthCheckNodePort 0 when the Service has none (only LoadBalancer Services with eTP Local have one)
 * @param externalPolicyLocal externalTrafficPolicy Local on an externally reachable Service
 * @param topologyAware trafficDistribution PreferClose/PreferSameZone or the topology-mode annotation Auto
 */
public record ServiceInfo(
        ServicePortName name,
        List<String> clusterIPs,
        int port,
        int nodePort,
        List<String> externalIPs,
        List<String> loadBalancerIPs,
        List<String> loadBalancerSourceRanges,
        int stickySeconds,
        boolean externalPolicyLocal,
        boolean internalPolicyLocal,
        int healthCheckNodePort,
        boolean topologyAware) {

    public ServiceInfo {
        clusterIPs = List.copyOf(clusterIPs);
        externalIPs = List.copyOf(externalIPs);
        loadBalancerIPs = List.copyOf(loadBalancerIPs);
        loadBalancerSourceRanges = List.copyOf(loadBalancerSourceRanges);
    }

    /** Reachable from outside the cluster network: a NodePort, an external IP or a load-balancer IP. */
    public boolean externallyAccessible() {
        return nodePort != 0 || !externalIPs.isEmpty() || !loadBalancerIPs.isEmpty();
    }

    /** Some traffic may go to endpoints on any node. */
    public boolean usesClusterEndpoints() {
        return !internalPolicyLocal || (externallyAccessible() && !externalPolicyLocal);
    }

    /** Some traffic may only go to endpoints on this node. */
    public boolean usesLocalEndpoints() {
        return internalPolicyLocal || (externallyAccessible() && externalPolicyLocal);
    }

    public List<String> clusterIPs(IpFamily family) {
        return clusterIPs.stream().filter(ip -> IpFamily.of(ip) == family).toList();
    }

    public List<String> externalIPs(IpFamily family) {
        return externalIPs.stream().filter(ip -> IpFamily.of(ip) == family).toList();
    }

    public List<String> loadBalancerIPs(IpFamily family) {
        return loadBalancerIPs.stream().filter(ip -> IpFamily.of(ip) == family).toList();
    }

    public List<String> loadBalancerSourceRanges(IpFamily family) {
        return loadBalancerSourceRanges.stream().filter(c -> IpAddresses.familyOfCidr(c) == family).toList();
    }

    /** True if the Service has any address of {@code family} (so that family's proxier programs it). */
    public boolean hasFamily(IpFamily family) {
        return !clusterIPs(family).isEmpty();
    }
}
