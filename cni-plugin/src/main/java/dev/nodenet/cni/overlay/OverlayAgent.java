package dev.nodenet.cni.overlay;

import dev.nodenet.api.client.Informer;
import dev.nodenet.api.client.KubeClient;
import dev.nodenet.api.client.Resource;
import dev.nodenet.api.model.Node;
import dev.nodenet.netlink.IpPrefix;
import dev.nodenet.netlink.Link;
import dev.nodenet.netlink.MacAddress;
import dev.nodenet.netlink.NetNs;
import dev.nodenet.netlink.RtNetlink;
import dev.nodenet.netlink.Sysctl;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The node daemon's overlay agent, flannel's VXLAN backend in one class: it waits for this node's spec.podCIDR,
 * creates the VXLAN device, publishes its VTEP MAC and underlay address as Node annotations, writes the CNI conflist
 * and subnet.env, installs masquerade rules, and keeps one neighbour/FDB/route triple per peer Node — adding,
 * removing and repairing them as Nodes come and go and every {@code resyncPeriod}.
 *
 * <pre>
 *  Node informer thread ──(any change)──► request()  ─┐
 *  timer every resyncPeriod ──────────────────────────┴─► reconcile thread: read cache → kernel + files + API
 * </pre>
 * One platform thread ("overlay-agent") does all reconciling, so kernel state has a single writer; the informer only
 * asks for a pass. Failures are logged and retried on the next pass; they never stop the agent.
 */
public final class OverlayAgent implements AutoCloseable {
    private static final Logger LOG = System.getLogger("nodenet.overlay");

    private final OverlayConfig config;
    private final KubeClient client;
    private final NetNs netns;
    private final RtNetlink nl;
    private final VxlanDataplane dataplane;
    private final Masquerade masquerade;
    private final Informer<Node> nodes;
    private final ScheduledExecutorService loop;
    private final AtomicBoolean requested = new AtomicBoolean();
    private volatile boolean ready;
    /** Set by {@link #cleanup} (on the loop): later reconcile passes must not rebuild what it removed. */
    private boolean cleanedUp;
    private volatile String lastProblem = "not reconciled yet";

    private OverlayAgent(OverlayConfig config, KubeClient client, NetNs netns) {
        this.config = config;
        this.client = client;
        this.netns = netns;
        this.nl = netns == null ? RtNetlink.open() : RtNetlink.open(netns);
        this.dataplane = new VxlanDataplane(nl, config);
        this.masquerade = new Masquerade(config);
        this.loop = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("overlay-agent").daemon(true).factory());
        this.nodes = Informer.builder(client, Resource.NODES).handler(new Informer.Handler<>() {
            @Override
            public void onAdd(Node n) { request(); }

            @Override
            public void onUpdate(Node o, Node n) { request(); }

            @Override
            public void onDelete(Node n) { request(); }
        }).build();
    }

    /**
     * Starts the agent. {@code netns} is the node's network namespace for every netlink operation (null: the
     * current one, as in a DaemonSet pod with hostNetwork); iptables runs in {@link OverlayConfig#netnsName()}.
     */
    public static OverlayAgent start(OverlayConfig config, KubeClient client, NetNs netns) {
        OverlayAgent agent = new OverlayAgent(config, client, netns);
        agent.nodes.start();
        long periodMs = config.resyncPeriod().toMillis();
        agent.loop.scheduleWithFixedDelay(agent::reconcile, 0, periodMs, TimeUnit.MILLISECONDS);
        return agent;
    }

    /** True once the device, files and peers have been programmed at least once. */
    public boolean ready() { return ready; }

    /** What the last pass could not do, or null when it succeeded. */
    public String lastProblem() { return lastProblem; }

    private void request() {
        if (requested.compareAndSet(false, true)) loop.execute(this::reconcile);
    }

    /** One pass; runs on the reconcile thread only. */
    private void reconcile() {
        if (cleanedUp) return;
        requested.set(false);
        try {
            String problem = reconcileOnce();
            if (!Objects.equals(problem, lastProblem) && problem != null) LOG.log(Level.INFO, problem);
            lastProblem = problem;
            if (problem == null) ready = true;
        } catch (Exception e) {
            String msg = "overlay reconcile failed: " + e.getMessage();
            if (!msg.equals(lastProblem)) LOG.log(Level.WARNING, msg, e);
            lastProblem = msg;
        }
    }

    private String reconcileOnce() throws Exception {
        if (!nodes.hasSynced()) return "waiting for the Node list";
        Node self = nodes.get(null, config.nodeName());
        if (self == null) return "waiting for Node " + config.nodeName() + " to exist";
        String cidr = self.spec() == null ? null : self.spec().podCIDR();
        if (cidr == null || cidr.isEmpty()) return "waiting for Node " + config.nodeName() + " to get spec.podCIDR";
        IpPrefix podCidr = IpPrefix.parse(cidr).network();
        InetAddress publicIp = publicIp(self);
        Link underlay = dataplane.underlay(publicIp);
        MacAddress mac = Peer.vtepMacFor(config.nodeName());
        Link dev = dataplane.ensureDevice(underlay, publicIp, mac, podCidr);
        publish(self, mac, publicIp);
        HostFiles.writeIfChanged(config.cniConfDir().resolve(HostFiles.CONFLIST_NAME), HostFiles.conflist(config, podCidr.toString(), dev.mtuBytes()));
        HostFiles.writeIfChanged(config.subnetFile(), HostFiles.subnetEnv(config, podCidr.toString(), dev.mtuBytes()));
        if (netns == null) Sysctl.write("net.ipv4.ip_forward", "1");
        else Sysctl.write(netns, "net.ipv4.ip_forward", "1");
        masquerade.apply();
        List<Peer> peers = new ArrayList<>();
        for (Node n : nodes.list()) {
            Peer p = Peer.of(n);
            if (p != null && !p.name().equals(config.nodeName())) peers.add(p);
        }
        dataplane.sync(dev, peers);
        return null;
    }

    private InetAddress publicIp(Node self) {
        if (config.publicIp() != null) return IpPrefix.parseAddress(config.publicIp());
        String internal = self.address("InternalIP");
        if (internal != null && !internal.contains(":")) return IpPrefix.parseAddress(internal);
        return dataplane.defaultRouteSource();
    }

    /** Publishes the VTEP MAC and underlay address on our Node, only when they differ from what it carries. */
    private void publish(Node self, MacAddress mac, InetAddress publicIp) {
        Map<String, String> want = Map.of(
                Peer.BACKEND_TYPE, "vxlan",
                Peer.BACKEND_DATA, "{\"VNI\":" + config.vni() + ",\"VtepMAC\":\"" + mac + "\"}",
                Peer.PUBLIC_IP, publicIp.getHostAddress());
        Map<String, String> have = self.metadata().annotations() == null ? Map.of() : self.metadata().annotations();
        boolean same = want.entrySet().stream().allMatch(e -> e.getValue().equals(have.get(e.getKey())));
        if (same) return;
        client.patch(Resource.NODES, null, config.nodeName(), KubeClient.PatchType.MERGE, Map.of("metadata", Map.of("annotations", want)));
    }

    /** Removes the device, its entries and our iptables chains; the files stay for the runtime (as flannel's do). */
    public void cleanup() throws Exception {
        loop.submit(() -> {
            cleanedUp = true;
            dataplane.deleteDevice();
            masquerade.remove();
            return null;
        }).get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        nodes.stop();
        loop.shutdownNow();
        try {
            loop.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        nl.close();
    }
}
