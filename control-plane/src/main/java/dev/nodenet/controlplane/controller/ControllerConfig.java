package dev.nodenet.controlplane.controller;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the in-process controllers (the kube-controller-manager flags they correspond to in brackets).
 * The constructor rejects bad values with an {@link IllegalArgumentException} naming the field, before anything starts.
 *
 * @param maxEndpointsPerSlice  endpoints per EndpointSlice, 1..1000 ({@code --max-endpoints-per-slice}, default 100)
 * @param clusterCidrs          pod network(s) Node pod CIDRs are cut from: one CIDR, or one IPv4 and one IPv6 CIDR for
 *                              dual-stack ({@code --cluster-cidr}); empty disables pod CIDR allocation
 * @param nodeCidrMaskSizeIpv4  prefix length of a Node's IPv4 pod CIDR ({@code --node-cidr-mask-size-ipv4}, default 24)
 * @param nodeCidrMaskSizeIpv6  prefix length of a Node's IPv6 pod CIDR ({@code --node-cidr-mask-size-ipv6}, default 64)
 * @param gcPeriod              how often the garbage collector scans every dependent for vanished owners
 */
public record ControllerConfig(int maxEndpointsPerSlice, List<String> clusterCidrs, int nodeCidrMaskSizeIpv4,
                               int nodeCidrMaskSizeIpv6, Duration gcPeriod) {

    /** Upstream's limit on the subnets one cluster CIDR may be cut into (2^16). */
    static final int MAX_CIDR_MASK_DIFF = 16;

    public ControllerConfig {
        if (maxEndpointsPerSlice < 1 || maxEndpointsPerSlice > 1000) {
            throw new IllegalArgumentException("maxEndpointsPerSlice must be between 1 and 1000, got " + maxEndpointsPerSlice);
        }
        if (clusterCidrs == null) throw new IllegalArgumentException("clusterCidrs must not be null (use an empty list to disable pod CIDR allocation)");
        clusterCidrs = List.copyOf(clusterCidrs);
        if (clusterCidrs.size() > 2) throw new IllegalArgumentException("clusterCidrs: at most two CIDRs (one per IP family), got " + clusterCidrs);
        if (gcPeriod == null || gcPeriod.isNegative() || gcPeriod.isZero()) {
            throw new IllegalArgumentException("gcPeriod must be positive, got " + gcPeriod);
        }
        List<Cidr> parsed = new ArrayList<>();
        for (String c : clusterCidrs) {
            Cidr cidr = Cidr.parse(c);
            int mask = cidr.ipv6() ? nodeCidrMaskSizeIpv6 : nodeCidrMaskSizeIpv4;
            String field = cidr.ipv6() ? "nodeCidrMaskSizeIpv6" : "nodeCidrMaskSizeIpv4";
            if (mask < cidr.prefixLength() || mask > cidr.bits()) {
                throw new IllegalArgumentException(field + " " + mask + " must be between the cluster CIDR's prefix length ("
                        + cidr.prefixLength() + " for " + c + ") and " + cidr.bits());
            }
            if (mask - cidr.prefixLength() > MAX_CIDR_MASK_DIFF) {
                throw new IllegalArgumentException(field + " " + mask + " cuts " + c + " into more than 2^" + MAX_CIDR_MASK_DIFF
                        + " node CIDRs: use a larger cluster CIDR or a shorter node mask");
            }
            for (Cidr other : parsed) {
                if (other.ipv6() == cidr.ipv6()) throw new IllegalArgumentException("clusterCidrs: two CIDRs of the same IP family: " + clusterCidrs);
            }
            parsed.add(cidr);
        }
    }

    /** kube-controller-manager's defaults with the cluster CIDR flannel uses, 10.244.0.0/16. */
    public static ControllerConfig defaults() {
        return new ControllerConfig(100, List.of("10.244.0.0/16"), 24, 64, Duration.ofMinutes(1));
    }

    public ControllerConfig withMaxEndpointsPerSlice(int n) {
        return new ControllerConfig(n, clusterCidrs, nodeCidrMaskSizeIpv4, nodeCidrMaskSizeIpv6, gcPeriod);
    }

    public ControllerConfig withClusterCidrs(List<String> cidrs) {
        return new ControllerConfig(maxEndpointsPerSlice, cidrs, nodeCidrMaskSizeIpv4, nodeCidrMaskSizeIpv6, gcPeriod);
    }

    public ControllerConfig withNodeCidrMaskSizes(int ipv4, int ipv6) {
        return new ControllerConfig(maxEndpointsPerSlice, clusterCidrs, ipv4, ipv6, gcPeriod);
    }

    public ControllerConfig withGcPeriod(Duration period) {
        return new ControllerConfig(maxEndpointsPerSlice, clusterCidrs, nodeCidrMaskSizeIpv4, nodeCidrMaskSizeIpv6, period);
    }
}
