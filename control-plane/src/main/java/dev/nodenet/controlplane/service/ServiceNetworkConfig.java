package dev.nodenet.controlplane.service;

import java.util.ArrayList;
import java.util.List;

/**
 * Where Service addresses come from: kube-apiserver's {@code --service-cluster-ip-range} (one range, or two of
 * different families for dual-stack; the first is the primary family) and {@code --service-node-port-range}.
 * Immutable.
 *
 * @param clusterIpRanges one or two ranges, the primary first
 * @param nodePortMin     first node port, inclusive
 * @param nodePortMax     last node port, inclusive
 */
public record ServiceNetworkConfig(List<Cidr> clusterIpRanges, int nodePortMin, int nodePortMax) {
    /** Default of {@code --service-cluster-ip-range}. */
    public static final String DEFAULT_CLUSTER_IP_RANGE = "10.96.0.0/12";
    /** Default of {@code --service-node-port-range}. */
    public static final String DEFAULT_NODE_PORT_RANGE = "30000-32767";
    /** kube-apiserver refuses ranges with more host bits than this: allocation state must stay small. */
    static final int MAX_HOST_BITS = 20;

    public static final ServiceNetworkConfig DEFAULT = parse(DEFAULT_CLUSTER_IP_RANGE, DEFAULT_NODE_PORT_RANGE);

    public ServiceNetworkConfig {
        clusterIpRanges = List.copyOf(clusterIpRanges);
        if (clusterIpRanges.isEmpty() || clusterIpRanges.size() > 2) throw new IllegalArgumentException("one or two cluster IP ranges");
        if (clusterIpRanges.size() == 2 && clusterIpRanges.get(0).isIpv6() == clusterIpRanges.get(1).isIpv6()) {
            throw new IllegalArgumentException("the two cluster IP ranges must be of different IP families");
        }
        if (nodePortMin < 1 || nodePortMax > 65535 || nodePortMin > nodePortMax) throw new IllegalArgumentException("bad node port range");
    }

    /**
     * Parses the two flags' values as kube-apiserver does: {@code "10.96.0.0/12"} or {@code "10.96.0.0/12,fd00:10:96::/108"},
     * and {@code "30000-32767"} or {@code "30000+2767"}.
     *
     * @throws IllegalArgumentException with a message naming the flag and the bad value
     */
    public static ServiceNetworkConfig parse(String clusterIpRanges, String nodePortRange) {
        List<Cidr> ranges = new ArrayList<>();
        String[] parts = clusterIpRanges.split(",", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException("invalid --service-cluster-ip-range \"" + clusterIpRanges + "\": may contain at most two ranges (one per IP family)");
        }
        for (String part : parts) {
            String p = part.trim();
            Cidr c;
            try {
                c = Cidr.parse(p);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid --service-cluster-ip-range \"" + p + "\": " + e.getMessage());
            }
            int bits = c.isIpv6() ? 128 : 32;
            if (c.hostBits() > MAX_HOST_BITS) {
                throw new IllegalArgumentException("invalid --service-cluster-ip-range \"" + p + "\": range is too large; for " + bits
                        + "-bit addresses, the mask must be >= " + (bits - MAX_HOST_BITS));
            }
            // Network, broadcast and the kubernetes Service's address need room, plus at least one more.
            if (c.hostBits() < 2) {
                throw new IllegalArgumentException("invalid --service-cluster-ip-range \"" + p + "\": range is too small; the mask must be <= " + (bits - 2));
            }
            ranges.add(c);
        }
        if (ranges.size() == 2 && ranges.get(0).isIpv6() == ranges.get(1).isIpv6()) {
            throw new IllegalArgumentException("invalid --service-cluster-ip-range \"" + clusterIpRanges + "\": the two ranges must be of different IP families (one IPv4, one IPv6)");
        }
        int[] ports = parsePortRange(nodePortRange);
        return new ServiceNetworkConfig(ranges, ports[0], ports[1]);
    }

    private static int[] parsePortRange(String text) {
        String t = text.trim();
        int sep = Math.max(t.indexOf('-'), t.indexOf('+'));
        String bad = "invalid --service-node-port-range \"" + text + "\": ";
        if (sep <= 0) throw new IllegalArgumentException(bad + "expected <first>-<last> or <first>+<count>");
        int a = portNumber(t.substring(0, sep), bad);
        int b = portNumber(t.substring(sep + 1), bad);
        int last = t.charAt(sep) == '+' ? a + b : b;
        if (last > 65535) throw new IllegalArgumentException(bad + "last port " + last + " is above 65535");
        if (last < a) throw new IllegalArgumentException(bad + "last port " + last + " is below first port " + a);
        if (a < 1) throw new IllegalArgumentException(bad + "ports must be between 1 and 65535");
        return new int[] {a, last};
    }

    private static int portNumber(String s, String bad) {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException(bad + "\"" + s + "\" is not a port number");
        }
        return Integer.parseInt(s);
    }

    /** The range of the given family ({@code IPv4}/{@code IPv6}), or null when this cluster has none. */
    Cidr rangeFor(String family) {
        for (Cidr c : clusterIpRanges) if (c.family().equals(family)) return c;
        return null;
    }

    boolean dualStack() {
        return clusterIpRanges.size() == 2;
    }

    Cidr primary() {
        return clusterIpRanges.get(0);
    }

    /** The first address of the primary range: the {@code kubernetes} Service's ClusterIP. */
    public String kubernetesServiceIp() {
        return Ips.format(primary().addressAt(1));
    }

    /** {@code 30000-32767}, as error messages show the range. */
    String nodePortRangeText() {
        return nodePortMin + "-" + nodePortMax;
    }
}
