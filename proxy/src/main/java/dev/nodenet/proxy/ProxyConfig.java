package dev.nodenet.proxy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The effective proxy configuration (KubeProxyConfiguration v1alpha1 merged with flags; see {@link ProxyCommand}).
 * Already validated. Immutable.
 *
 * @param clusterCIDRs at most one per family, canonical
 * @param detectLocalMode ClusterCIDR, NodeCIDR, BridgeInterface or InterfaceNamePrefix (empty: none)
 * @param nodePortAddresses canonical CIDRs, or {@code primary}; empty means every local address
 * @param metricsBindAddress host:port, empty to disable
 * @param healthzBindAddress host:port, empty to disable
 * @param netns a network namespace (name under /var/run/netns or a path) to program instead of our own, or empty
 * @param udpIdleTimeout how long the userspace mode keeps an idle UDP client session (kube-proxy's --udp-timeout)
 */
public record ProxyConfig(
        String mode,
        String kubeconfig,
        String master,
        String hostnameOverride,
        List<String> clusterCIDRs,
        boolean masqueradeAll,
        int masqueradeBit,
        String detectLocalMode,
        String bridgeInterface,
        String interfaceNamePrefix,
        List<String> nodePortAddresses,
        boolean localhostNodePorts,
        String metricsBindAddress,
        String healthzBindAddress,
        Duration syncPeriod,
        Duration minSyncPeriod,
        boolean cleanup,
        int verbosity,
        String netns,
        Duration udpIdleTimeout) {

    /** kube-proxy's --udp-timeout default. */
    public static final Duration DEFAULT_UDP_IDLE_TIMEOUT = Duration.ofMillis(250);

    public ProxyConfig {
        clusterCIDRs = List.copyOf(clusterCIDRs);
        nodePortAddresses = List.copyOf(nodePortAddresses);
        if (udpIdleTimeout == null) udpIdleTimeout = DEFAULT_UDP_IDLE_TIMEOUT;
    }

    /** Without a UDP idle timeout: the default (for modes and tests that do not care). */
    public ProxyConfig(String mode, String kubeconfig, String master, String hostnameOverride, List<String> clusterCIDRs,
            boolean masqueradeAll, int masqueradeBit, String detectLocalMode, String bridgeInterface,
            String interfaceNamePrefix, List<String> nodePortAddresses, boolean localhostNodePorts,
            String metricsBindAddress, String healthzBindAddress, Duration syncPeriod, Duration minSyncPeriod,
            boolean cleanup, int verbosity, String netns) {
        this(mode, kubeconfig, master, hostnameOverride, clusterCIDRs, masqueradeAll, masqueradeBit, detectLocalMode,
                bridgeInterface, interfaceNamePrefix, nodePortAddresses, localhostNodePorts, metricsBindAddress,
                healthzBindAddress, syncPeriod, minSyncPeriod, cleanup, verbosity, netns, DEFAULT_UDP_IDLE_TIMEOUT);
    }

    /** This configuration in another proxy mode. */
    public ProxyConfig withMode(String newMode) {
        return new ProxyConfig(newMode, kubeconfig, master, hostnameOverride, clusterCIDRs, masqueradeAll, masqueradeBit,
                detectLocalMode, bridgeInterface, interfaceNamePrefix, nodePortAddresses, localhostNodePorts,
                metricsBindAddress, healthzBindAddress, syncPeriod, minSyncPeriod, cleanup, verbosity, netns, udpIdleTimeout);
    }

    /** The defaults kube-proxy uses, for node {@code hostname}. */
    public static ProxyConfig defaults(String hostname) {
        return new ProxyConfig("iptables", "", "", hostname, List.of(), false, 14, "", "", "", List.of(), true,
                "127.0.0.1:10249", "0.0.0.0:10256", Duration.ofSeconds(30), Duration.ofSeconds(1), false, 0, "");
    }

    /** The masquerade mark, e.g. {@code 0x4000} for bit 14. */
    public String masqueradeMark() {
        return "0x" + Integer.toHexString(1 << masqueradeBit);
    }

    /** The configuration as /configz shows it: upstream field names, Go durations. */
    public Map<String, Object> toConfigz() {
        Map<String, Object> iptables = new LinkedHashMap<>();
        iptables.put("masqueradeAll", masqueradeAll);
        iptables.put("masqueradeBit", masqueradeBit);
        iptables.put("localhostNodePorts", localhostNodePorts);
        iptables.put("syncPeriod", dev.nodenet.api.cli.Flags.formatDuration(syncPeriod));
        iptables.put("minSyncPeriod", dev.nodenet.api.cli.Flags.formatDuration(minSyncPeriod));
        Map<String, Object> detectLocal = new LinkedHashMap<>();
        detectLocal.put("bridgeInterface", bridgeInterface);
        detectLocal.put("interfaceNamePrefix", interfaceNamePrefix);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("apiVersion", ConfigFile.API_VERSION);
        c.put("kind", ConfigFile.KIND);
        c.put("mode", mode);
        c.put("clientConnection", Map.of("kubeconfig", kubeconfig));
        c.put("hostnameOverride", hostnameOverride);
        c.put("clusterCIDR", String.join(",", clusterCIDRs));
        c.put("detectLocalMode", detectLocalMode);
        c.put("detectLocal", detectLocal);
        c.put("nodePortAddresses", nodePortAddresses);
        c.put("metricsBindAddress", metricsBindAddress);
        c.put("healthzBindAddress", healthzBindAddress);
        c.put("iptables", iptables);
        c.put("udpIdleTimeout", dev.nodenet.api.cli.Flags.formatDuration(udpIdleTimeout));
        return Map.of("kubeproxy.config.k8s.io", c);
    }
}
