package dev.nodenet.proxy;

import java.util.List;

/** One Service port with all its endpoints and the per-family selections every mode programs. Immutable. */
public record ServicePortState(ServiceInfo info, List<EndpointInfo> endpoints, Selection ipv4, Selection ipv6) {
    public ServicePortState {
        endpoints = List.copyOf(endpoints);
    }

    public Selection selection(IpFamily family) {
        return family == IpFamily.IPv4 ? ipv4 : ipv6;
    }

    /** Builds the state, running {@link EndpointSelector} for both families. */
    public static ServicePortState of(ServiceInfo info, List<EndpointInfo> endpoints, String nodeZone) {
        Selection v4 = info.hasFamily(IpFamily.IPv4)
                ? EndpointSelector.select(info, endpoints.stream().filter(e -> e.family() == IpFamily.IPv4).toList(), nodeZone)
                : Selection.NONE;
        Selection v6 = info.hasFamily(IpFamily.IPv6)
                ? EndpointSelector.select(info, endpoints.stream().filter(e -> e.family() == IpFamily.IPv6).toList(), nodeZone)
                : Selection.NONE;
        return new ServicePortState(info, endpoints, v4, v6);
    }
}
