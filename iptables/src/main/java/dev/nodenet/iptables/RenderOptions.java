package dev.nodenet.iptables;

import dev.nodenet.proxy.IpAddresses;
import dev.nodenet.proxy.IpFamily;
import dev.nodenet.proxy.NodeInfo;
import dev.nodenet.proxy.ProxyConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The configuration the iptables rules depend on, for one family.
 *
 * @param masqueradeMark e.g. 0x4000
 * @param ifLocal match arguments for "comes from a local pod" (empty: local traffic cannot be detected)
 * @param ifNotLocal the negation of {@code ifLocal}
 * @param nodePortAddresses canonical CIDRs of this family, or {@code primary}; empty means every local address
 * @param localhostNodePorts NodePorts answer on 127.0.0.1 (IPv4 only; needs route_localnet)
 */
record RenderOptions(IpFamily family, String masqueradeMark, boolean masqueradeAll, List<String> ifLocal,
        List<String> ifNotLocal, List<String> nodePortAddresses, boolean localhostNodePorts) {

    RenderOptions {
        ifLocal = List.copyOf(ifLocal);
        ifNotLocal = List.copyOf(ifNotLocal);
        nodePortAddresses = List.copyOf(nodePortAddresses);
    }

    /** Options for {@code family} from the proxy configuration and what is known about this node. */
    static RenderOptions of(ProxyConfig config, IpFamily family, NodeInfo node) {
        List<String> ifLocal = new ArrayList<>(), ifNotLocal = new ArrayList<>();
        String cidr = switch (config.detectLocalMode()) {
            case "ClusterCIDR" -> first(config.clusterCIDRs(), family);
            case "NodeCIDR" -> first(node.podCIDRs(), family);
            default -> null;
        };
        if (cidr != null) {
            ifLocal.addAll(List.of("-s", cidr));
            ifNotLocal.addAll(List.of("!", "-s", cidr));
        } else if (config.detectLocalMode().equals("BridgeInterface")) {
            ifLocal.addAll(List.of("-i", config.bridgeInterface()));
            ifNotLocal.addAll(List.of("!", "-i", config.bridgeInterface()));
        } else if (config.detectLocalMode().equals("InterfaceNamePrefix")) {
            ifLocal.addAll(List.of("-i", config.interfaceNamePrefix() + "+"));
            ifNotLocal.addAll(List.of("!", "-i", config.interfaceNamePrefix() + "+"));
        }
        List<String> npa = config.nodePortAddresses().contains("primary") ? List.of("primary")
                : config.nodePortAddresses().stream().filter(c -> IpAddresses.familyOfCidr(c) == family).toList();
        if (!config.nodePortAddresses().isEmpty() && npa.isEmpty()) {
            // CIDRs were given but none of this family: no NodePorts on this family (like kube-proxy)
            npa = List.of(family == IpFamily.IPv4 ? "0.0.0.0/32" : "::/128");
        }
        return new RenderOptions(family, config.masqueradeMark(), config.masqueradeAll(), ifLocal, ifNotLocal, npa,
                config.localhostNodePorts());
    }

    private static String first(List<String> cidrs, IpFamily family) {
        return cidrs.stream().filter(c -> IpAddresses.familyOfCidr(c) == family).findFirst().orElse(null);
    }

    /** NodePorts are accepted on every local address of this family. */
    boolean nodePortsOnAllAddresses() {
        return nodePortAddresses.isEmpty();
    }

    /** The 127.0.0.0/8 NodePort path is open, so the CVE-2020-8558 guard and route_localnet are needed. */
    boolean localhostNodePortsActive() {
        if (family != IpFamily.IPv4 || !localhostNodePorts) return false;
        if (nodePortsOnAllAddresses()) return true;
        return nodePortAddresses.stream().anyMatch(c -> !c.equals("primary") && IpAddresses.contains(c, "127.0.0.1"));
    }

    /** The addresses NodePorts are accepted on, when not all: the node's addresses inside the given CIDRs. */
    List<String> nodePortIPs(NodeInfo node) {
        List<String> out = new ArrayList<>();
        if (nodePortAddresses.contains("primary")) {
            for (String ip : node.primaryAddresses()) if (IpFamily.of(ip) == family) out.add(ip);
            return out;
        }
        List<String> candidates = new ArrayList<>(node.localAddresses());
        if (family == IpFamily.IPv4 && !candidates.contains("127.0.0.1")) candidates.add("127.0.0.1");
        for (String ip : candidates) {
            if (IpFamily.of(ip) != family) continue;
            boolean loopback = ip.equals("::1") || ip.startsWith("127.");
            if (loopback && (family == IpFamily.IPv6 || !localhostNodePorts)) continue;
            for (String cidr : nodePortAddresses) {
                if (IpAddresses.contains(cidr, ip)) {
                    out.add(ip);
                    break;
                }
            }
        }
        return out.stream().distinct().toList();
    }
}
