package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * core/v1 ServiceSpec: everything the proxy needs to program a service.
 * <p>Immutable; {@code extra} holds fields this model does not know, so they survive a decode/encode round trip.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceSpec(
        String type,
        String clusterIP,
        List<String> clusterIPs,
        List<String> ipFamilies,
        String ipFamilyPolicy,
        List<ServicePort> ports,
        Map<String, String> selector,
        String sessionAffinity,
        SessionAffinityConfig sessionAffinityConfig,
        List<String> externalIPs,
        String externalName,
        String externalTrafficPolicy,
        String internalTrafficPolicy,
        Integer healthCheckNodePort,
        String loadBalancerIP,
        List<String> loadBalancerSourceRanges,
        String loadBalancerClass,
        Boolean allocateLoadBalancerNodePorts,
        Boolean publishNotReadyAddresses,
        String trafficDistribution,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** Copies collections into unmodifiable ones; null stays null (absent and empty differ on the wire). */
    public ServiceSpec {
        clusterIPs = Copies.list(clusterIPs);
        ipFamilies = Copies.list(ipFamilies);
        ports = Copies.list(ports);
        selector = Copies.map(selector);
        externalIPs = Copies.list(externalIPs);
        loadBalancerSourceRanges = Copies.list(loadBalancerSourceRanges);
        extra = Copies.extra(extra);
    }

    /** Without unmodelled fields. */
    public ServiceSpec(String type, String clusterIP, List<String> clusterIPs, List<String> ipFamilies,
            String ipFamilyPolicy, List<ServicePort> ports, Map<String, String> selector, String sessionAffinity,
            SessionAffinityConfig sessionAffinityConfig, List<String> externalIPs, String externalName,
            String externalTrafficPolicy, String internalTrafficPolicy, Integer healthCheckNodePort,
            String loadBalancerIP, List<String> loadBalancerSourceRanges, String loadBalancerClass,
            Boolean allocateLoadBalancerNodePorts, Boolean publishNotReadyAddresses, String trafficDistribution) {
        this(type, clusterIP, clusterIPs, ipFamilies, ipFamilyPolicy, ports, selector, sessionAffinity,
                sessionAffinityConfig, externalIPs, externalName, externalTrafficPolicy, internalTrafficPolicy,
                healthCheckNodePort, loadBalancerIP, loadBalancerSourceRanges, loadBalancerClass,
                allocateLoadBalancerNodePorts, publishNotReadyAddresses, trafficDistribution, null);
    }

    /** A copy with {@code type} replaced. */
    public ServiceSpec withType(String value) {
        return new ServiceSpec(value, clusterIP, clusterIPs, ipFamilies, ipFamilyPolicy, ports, selector,
                sessionAffinity, sessionAffinityConfig, externalIPs, externalName, externalTrafficPolicy,
                internalTrafficPolicy, healthCheckNodePort, loadBalancerIP, loadBalancerSourceRanges, loadBalancerClass,
                allocateLoadBalancerNodePorts, publishNotReadyAddresses, trafficDistribution, extra);
    }

    /** A copy with {@code clusterIP} replaced. */
    public ServiceSpec withClusterIP(String value) {
        return new ServiceSpec(type, value, clusterIPs, ipFamilies, ipFamilyPolicy, ports, selector, sessionAffinity,
                sessionAffinityConfig, externalIPs, externalName, externalTrafficPolicy, internalTrafficPolicy,
                healthCheckNodePort, loadBalancerIP, loadBalancerSourceRanges, loadBalancerClass,
                allocateLoadBalancerNodePorts, publishNotReadyAddresses, trafficDistribution, extra);
    }

    /** A copy with {@code clusterIPs} replaced. */
    public ServiceSpec withClusterIPs(List<String> value) {
        return new ServiceSpec(type, clusterIP, value, ipFamilies, ipFamilyPolicy, ports, selector, sessionAffinity,
                sessionAffinityConfig, externalIPs, externalName, externalTrafficPolicy, internalTrafficPolicy,
                healthCheckNodePort, loadBalancerIP, loadBalancerSourceRanges, loadBalancerClass,
                allocateLoadBalancerNodePorts, publishNotReadyAddresses, trafficDistribution, extra);
    }

    /** A copy with {@code ipFamilies} replaced. */
    public ServiceSpec withIpFamilies(List<String> value) {
        return new ServiceSpec(type, clusterIP, clusterIPs, value, ipFamilyPolicy, ports, selector, sessionAffinity,
                sessionAffinityConfig, externalIPs, externalName, externalTrafficPolicy, internalTrafficPolicy,
                healthCheckNodePort, loadBalancerIP, loadBalancerSourceRanges, loadBalancerClass,
                allocateLoadBalancerNodePorts, publishNotReadyAddresses, trafficDistribution, extra);
    }

    /** A copy with {@code ipFamilyPolicy} replaced. */
    public ServiceSpec withIpFamilyPolicy(String value) {
        return new ServiceSpec(type, clusterIP, clusterIPs, ipFamilies, value, ports, selector, sessionAffinity,
                sessionAffinityConfig, externalIPs, externalName, externalTrafficPolicy, internalTrafficPolicy,
                healthCheckNodePort, loadBalancerIP, loadBalancerSourceRanges, loadBalancerClass,
                allocateLoadBalancerNodePorts, publishNotReadyAddresses, trafficDistribution, extra);
    }

    /** A copy with {@code ports} replaced. */
    public ServiceSpec withPorts(List<ServicePort> value) {
        return new ServiceSpec(type, clusterIP, clusterIPs, ipFamilies, ipFamilyPolicy, value, selector,
                sessionAffinity, sessionAffinityConfig, externalIPs, externalName, externalTrafficPolicy,
                internalTrafficPolicy, healthCheckNodePort, loadBalancerIP, loadBalancerSourceRanges, loadBalancerClass,
                allocateLoadBalancerNodePorts, publishNotReadyAddresses, trafficDistribution, extra);
    }

    /** A copy with {@code selector} replaced. */
    public ServiceSpec withSelector(Map<String, String> value) {
        return new ServiceSpec(type, clusterIP, clusterIPs, ipFamilies, ipFamilyPolicy, ports, value, sessionAffinity,
                sessionAffinityConfig, externalIPs, externalName, externalTrafficPolicy, internalTrafficPolicy,
                healthCheckNodePort, loadBalancerIP, loadBalancerSourceRanges, loadBalancerClass,
                allocateLoadBalancerNodePorts, publishNotReadyAddresses, trafficDistribution, extra);
    }

    /** A copy with {@code sessionAffinity} replaced. */
    public ServiceSpec withSessionAffinity(String value) {
        return new ServiceSpec(type, clusterIP, clusterIPs, ipFamilies, ipFamilyPolicy, ports, selector, value,
                sessionAffinityConfig, externalIPs, externalName, externalTrafficPolicy, internalTrafficPolicy,
                healthCheckNodePort, loadBalancerIP, loadBalancerSourceRanges, loadBalancerClass,
                allocateLoadBalancerNodePorts, publishNotReadyAddresses, trafficDistribution, extra);
    }

    /** A copy with {@code sessionAffinityConfig} replaced. */
    public ServiceSpec withSessionAffinityConfig(SessionAffinityConfig value) {
        return new ServiceSpec(type, clusterIP, clusterIPs, ipFamilies, ipFamilyPolicy, ports, selector,
                sessionAffinity, value, externalIPs, externalName, externalTrafficPolicy, internalTrafficPolicy,
                healthCheckNodePort, loadBalancerIP, loadBalancerSourceRanges, loadBalancerClass,
                allocateLoadBalancerNodePorts, publishNotReadyAddresses, trafficDistribution, extra);
    }

    /** A copy with {@code externalIPs} replaced. */
    public ServiceSpec withExternalIPs(List<String> value) {
        return new ServiceSpec(type, clusterIP, clusterIPs, ipFamilies, ipFamilyPolicy, ports, selector,
                sessionAffinity, sessionAffinityConfig, value, externalName, externalTrafficPolicy,
                internalTrafficPolicy, healthCheckNodePort, loadBalancerIP, loadBalancerSourceRanges, loadBalancerClass,
                allocateLoadBalancerNodePorts, publishNotReadyAddresses, trafficDistribution, extra);
    }

    /** A copy with {@code externalName} replaced. */
    public ServiceSpec withExternalName(String value) {
        return new ServiceSpec(type, clusterIP, clusterIPs, ipFamilies, ipFamilyPolicy, ports, selector,
                sessionAffinity, sessionAffinityConfig, externalIPs, value, externalTrafficPolicy,
                internalTrafficPolicy, healthCheckNodePort, loadBalancerIP, loadBalancerSourceRanges, loadBalancerClass,
                allocateLoadBalancerNodePorts, publishNotReadyAddresses, trafficDistribution, extra);
    }

    /** A copy with {@code externalTrafficPolicy} replaced. */
    public ServiceSpec withExternalTrafficPolicy(String value) {
        return new ServiceSpec(type, clusterIP, clusterIPs, ipFamilies, ipFamilyPolicy, ports, selector,
                sessionAffinity, sessionAffinityConfig, externalIPs, externalName, value, internalTrafficPolicy,
                healthCheckNodePort, loadBalancerIP, loadBalancerSourceRanges, loadBalancerClass,
                allocateLoadBalancerNodePorts, publishNotReadyAddresses, trafficDistribution, extra);
    }

    /** A copy with {@code internalTrafficPolicy} replaced. */
    public ServiceSpec withInternalTrafficPolicy(String value) {
        return new ServiceSpec(type, clusterIP, clusterIPs, ipFamilies, ipFamilyPolicy, ports, selector,
                sessionAffinity, sessionAffinityConfig, externalIPs, externalName, externalTrafficPolicy, value,
                healthCheckNodePort, loadBalancerIP, loadBalancerSourceRanges, loadBalancerClass,
                allocateLoadBalancerNodePorts, publishNotReadyAddresses, trafficDistribution, extra);
    }

    /** A copy with {@code healthCheckNodePort} replaced. */
    public ServiceSpec withHealthCheckNodePort(Integer value) {
        return new ServiceSpec(type, clusterIP, clusterIPs, ipFamilies, ipFamilyPolicy, ports, selector,
                sessionAffinity, sessionAffinityConfig, externalIPs, externalName, externalTrafficPolicy,
                internalTrafficPolicy, value, loadBalancerIP, loadBalancerSourceRanges, loadBalancerClass,
                allocateLoadBalancerNodePorts, publishNotReadyAddresses, trafficDistribution, extra);
    }

    /** A copy with {@code loadBalancerIP} replaced. */
    public ServiceSpec withLoadBalancerIP(String value) {
        return new ServiceSpec(type, clusterIP, clusterIPs, ipFamilies, ipFamilyPolicy, ports, selector,
                sessionAffinity, sessionAffinityConfig, externalIPs, externalName, externalTrafficPolicy,
                internalTrafficPolicy, healthCheckNodePort, value, loadBalancerSourceRanges, loadBalancerClass,
                allocateLoadBalancerNodePorts, publishNotReadyAddresses, trafficDistribution, extra);
    }

    /** A copy with {@code loadBalancerSourceRanges} replaced. */
    public ServiceSpec withLoadBalancerSourceRanges(List<String> value) {
        return new ServiceSpec(type, clusterIP, clusterIPs, ipFamilies, ipFamilyPolicy, ports, selector,
                sessionAffinity, sessionAffinityConfig, externalIPs, externalName, externalTrafficPolicy,
                internalTrafficPolicy, healthCheckNodePort, loadBalancerIP, value, loadBalancerClass,
                allocateLoadBalancerNodePorts, publishNotReadyAddresses, trafficDistribution, extra);
    }

    /** A copy with {@code loadBalancerClass} replaced. */
    public ServiceSpec withLoadBalancerClass(String value) {
        return new ServiceSpec(type, clusterIP, clusterIPs, ipFamilies, ipFamilyPolicy, ports, selector,
                sessionAffinity, sessionAffinityConfig, externalIPs, externalName, externalTrafficPolicy,
                internalTrafficPolicy, healthCheckNodePort, loadBalancerIP, loadBalancerSourceRanges, value,
                allocateLoadBalancerNodePorts, publishNotReadyAddresses, trafficDistribution, extra);
    }

    /** A copy with {@code allocateLoadBalancerNodePorts} replaced. */
    public ServiceSpec withAllocateLoadBalancerNodePorts(Boolean value) {
        return new ServiceSpec(type, clusterIP, clusterIPs, ipFamilies, ipFamilyPolicy, ports, selector,
                sessionAffinity, sessionAffinityConfig, externalIPs, externalName, externalTrafficPolicy,
                internalTrafficPolicy, healthCheckNodePort, loadBalancerIP, loadBalancerSourceRanges, loadBalancerClass,
                value, publishNotReadyAddresses, trafficDistribution, extra);
    }

    /** A copy with {@code publishNotReadyAddresses} replaced. */
    public ServiceSpec withPublishNotReadyAddresses(Boolean value) {
        return new ServiceSpec(type, clusterIP, clusterIPs, ipFamilies, ipFamilyPolicy, ports, selector,
                sessionAffinity, sessionAffinityConfig, externalIPs, externalName, externalTrafficPolicy,
                internalTrafficPolicy, healthCheckNodePort, loadBalancerIP, loadBalancerSourceRanges, loadBalancerClass,
                allocateLoadBalancerNodePorts, value, trafficDistribution, extra);
    }

    /** A copy with {@code trafficDistribution} replaced. */
    public ServiceSpec withTrafficDistribution(String value) {
        return new ServiceSpec(type, clusterIP, clusterIPs, ipFamilies, ipFamilyPolicy, ports, selector,
                sessionAffinity, sessionAffinityConfig, externalIPs, externalName, externalTrafficPolicy,
                internalTrafficPolicy, healthCheckNodePort, loadBalancerIP, loadBalancerSourceRanges, loadBalancerClass,
                allocateLoadBalancerNodePorts, publishNotReadyAddresses, value, extra);
    }

    /** A spec with no field set; start here and chain {@code with...} calls. */
    public static ServiceSpec empty() {
        return new ServiceSpec(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null);
    }
}
