package dev.nodenet.proxy;

import dev.nodenet.api.client.Informer;
import dev.nodenet.api.model.EndpointSlice;
import dev.nodenet.api.model.Node;
import dev.nodenet.api.model.NodeAddress;
import dev.nodenet.api.model.Service;
import dev.nodenet.api.model.Taint;
import dev.nodenet.netlink.NetNs;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * The proxy core: receives Service, EndpointSlice and Node changes, keeps the desired state and has a {@link Backend}
 * program it, bounded in frequency by minSyncPeriod and refreshed in full every syncPeriod and after any failure.
 * <pre>
 *  informer threads ──► handlers ──► change queue ──► request()
 *                                                        │
 *  "proxy-sync" thread (single writer): drain queue ─► trackers (Service/EndpointSlice → ServiceInfo/EndpointInfo,
 *     what changed) ─► EndpointSelector ─► Backend.sync(state, changes) ─► stale UDP conntrack, health, metrics
 * </pre>
 * <p>Threading: the handlers may be called from any thread (they only enqueue); all state is owned by the sync
 * thread. {@link #start()} and {@link #close()} are called by the owner.
 */
public final class Proxier implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Proxier.class.getName());
    private static final String TRIGGER_TIME_ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time";
    private static final String AUTOSCALER_TAINT = "ToBeDeletedByClusterAutoscaler";
    /**
     * How often a sync rewrites everything even though nothing asks for it, as kube-proxy's FullSyncPeriod: the
     * syncPeriod runs in between are partial (they check the canary and rewrite only what changed), because a full
     * sync of 10k Services costs seconds (iptables-legacy) to minutes (iptables-nft) of CPU.
     */
    static final Duration FULL_SYNC_PERIOD = Duration.ofHours(1);

    private sealed interface Change {
        String serviceKey();
    }

    private record ServiceChange(String serviceKey, Service current) implements Change {
    }

    private record SliceChange(String serviceKey, String sliceName, EndpointSlice current) implements Change {
    }

    private record NodeChange(Node current) implements Change {
        public String serviceKey() {
            return null;
        }
    }

    private final ProxyConfig config;
    private final Backend backend;
    private final NetNs netns;
    private final Supplier<List<String>> localAddresses;
    private final Clock clock;
    private final Duration fullSyncPeriod;
    private final CoreMetrics metrics;
    private final ProxyHealth health;
    private final ServiceHealthServers healthServers;
    private final SyncRunner runner;
    private final ConcurrentLinkedQueue<Change> queue = new ConcurrentLinkedQueue<>();
    private final Set<String> pendingServiceKeys = ConcurrentHashMap.newKeySet();
    private final Set<String> pendingSliceServiceKeys = ConcurrentHashMap.newKeySet();

    // ---- owned by the sync thread ----
    private final Map<String, Service> services = new HashMap<>();
    private final Map<String, Map<String, EndpointSlice>> slices = new HashMap<>();
    private final Map<String, List<ServicePortName>> portsByService = new HashMap<>();
    private final TreeMap<ServicePortName, ServicePortState> states = new TreeMap<>();
    private final Set<String> dirtyServiceKeys = new HashSet<>();
    private final List<Instant> triggerTimes = new ArrayList<>();
    /** Stale UDP flows collected since the last successful sync (a failed sync keeps them for the next). */
    private StaleUdp staleUdp = new StaleUdp();
    private NodeInfo nodeInfo;
    private boolean needFullSync = true;
    private long lastFullSyncNs;

    /**
     * @param localAddresses the data plane namespace's addresses (canonical), asked once per sync
     * @param netns the namespace to clean conntrack in and serve health check node ports from, or null for ours
     */
    public Proxier(ProxyConfig config, Backend backend, Metrics metrics, NetNs netns, Supplier<List<String>> localAddresses) {
        this(config, backend, metrics, netns, localAddresses, Clock.systemUTC(), FULL_SYNC_PERIOD);
    }

    Proxier(ProxyConfig config, Backend backend, Metrics registry, NetNs netns, Supplier<List<String>> localAddresses, Clock clock,
            Duration fullSyncPeriod) {
        this.config = config;
        this.fullSyncPeriod = fullSyncPeriod;
        this.backend = backend;
        this.netns = netns;
        this.localAddresses = localAddresses;
        this.clock = clock;
        this.metrics = new CoreMetrics(registry);
        this.health = new ProxyHealth(clock, config.syncPeriod().multipliedBy(2));
        this.healthServers = new ServiceHealthServers(netns);
        this.nodeInfo = new NodeInfo(config.hostnameOverride(), null, List.of(), List.of(), List.of(), true);
        this.runner = new SyncRunner(config.minSyncPeriod(), config.syncPeriod(), this::syncOnce);
    }

    ProxyHealth health() {
        return health;
    }

    /** Starts the sync thread; the first (full) sync runs at once, with whatever has been enqueued so far. */
    public void start() {
        runner.start();
    }

    /** Stops syncing and the health check servers; leaves the programmed rules in place. */
    @Override
    public void close() {
        runner.stop();
        healthServers.close();
    }

    /** Asks for a sync as soon as minSyncPeriod allows (e.g. after an out-of-band change). */
    public void requestSync() {
        runner.request();
    }

    /** Feeds Service changes; call from an {@link Informer} or directly. */
    public Informer.Handler<Service> serviceHandler() {
        return new Informer.Handler<>() {
            public void onAdd(Service s) {
                enqueue(new ServiceChange(s.key(), s), pendingServiceKeys);
            }

            public void onUpdate(Service old, Service s) {
                enqueue(new ServiceChange(s.key(), s), pendingServiceKeys);
            }

            public void onDelete(Service s) {
                enqueue(new ServiceChange(s.key(), null), pendingServiceKeys);
            }
        };
    }

    /**
     * Feeds EndpointSlice changes; slices without the kubernetes.io/service-name label belong to no Service and are
     * left out with a log line and a count (as kube-proxy logs them).
     */
    public Informer.Handler<EndpointSlice> endpointSliceHandler() {
        return new Informer.Handler<>() {
            public void onAdd(EndpointSlice s) {
                slice(s, s);
            }

            public void onUpdate(EndpointSlice old, EndpointSlice s) {
                slice(s, s);
            }

            public void onDelete(EndpointSlice s) {
                slice(s, null);
            }

            private void slice(EndpointSlice s, EndpointSlice current) {
                if (s.serviceName() == null) {
                    if (current != null) skip("EndpointSlice", s.key(), "missing_service_name", "no " + EndpointSlice.SERVICE_NAME_LABEL + " label");
                    return;
                }
                enqueue(new SliceChange(s.namespace() + "/" + s.serviceName(), s.name(), current), pendingSliceServiceKeys);
            }
        };
    }

    /** Feeds this node's Node object (zone, podCIDRs, addresses, eligibility). */
    public Informer.Handler<Node> nodeHandler() {
        return new Informer.Handler<>() {
            public void onAdd(Node n) {
                enqueue(new NodeChange(n), null);
            }

            public void onUpdate(Node old, Node n) {
                enqueue(new NodeChange(n), null);
            }

            public void onDelete(Node n) {
                enqueue(new NodeChange(null), null);
            }
        };
    }

    private void enqueue(Change change, Set<String> pending) {
        queue.add(change);
        if (pending != null) {
            pending.add(change.serviceKey());
            (pending == pendingServiceKeys ? metrics.serviceChangesTotal : metrics.endpointChangesTotal).inc();
        }
        metrics.serviceChangesPending.set(pendingServiceKeys.size());
        metrics.endpointChangesPending.set(pendingSliceServiceKeys.size());
        metrics.lastQueued.set(clock.millis() / 1000.0);
        health.queued();
        runner.request();
    }

    // ---------------------------------------------------------------- sync thread below

    private boolean syncOnce() {
        long seq = health.startSync();
        long startNs = System.nanoTime();
        drain();
        List<String> addresses;
        try {
            addresses = localAddresses.get();
        } catch (RuntimeException e) {
            // keep programming Services; NodePorts on specific addresses use the last known list
            LOG.log(Level.WARNING, "cannot list local addresses: " + e.getMessage());
            addresses = nodeInfo.localAddresses();
        }
        if (!addresses.equals(nodeInfo.localAddresses())) {
            nodeInfo = new NodeInfo(nodeInfo.name(), nodeInfo.zone(), nodeInfo.podCIDRs(), addresses,
                    nodeInfo.primaryAddresses(), nodeInfo.eligible());
            needFullSync = true;
        }
        Set<ServicePortName> changed = new LinkedHashSet<>();
        StaleUdp stale = new StaleUdp();
        for (String key : dirtyServiceKeys) updateService(key, changed, stale);
        dirtyServiceKeys.clear();
        if (!backend.upToDate()) needFullSync = true;
        boolean full = needFullSync || System.nanoTime() - lastFullSyncNs >= fullSyncPeriod.toNanos();
        ProxyState state = new ProxyState(nodeInfo, states);
        staleUdp.addAll(stale);
        try {
            backend.sync(state, new Changes(full, full ? Set.of() : changed));
        } catch (BackendException | RuntimeException e) {
            LOG.log(Level.ERROR, "proxy sync failed (" + backend.mode() + "), retrying with a full sync: " + e.getMessage(), e);
            needFullSync = true;
            return false;
        }
        if (full) {
            lastFullSyncNs = System.nanoTime();
            needFullSync = false;
        }
        try {
            int deleted = staleUdp.delete(netns);
            if (deleted > 0) LOG.log(Level.DEBUG, "deleted {0} stale UDP conntrack entries", deleted);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "stale UDP conntrack cleanup failed: " + e.getMessage());
        }
        staleUdp = new StaleUdp();
        double seconds = (System.nanoTime() - startNs) / 1e9;
        metrics.syncDuration.observe(seconds);
        (full ? metrics.fullSyncDuration : metrics.partialSyncDuration).observe(seconds);
        Instant now = clock.instant();
        metrics.lastSync.set(now.toEpochMilli() / 1000.0);
        for (Instant t : triggerTimes) metrics.networkProgramming.observe(Math.max(0, Duration.between(t, now).toNanos() / 1e9));
        triggerTimes.clear();
        updateNoLocalEndpoints();
        healthServers.update(states.values(), health);
        health.synced(seq);
        return true;
    }

    private void drain() {
        Change c;
        while ((c = queue.poll()) != null) {
            switch (c) {
                case ServiceChange s -> {
                    pendingServiceKeys.remove(s.serviceKey());
                    if (s.current() == null) services.remove(s.serviceKey());
                    else services.put(s.serviceKey(), s.current());
                    dirtyServiceKeys.add(s.serviceKey());
                }
                case SliceChange s -> {
                    pendingSliceServiceKeys.remove(s.serviceKey());
                    Map<String, EndpointSlice> bySlice = slices.computeIfAbsent(s.serviceKey(), k -> new HashMap<>());
                    if (s.current() == null) {
                        bySlice.remove(s.sliceName());
                        if (bySlice.isEmpty()) slices.remove(s.serviceKey());
                    } else {
                        bySlice.put(s.sliceName(), s.current());
                        Instant trigger = triggerTime(s.current());
                        if (trigger != null) triggerTimes.add(trigger);
                    }
                    dirtyServiceKeys.add(s.serviceKey());
                }
                case NodeChange n -> applyNode(n.current());
            }
        }
        metrics.serviceChangesPending.set(pendingServiceKeys.size());
        metrics.endpointChangesPending.set(pendingSliceServiceKeys.size());
    }

    private static Instant triggerTime(EndpointSlice s) {
        String t = s.metadata() == null || s.metadata().annotations() == null ? null
                : s.metadata().annotations().get(TRIGGER_TIME_ANNOTATION);
        if (t == null) return null;
        try {
            return Instant.parse(t);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void applyNode(Node n) {
        if (n != null && !config.hostnameOverride().equals(n.name())) return;
        String zone = n == null ? null : n.zone();
        List<String> podCIDRs = new ArrayList<>();
        List<String> primary = new ArrayList<>();
        boolean eligible = n != null && (n.metadata() == null || n.metadata().deletionTimestamp() == null);
        if (n != null && n.spec() != null) {
            List<String> raw = n.spec().podCIDRs() != null ? n.spec().podCIDRs()
                    : n.spec().podCIDR() == null ? List.of() : List.of(n.spec().podCIDR());
            for (String c : raw) {
                try {
                    podCIDRs.add(IpAddresses.canonicalCidr(c));
                } catch (IllegalArgumentException e) {
                    skip("Node", n.name(), "invalid_cidr", "podCIDR: " + e.getMessage());
                }
            }
            if (n.spec().taints() != null) {
                for (Taint t : n.spec().taints()) if (AUTOSCALER_TAINT.equals(t.key())) eligible = false;
            }
        }
        if (n != null && n.status() != null && n.status().addresses() != null) {
            for (NodeAddress a : n.status().addresses()) {
                if (!"InternalIP".equals(a.type())) continue;
                try {
                    primary.add(IpAddresses.canonical(a.address()));
                } catch (IllegalArgumentException e) {
                    skip("Node", n.name(), "invalid_ip", "InternalIP: " + e.getMessage());
                }
            }
        }
        health.nodeEligible(eligible);
        NodeInfo next = new NodeInfo(config.hostnameOverride(), zone, podCIDRs, nodeInfo.localAddresses(), primary, eligible);
        if (!next.equals(nodeInfo)) {
            boolean zoneChanged = !Objects.equals(next.zone(), nodeInfo.zone());
            nodeInfo = next;
            needFullSync = true;
            if (zoneChanged) dirtyServiceKeys.addAll(portsByService.keySet());
        }
    }

    /** Recomputes one Service's ports from its Service and slices; records what changed and what conntrack went stale. */
    private void updateService(String key, Set<ServicePortName> changed, StaleUdp stale) {
        Service svc = services.get(key);
        List<ServiceInfo> infos = svc == null ? List.of() : ServiceParser.parse(svc, this::skip);
        int slash = key.indexOf('/');
        Map<String, EndpointSlice> bySlice = slices.getOrDefault(key, Map.of());
        Map<ServicePortName, List<EndpointInfo>> endpoints = infos.isEmpty() ? Map.of()
                : EndpointSliceParser.parse(key.substring(0, slash), key.substring(slash + 1), bySlice.values(),
                        config.hostnameOverride(), this::skip);
        Set<ServicePortName> names = new LinkedHashSet<>(portsByService.getOrDefault(key, List.of()));
        List<ServicePortName> newNames = new ArrayList<>();
        Map<ServicePortName, ServicePortState> next = new HashMap<>();
        for (ServiceInfo info : infos) {
            newNames.add(info.name());
            names.add(info.name());
            next.put(info.name(), ServicePortState.of(info, endpoints.getOrDefault(info.name(), List.of()), nodeInfo.zone()));
        }
        if (newNames.isEmpty()) portsByService.remove(key);
        else portsByService.put(key, newNames);
        for (ServicePortName name : names) {
            ServicePortState old = states.get(name), cur = next.get(name);
            if (Objects.equals(old, cur)) continue;
            changed.add(name);
            if (cur == null) states.remove(name);
            else states.put(name, cur);
            if ("UDP".equals(name.protocol())) collectStale(old, cur, stale);
        }
    }

    private static void collectStale(ServicePortState old, ServicePortState cur, StaleUdp stale) {
        Set<String> kept = new HashSet<>();
        if (cur != null) {
            for (IpFamily f : IpFamily.values()) for (EndpointInfo ep : cur.selection(f).allReachable()) kept.add(ep.endpoint());
        }
        if (old != null) {
            for (IpFamily f : IpFamily.values()) {
                for (EndpointInfo ep : old.selection(f).allReachable()) {
                    if (!kept.contains(ep.endpoint())) stale.endpoint(ep.ip(), ep.port());
                }
            }
        }
        if (cur == null) return;
        for (IpFamily f : IpFamily.values()) {
            boolean hadNone = old == null || old.selection(f).allReachable().isEmpty();
            if (!hadNone || cur.selection(f).allReachable().isEmpty()) continue;
            ServiceInfo info = cur.info();
            for (String ip : info.clusterIPs(f)) stale.serviceDestination(ip, info.port());
            for (String ip : info.externalIPs(f)) stale.serviceDestination(ip, info.port());
            for (String ip : info.loadBalancerIPs(f)) stale.serviceDestination(ip, info.port());
            if (info.nodePort() != 0) stale.nodePort(info.nodePort());
        }
    }

    private void updateNoLocalEndpoints() {
        int internal = 0, external = 0;
        for (ServicePortState s : states.values()) {
            for (IpFamily f : IpFamily.values()) {
                Selection sel = s.selection(f);
                if (!s.info().hasFamily(f) || !sel.hasAnyEndpoints() || !sel.localEndpoints().isEmpty()) continue;
                if (s.info().internalPolicyLocal()) internal++;
                if (s.info().externalPolicyLocal()) external++;
            }
        }
        metrics.noLocalEndpoints.set(internal, "internal");
        metrics.noLocalEndpoints.set(external, "external");
    }

    private void skip(String kind, String key, String reason, String detail) {
        LOG.log(Level.WARNING, "skipping part of {0} {1}: {2}", kind, key, detail);
        metrics.skipped.inc(kind, reason);
    }

    /** The standard kube-proxy metrics plus our skipped-object counter. */
    static final class CoreMetrics {
        final Metrics.Histogram syncDuration, fullSyncDuration, partialSyncDuration, networkProgramming;
        final Metrics.Gauge lastSync, lastQueued, serviceChangesPending, endpointChangesPending, noLocalEndpoints;
        final Metrics.Counter serviceChangesTotal, endpointChangesTotal, skipped;

        CoreMetrics(Metrics m) {
            double[] sync = Metrics.exponentialBuckets(0.001, 2, 15);
            syncDuration = m.histogram("kubeproxy_sync_proxy_rules_duration_seconds", "SyncProxyRules latency in seconds", sync);
            fullSyncDuration = m.histogram("kubeproxy_sync_full_proxy_rules_duration_seconds", "SyncProxyRules latency in seconds for full resyncs", sync);
            partialSyncDuration = m.histogram("kubeproxy_sync_partial_proxy_rules_duration_seconds", "SyncProxyRules latency in seconds for partial resyncs", sync);
            networkProgramming = m.histogram("kubeproxy_network_programming_duration_seconds", "In Cluster Network Programming Latency in seconds",
                    new double[] {0.25, 0.5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 30, 45, 60, 120, 300, 600, 1200, 1800});
            lastSync = m.gauge("kubeproxy_sync_proxy_rules_last_timestamp_seconds", "The last time proxy rules were successfully synced");
            lastQueued = m.gauge("kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds", "The last time a sync of proxy rules was queued");
            endpointChangesPending = m.gauge("kubeproxy_sync_proxy_rules_endpoint_changes_pending", "Pending proxy rules Endpoint changes");
            endpointChangesTotal = m.counter("kubeproxy_sync_proxy_rules_endpoint_changes_total", "Cumulative proxy rules Endpoint changes");
            serviceChangesPending = m.gauge("kubeproxy_sync_proxy_rules_service_changes_pending", "Pending proxy rules Service changes");
            serviceChangesTotal = m.counter("kubeproxy_sync_proxy_rules_service_changes_total", "Cumulative proxy rules Service changes");
            noLocalEndpoints = m.gauge("kubeproxy_sync_proxy_rules_no_local_endpoints_total",
                    "Number of services with a Local traffic policy and no endpoints", "traffic_policy");
            skipped = m.counter("nodenet_proxy_skipped_objects_total",
                    "Parts of Services, EndpointSlices and Nodes left out because they were invalid", "kind", "reason");
        }
    }
}
