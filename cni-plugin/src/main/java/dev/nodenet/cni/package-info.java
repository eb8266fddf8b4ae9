/**
 * The {@code nodenet} CNI plugin (spec 1.1; also 1.0.0, 0.4.0, 0.3.1): a bridge on the node, a veth pair per
 * attachment, built-in host-local-compatible IPAM (or a delegated IPAM plugin), optional masquerading.
 *
 * <h2>Public surface</h2>
 * {@link dev.nodenet.cni.CniMain} — the executable ({@code main}) and its in-process form
 * {@code run(env, stdin, stdout, stderr)}; {@link dev.nodenet.cni.InstallCni} — {@code nodenet install-cni}, which
 * writes the executable into a CNI bin directory. Everything else is package-private.
 *
 * <h2>Inside</h2>
 * <pre>
 *   CniMain        env + stdin → CniEnv (validated env) + NetConf (validated config) → BridgePlugin → result / error JSON
 *   BridgePlugin   ADD (linear steps with undo) · DEL (idempotent) · CHECK (vs prevResult) · GC · STATUS
 *   Ipam           HostLocalIpam (files + flock, reference format) | DelegatedIpam (exec from CNI_PATH)
 *   Masquerade     per-container CNI-… nat chain via iptables-restore
 *   CniResult      version-specific result rendering/parsing; JsonText: small JSON codec (no Jackson at start-up)
 * </pre>
 *
 * <h2>Namespaces</h2>
 * The plugin's host namespace is the namespace of the thread running the command; the container's is reached only
 * through a netlink socket opened inside CNI_NETNS. Tests therefore run the plugin on a thread inside a lab namespace
 * and never touch the root namespace.
 */
package dev.nodenet.cni;
