package dev.nodenet.proxy;

import dev.nodenet.netlink.NetNs;

/**
 * What a backend gets at creation.
 *
 * @param config the effective configuration
 * @param metrics the registry to add mode-specific metrics to (e.g. kubeproxy_sync_proxy_rules_iptables_restore_failures_total)
 * @param netns the network namespace to program, or null for the daemon's own
 */
public record BackendContext(ProxyConfig config, Metrics metrics, NetNs netns) {
}
