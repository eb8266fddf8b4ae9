package dev.nodenet.userspace;

import dev.nodenet.netlink.NetNs;
import dev.nodenet.proxy.Backend;
import dev.nodenet.proxy.BackendException;
import dev.nodenet.proxy.Changes;
import dev.nodenet.proxy.EndpointInfo;
import dev.nodenet.proxy.Exec;
import dev.nodenet.proxy.IpFamily;
import dev.nodenet.proxy.Metrics;
import dev.nodenet.proxy.ProxyConfig;
import dev.nodenet.proxy.ProxyState;
import dev.nodenet.proxy.Selection;
import dev.nodenet.proxy.ServiceInfo;
import dev.nodenet.proxy.ServicePortName;
import dev.nodenet.proxy.ServicePortState;
import dev.nodenet.userspace.PortalRules.Action;
import dev.nodenet.userspace.PortalRules.Portal;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The userspace proxy mode: every Service port gets a listener on a node-local port (picked by the kernel, kept across
 * syncs) served by {@link Relays}; the portal rules ({@link PortalRules}) redirect the Service's ClusterIPs, NodePort,
 * external IPs and load-balancer IPs to it, applied with one {@code iptables-restore --noflush} per sync. Endpoint
 * changes only swap the listener's endpoint list, so established connections are never touched. IPv4 only.
 * <p>A Service port whose external traffic policy differs from its internal one (eTP Local with iTP Cluster, or the
 * reverse) gets a second listener for the external traffic, since a listener cannot tell which address a redirected
 * connection was sent to.
 * <p>Threading: {@link #sync}, {@link #cleanup} and {@link #close} on the proxy's sync thread; the relays run on
 * their own event loops.
 */
public final class UserspaceBackend implements Backend {
    private static final System.Logger LOG = System.getLogger(UserspaceBackend.class.getName());

    private enum Kind { INTERNAL, EXTERNAL }

    private record Key(ServicePortName name, Kind kind) {
    }

    private final ProxyConfig config;
    private final NetNs netns;
    private final Exec exec;
    private final Relays.Options options;
    private final RelayStats stats;
    private final Map<Key, Relays.Listener> listeners = new HashMap<>();
    private final Set<ServicePortName> warnedProtocols = new HashSet<>();
    private Relays relays;
    private String lastRules;

    /**
     * @param netns the namespace whose traffic we proxy (listeners and endpoint connections are opened in it), or
     *        null for our own
     */
    public UserspaceBackend(ProxyConfig config, Metrics metrics, NetNs netns, Relays.Options options) {
        this.config = config;
        this.netns = netns;
        this.exec = new Exec(netns);
        this.options = options;
        this.stats = new RelayStats(metrics);
    }

    @Override
    public String mode() {
        return "userspace";
    }

    @Override
    public void sync(ProxyState state, Changes changes) throws BackendException {
        if (relays == null) relays = new Relays(netns, options);
        Map<Key, Relays.Listener> keep = new HashMap<>();
        List<Portal> portals = new ArrayList<>();
        for (ServicePortState sps : state.services().values()) {
            ServiceInfo info = sps.info();
            ServicePortName name = info.name();
            if (!info.hasFamily(IpFamily.IPv4)) continue;
            if (!name.protocol().equals("TCP") && !name.protocol().equals("UDP")) {
                if (warnedProtocols.add(name)) LOG.log(Level.WARNING, "userspace mode: {0} uses {1}, which it cannot proxy", name, name.protocol());
                continue;
            }
            Selection sel = sps.ipv4();
            List<EndpointInfo> internal = info.internalPolicyLocal() ? sel.localEndpoints() : sel.clusterEndpoints();
            List<EndpointInfo> external = info.externalPolicyLocal() ? sel.localEndpoints() : sel.clusterEndpoints();
            boolean separateExternal = info.externallyAccessible() && info.internalPolicyLocal() != info.externalPolicyLocal();
            Relays.Listener in = listener(keep, new Key(name, Kind.INTERNAL), internal, info.stickySeconds());
            Relays.Listener ext = separateExternal ? listener(keep, new Key(name, Kind.EXTERNAL), external, info.stickySeconds()) : in;
            List<String> externalIPs = new ArrayList<>(info.externalIPs(IpFamily.IPv4));
            externalIPs.addAll(info.loadBalancerIPs(IpFamily.IPv4));
            portals.add(new Portal(name, info.clusterIPs(IpFamily.IPv4), info.port(), info.nodePort(), externalIPs,
                    action(internal, sel), in.port(), action(info.externallyAccessible() ? external : internal, sel), ext.port()));
        }
        // listeners of removed Service ports close (their established connections run to their end)
        for (Map.Entry<Key, Relays.Listener> e : listeners.entrySet()) {
            if (!keep.containsKey(e.getKey())) e.getValue().close();
        }
        listeners.clear();
        listeners.putAll(keep);
        List<PortalRules.Jump> missing = changes.full() || lastRules == null ? PortalRules.missingJumps(run(List.of("iptables-save"), null, true))
                : List.of();
        String rules = PortalRules.render(portals, missing);
        if (!missing.isEmpty() || !rules.equals(lastRules) || changes.full()) {
            lastRules = null;
            run(List.of("iptables-restore", "-w", "5", "--noflush"), rules, false);
            lastRules = rules;
        }
    }

    private static Action action(List<EndpointInfo> endpoints, Selection sel) {
        if (!endpoints.isEmpty()) return Action.REDIRECT;
        return sel.hasAnyEndpoints() ? Action.DROP : Action.REJECT;
    }

    private Relays.Listener listener(Map<Key, Relays.Listener> keep, Key key, List<EndpointInfo> endpoints, int stickySeconds)
            throws BackendException {
        Relays.Listener l = listeners.get(key);
        if (l == null) {
            try {
                l = relays.open(key.name(), stats.port(key.name()));
            } catch (IOException | RuntimeException e) {
                throw new BackendException("cannot open a " + key.name().protocol() + " listener for " + key.name() + ": " + e.getMessage(), e);
            }
        }
        List<InetSocketAddress> eps = new ArrayList<>(endpoints.size());
        for (EndpointInfo e : endpoints) eps.add(new InetSocketAddress(InetAddress.ofLiteral(e.ip()), e.port()));
        l.picker().update(eps, stickySeconds);
        l.picker().expireAffinity();
        keep.put(key, l);
        return l;
    }

    /** The listener port of a Service port's ClusterIP traffic (tests), or 0. */
    int listenerPort(ServicePortName name) {
        Relays.Listener l = listeners.get(new Key(name, Kind.INTERNAL));
        return l == null ? 0 : l.port();
    }

    @Override
    public void cleanup() throws BackendException {
        List<String> errors = new ArrayList<>();
        for (String variant : List.of("iptables-nft", "iptables-legacy")) {
            if (!Exec.available(variant + "-save") || !Exec.available(variant + "-restore")) continue;
            String input = PortalRules.cleanup(run(List.of(variant + "-save"), null, true));
            if (input.isEmpty()) continue;
            try {
                Exec.Result r = exec.run(List.of(variant + "-restore", "-w", "5", "--noflush"), input);
                if (!r.ok()) errors.add(variant + "-restore: " + r.stderr().strip());
            } catch (IOException e) {
                errors.add(variant + "-restore: " + e.getMessage());
            }
        }
        lastRules = null;
        if (!errors.isEmpty()) throw new BackendException("userspace cleanup failed: " + String.join("; ", errors));
    }

    private String run(List<String> command, String stdin, boolean tolerateFailure) throws BackendException {
        try {
            Exec.Result r = exec.run(command, stdin);
            if (r.ok()) return r.stdout();
            if (tolerateFailure) return "";
            throw new BackendException(command.getFirst() + " failed (exit " + r.exitCode() + "): " + r.stderr().strip());
        } catch (IOException e) {
            throw new BackendException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        listeners.values().forEach(Relays.Listener::close);
        listeners.clear();
        if (relays != null) relays.close();
    }
}
