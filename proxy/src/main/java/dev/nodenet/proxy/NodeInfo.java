package dev.nodenet.proxy;

import java.util.List;

/**
 * This node as the proxy sees it.
 *
 * @param zone topology.kubernetes.io/zone, or null
 * @param podCIDRs the Node's spec.podCIDRs (canonical), for detect-local-mode NodeCIDR
 * @param localAddresses the data plane namespace's own addresses (canonical), for NodePorts on specific addresses
 * @param primaryAddresses the Node object's InternalIPs (canonical), for --nodeport-addresses=primary
 * @param eligible false while the Node is being deleted or drained by the cluster autoscaler (/healthz then says 503)
 */
public record NodeInfo(String name, String zone, List<String> podCIDRs, List<String> localAddresses,
        List<String> primaryAddresses, boolean eligible) {
    public NodeInfo {
        podCIDRs = List.copyOf(podCIDRs);
        localAddresses = List.copyOf(localAddresses);
        primaryAddresses = List.copyOf(primaryAddresses);
    }

    /** A node with just a name and the given local addresses (tests, and before the Node object is known). */
    public static NodeInfo of(String name, List<String> localAddresses) {
        return new NodeInfo(name, null, List.of(), localAddresses, List.of(), true);
    }
}
