package dev.nodenet.proxy;

import java.util.List;

/**
 * Which endpoints of one Service port (one family) each kind of traffic may use; computed by {@link EndpointSelector}.
 *
 * @param clusterEndpoints for traffic under a Cluster policy; empty if the Service uses no cluster endpoints
 * @param localEndpoints this node's endpoints, for traffic under a Local policy; empty if no Local policy applies
 * @param allReachable every endpoint some traffic may reach (for mode-specific bookkeeping, e.g. SEP chains)
 * @param hasAnyEndpoints the Service has usable endpoints somewhere (ready, or serving-terminating), regardless of
 *        policy: distinguishes "no endpoints" (REJECT) from "no local endpoints" (DROP)
 */
public record Selection(List<EndpointInfo> clusterEndpoints, List<EndpointInfo> localEndpoints,
        List<EndpointInfo> allReachable, boolean hasAnyEndpoints) {

    public static final Selection NONE = new Selection(List.of(), List.of(), List.of(), false);

    public Selection {
        clusterEndpoints = List.copyOf(clusterEndpoints);
        localEndpoints = List.copyOf(localEndpoints);
        allReachable = List.copyOf(allReachable);
    }
}
