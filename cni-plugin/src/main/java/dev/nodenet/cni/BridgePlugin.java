package dev.nodenet.cni;

import dev.nodenet.netlink.Errno;
import dev.nodenet.netlink.IfAddress;
import dev.nodenet.netlink.IpPrefix;
import dev.nodenet.netlink.Link;
import dev.nodenet.netlink.NetNs;
import dev.nodenet.netlink.NetlinkException;
import dev.nodenet.netlink.Route;
import dev.nodenet.netlink.RtNetlink;
import dev.nodenet.netlink.Sysctl;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The {@code nodenet} plugin's commands: a bridge on the host, a veth pair per attachment (CNI_IFNAME inside the
 * container, {@code veth<8 hex>} on the host, attached to the bridge), addresses from IPAM, routes, the bridge's
 * gateway address, optional masquerading.
 *
 * <p><b>The host namespace is the calling thread's.</b> Every host-side operation (rtnetlink socket, sysctl, iptables
 * child processes) happens on the thread that runs the command, so a caller that runs the command on a thread
 * switched into another namespace (tests do, with {@link NetNs#call}) gets that namespace as "the host". The container
 * side is reached only through a netlink socket opened inside CNI_NETNS.
 *
 * <p>ADD is a straight line of steps, each registering its undo; if any later step fails, the undos run in reverse
 * order, so a failed ADD leaves no veth, no reservation and no iptables rule. The bridge itself, its gateway address
 * and the forwarding sysctl are shared by every attachment and are left in place. DEL is idempotent and best effort.
 * The host-side veth name is derived from (container ID, ifname), so DEL and GC find it without any saved state.
 *
 * <p>Threading: one instance per command, used on one thread.
 */
final class BridgePlugin {
    /** Called before each ADD step with its name (see {@link #ADD_STEPS}); tests throw from it to inject failures. */
    @FunctionalInterface
    interface StepHook {
        void reached(String step);
    }

    static final StepHook NO_HOOK = step -> { };
    static final List<String> ADD_STEPS = List.of("bridge", "ipam", "veth", "host-port", "container-addresses",
            "container-routes", "gateway", "masquerade", "result");

    private final CniEnv env;
    private final NetConf conf;
    private final Map<String, String> rawEnv;
    private final PrintStream log;
    private final StepHook hook;

    BridgePlugin(CniEnv env, NetConf conf, Map<String, String> rawEnv, PrintStream log, StepHook hook) {
        this.env = env;
        this.conf = conf;
        this.rawEnv = rawEnv;
        this.log = log;
        this.hook = hook;
    }

    /**
     * {@code veth} + 8 hex digits of CRC-32C(containerID "/" ifname): stable, so DEL and GC find it without saved
     * state. (A CRC rather than a digest: MessageDigest would load the security providers on every plugin start.)
     */
    static String hostVethName(String containerId, String ifname) {
        CRC32C crc = new CRC32C();
        crc.update((containerId + "/" + ifname).getBytes(StandardCharsets.UTF_8));
        return "veth" + HexFormat.of().toHexDigits((int) crc.getValue());
    }

    private Ipam ipam() {
        return conf.hostLocal() != null ? new HostLocalIpam(conf.hostLocal()) : DelegatedIpam.find(conf, env, rawEnv);
    }

    private boolean hasV4() {
        return conf.hostLocal() == null || conf.hostLocal().rangeSets().stream().anyMatch(s -> s.getFirst().isV4());
    }

    private boolean hasV6() {
        return conf.hostLocal() == null || conf.hostLocal().rangeSets().stream().anyMatch(s -> !s.getFirst().isV4());
    }

    // ================================================================================================================
    // ADD
    // ================================================================================================================

    CniResult add() {
        // Everything that can be checked without changing anything is checked first.
        Ipam ipam = ipam();
        if (conf.ipMasq()) Masquerade.requireTools(hasV4(), hasV6());
        try (Container c = Container.open(env, CniException.INVALID_ENV);
             NetNs host = NetNs.current();
             RtNetlink onHost = RtNetlink.open()) {
            RtNetlink inC = c.rt;
            if (inC.findLink(env.ifname()).isPresent()) {
                throw new CniException(CniException.INVALID_ENV, "interface already exists in the container",
                        "CNI_IFNAME " + env.ifname() + " exists in " + env.netns());
            }
            String hostName = hostVethName(env.containerId(), env.ifname());
            if (onHost.findLink(hostName).isPresent()) {
                throw new CniException(CniException.INVALID_ENV, "attachment already exists on the host",
                        "host interface " + hostName + " for CNI_CONTAINERID " + env.containerId() + " and CNI_IFNAME "
                                + env.ifname() + " exists (ADD without DEL?)");
            }
            Optional<Link> existingBridge = onHost.findLink(conf.bridge());
            if (existingBridge.isPresent() && !"bridge".equals(existingBridge.get().kind())) {
                throw new CniException(CniException.INVALID_CONFIG, "bridge name is taken by another device",
                        conf.bridge() + " is a " + existingBridge.get().kind() + " device, not a bridge");
            }
            Deque<Runnable> undo = new ArrayDeque<>();
            try {
                hook.reached("bridge");
                Link bridge = ensureBridge(onHost, existingBridge.orElse(null));

                hook.reached("ipam");
                CniResult ipamResult = ipam.add(env);
                undo.push(() -> ipam.del(env));
                if (ipamResult.ips().isEmpty()) {
                    throw new CniException(CniException.INTERNAL, "IPAM returned no addresses", conf.ipamType());
                }

                hook.reached("veth");
                inC.createVeth(env.ifname(), hostName, host, conf.mtuBytes());
                undo.push(() -> {
                    deleteLinkIfPresent(inC, env.ifname());
                    deleteLinkIfPresent(onHost, hostName);
                });

                hook.reached("host-port");
                int hostIdx = onHost.linkIndex(hostName);
                onHost.setMaster(hostIdx, bridge.index());
                if (conf.hairpinMode()) onHost.setHairpin(hostIdx, true);
                onHost.setUp(hostIdx);

                hook.reached("container-addresses");
                int cIdx = inC.linkIndex(env.ifname());
                for (CniResult.IpConfig ip : ipamResult.ips()) {
                    // No duplicate address detection for container IPv6 addresses (reference default).
                    inC.addAddress(cIdx, ip.address(), Ips.isV4(ip.address().address()) ? 0 : IfAddress.IFA_F_NODAD);
                }
                inC.setUp(cIdx);

                hook.reached("container-routes");
                List<CniResult.RouteEntry> routes = routes(ipamResult);
                for (CniResult.RouteEntry r : routes) inC.addRoute(kernelRoute(r, ipamResult, cIdx));

                hook.reached("gateway");
                if (conf.isGateway()) configureGateway(onHost, bridge, ipamResult);

                hook.reached("masquerade");
                if (conf.ipMasq()) {
                    Masquerade masq = new Masquerade(conf.name());
                    List<IpPrefix> addrs = ipamResult.ips().stream().map(CniResult.IpConfig::address).toList();
                    undo.push(() -> masq.remove(env.containerId(), hasV4(), hasV6()));
                    masq.add(env.containerId(), addrs);
                }

                hook.reached("result");
                Link br = onHost.link(bridge.index());
                Link hostLink = onHost.link(hostIdx);
                Link cLink = inC.link(cIdx);
                List<CniResult.Iface> ifaces = List.of(
                        new CniResult.Iface(br.name(), mac(br), br.mtuBytes(), null, null, null),
                        new CniResult.Iface(hostLink.name(), mac(hostLink), hostLink.mtuBytes(), null, null, null),
                        new CniResult.Iface(cLink.name(), mac(cLink), cLink.mtuBytes(), env.netns(), null, null));
                List<CniResult.IpConfig> ips = ipamResult.ips().stream()
                        .map(ip -> new CniResult.IpConfig(ip.address(), ip.gateway(), 2)).toList();
                return merge(new CniResult(ifaces, ips, routes, ipamResult.dns()));
            } catch (RuntimeException e) {
                rollback(undo);
                throw asCni(e, "ADD");
            }
        }
    }

    private Link ensureBridge(RtNetlink onHost, Link existing) {
        Link br = existing;
        if (br == null) {
            try {
                onHost.createBridge(conf.bridge());
            } catch (NetlinkException e) {
                if (!e.is(Errno.EEXIST)) throw e; // a concurrent ADD created it first
            }
            br = onHost.link(conf.bridge());
            if (!"bridge".equals(br.kind())) {
                throw new CniException(CniException.INVALID_CONFIG, "bridge name is taken by another device",
                        conf.bridge() + " is a " + br.kind());
            }
            if (conf.mtuBytes() > 0 && br.mtuBytes() != conf.mtuBytes()) onHost.setMtu(br.index(), conf.mtuBytes());
        }
        if (conf.promiscMode() && !br.isPromisc()) onHost.setPromisc(br.index(), true);
        if (!br.isUp()) onHost.setUp(br.index());
        return onHost.link(br.index());
    }

    /** IPAM routes plus, with isDefaultGateway, a default route per family through that family's gateway. */
    private List<CniResult.RouteEntry> routes(CniResult ipamResult) {
        List<CniResult.RouteEntry> out = new ArrayList<>(ipamResult.routes());
        if (conf.isDefaultGateway()) {
            Set<Boolean> done = new HashSet<>();
            for (CniResult.IpConfig ip : ipamResult.ips()) {
                boolean v4 = Ips.isV4(ip.address().address());
                if (ip.gateway() == null || !done.add(v4)) continue;
                boolean present = out.stream().anyMatch(r -> r.dst().prefixLength() == 0 && Ips.isV4(r.dst().address()) == v4);
                if (!present) out.add(CniResult.RouteEntry.of(IpPrefix.parse(v4 ? "0.0.0.0/0" : "::/0"), ip.gateway()));
            }
        }
        return List.copyOf(out);
    }

    private static Route kernelRoute(CniResult.RouteEntry r, CniResult ipamResult, int oif) {
        InetAddress gw = r.gw();
        if (gw == null) {
            // The spec: an unset gw may use the gateway of an ips entry (of the same family).
            gw = ipamResult.ips().stream().filter(ip -> ip.gateway() != null
                            && Ips.isV4(ip.gateway()) == Ips.isV4(r.dst().address()))
                    .map(CniResult.IpConfig::gateway).findFirst().orElse(null);
        }
        IpPrefix dst = r.dst().prefixLength() == 0 ? null : r.dst();
        Route route = gw == null ? Route.dev(r.dst(), oif) : Route.via(dst, gw, oif);
        if (r.mtu() > 0) route = route.withMtu(r.mtu());
        if (r.priority() > 0) route = route.withPriority(r.priority());
        if (r.table() != null) route = route.withTable(r.table());
        if (r.scope() != null) route = route.withScope(r.scope());
        return route;
    }

    /**
     * Puts each IPAM gateway (with its subnet's prefix length) on the bridge and enables forwarding. An address of the
     * same family already on the bridge that is not one of this result's gateways is a conflict (the classic "cni0
     * keeps the old subnet"): an error naming both, unless forceAddress, which replaces it.
     */
    private void configureGateway(RtNetlink onHost, Link bridge, CniResult ipamResult) {
        List<IpPrefix> gateways = new ArrayList<>();
        for (CniResult.IpConfig ip : ipamResult.ips()) {
            if (ip.gateway() != null) gateways.add(new IpPrefix(ip.gateway(), ip.address().prefixLength()));
        }
        List<IfAddress> present = onHost.addresses(0, bridge.index());
        for (IfAddress a : present) {
            InetAddress addr = a.prefix().address();
            if (addr.isLinkLocalAddress() || gateways.contains(a.prefix())) continue;
            if (gateways.stream().noneMatch(g -> Ips.isV4(g.address()) == Ips.isV4(addr))) continue;
            if (!conf.forceAddress()) {
                throw new CniException(CniException.INVALID_CONFIG, "bridge has a different address",
                        conf.bridge() + " has " + a.prefix() + ", expected gateway(s) " + gateways
                                + " (set forceAddress to replace it)");
            }
            onHost.deleteAddress(bridge.index(), a.prefix());
        }
        for (IpPrefix g : gateways) {
            if (present.stream().anyMatch(a -> a.prefix().equals(g))) continue;
            try {
                onHost.addAddress(bridge.index(), g);
            } catch (NetlinkException e) {
                if (!e.is(Errno.EEXIST)) throw e; // a concurrent ADD added it first
            }
        }
        if (gateways.stream().anyMatch(g -> Ips.isV4(g.address()))) enable("net.ipv4.ip_forward");
        if (gateways.stream().anyMatch(g -> !Ips.isV4(g.address()))) enable("net.ipv6.conf.all.forwarding");
    }

    private static void enable(String sysctl) {
        if (!"1".equals(Sysctl.read(sysctl))) Sysctl.write(sysctl, "1");
    }

    /** With a prevResult (chained), our interfaces/ips/routes are appended to it, as the spec asks. */
    private CniResult merge(CniResult ours) {
        CniResult prev = conf.prevResult();
        if (prev == null) return ours;
        int offset = prev.interfaces().size();
        List<CniResult.Iface> ifaces = new ArrayList<>(prev.interfaces());
        ifaces.addAll(ours.interfaces());
        List<CniResult.IpConfig> ips = new ArrayList<>(prev.ips());
        for (CniResult.IpConfig ip : ours.ips()) {
            ips.add(new CniResult.IpConfig(ip.address(), ip.gateway(), ip.interfaceIndex() + offset));
        }
        List<CniResult.RouteEntry> routes = new ArrayList<>(prev.routes());
        routes.addAll(ours.routes());
        return new CniResult(List.copyOf(ifaces), List.copyOf(ips), List.copyOf(routes),
                ours.dns().isEmpty() ? prev.dns() : ours.dns());
    }

    private void rollback(Deque<Runnable> undo) {
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (RuntimeException e) {
                log.println("nodenet: rollback step failed (continuing): " + e.getMessage());
            }
        }
    }

    // ================================================================================================================
    // DEL
    // ================================================================================================================

    void del() {
        if (!env.netns().isEmpty()) Container.notOwn(env); // refuse before releasing anything
        List<CniException> errors = new ArrayList<>();
        try {
            ipam().del(env);
        } catch (RuntimeException e) {
            errors.add(asCni(e, "DEL (IPAM)"));
        }
        if (!env.netns().isEmpty()) {
            // A missing or already-destroyed namespace means the container side is gone: success.
            try (Container c = Container.openIfPresent(env)) {
                if (c != null) deleteLinkIfPresent(c.rt, env.ifname());
            } catch (CniException e) {
                errors.add(e);
            } catch (RuntimeException e) {
                errors.add(asCni(e, "DEL (container interface)"));
            }
        }
        try (RtNetlink onHost = RtNetlink.open()) {
            deleteLinkIfPresent(onHost, hostVethName(env.containerId(), env.ifname()));
        } catch (RuntimeException e) {
            errors.add(asCni(e, "DEL (host interface)"));
        }
        if (conf.ipMasq()) {
            try {
                new Masquerade(conf.name()).remove(env.containerId(), hasV4(), hasV6());
            } catch (RuntimeException e) {
                errors.add(asCni(e, "DEL (masquerade)"));
            }
        }
        throwFirst(errors);
    }

    private static void deleteLinkIfPresent(RtNetlink rt, String name) {
        try {
            rt.deleteLink(name);
        } catch (NetlinkException e) {
            if (!e.is(Errno.ENODEV)) throw e;
        }
    }

    private void throwFirst(List<CniException> errors) {
        if (errors.isEmpty()) return;
        for (int k = 1; k < errors.size(); k++) log.println("nodenet: also failed: " + errors.get(k).getMessage());
        throw errors.getFirst();
    }

    // ================================================================================================================
    // CHECK
    // ================================================================================================================

    void check() {
        CniResult prev = conf.prevResult();
        if (prev == null) {
            throw new CniException(CniException.INVALID_CONFIG, "CHECK needs prevResult", "no prevResult in the config");
        }
        Ipam ipam = ipam();
        try (Container c = Container.open(env, CniException.UNKNOWN_CONTAINER);
             RtNetlink onHost = RtNetlink.open()) {
            int idx = -1;
            for (int k = 0; k < prev.interfaces().size(); k++) {
                CniResult.Iface f = prev.interfaces().get(k);
                if (f.name().equals(env.ifname()) && env.netns().equals(f.sandbox())) idx = k;
            }
            if (idx < 0) {
                throw checkFailed("prevResult lists no interface " + env.ifname() + " in sandbox " + env.netns());
            }
            CniResult.Iface expected = prev.interfaces().get(idx);
            Link link = c.rt.findLink(env.ifname())
                    .orElseThrow(() -> checkFailed("interface " + env.ifname() + " is missing in " + env.netns()));
            if (expected.mac() != null && !expected.mac().equalsIgnoreCase(mac(link))) {
                throw checkFailed(env.ifname() + " has MAC " + mac(link) + ", prevResult says " + expected.mac());
            }
            if (!link.isUp()) throw checkFailed(env.ifname() + " is down");
            List<IfAddress> addrs = c.rt.addresses(0, link.index());
            List<IpPrefix> ours = new ArrayList<>();
            for (CniResult.IpConfig ip : prev.ips()) {
                if (ip.interfaceIndex() == null || ip.interfaceIndex() != idx) continue;
                ours.add(ip.address());
                if (addrs.stream().noneMatch(a -> a.prefix().equals(ip.address()))) {
                    throw checkFailed("address " + ip.address() + " is missing on " + env.ifname());
                }
            }
            List<Route> kernel = new ArrayList<>(c.rt.routes(2));
            kernel.addAll(c.rt.routes(10));
            for (CniResult.RouteEntry r : prev.routes()) {
                IpPrefix dst = r.dst().prefixLength() == 0 ? null : r.dst().network();
                boolean found = kernel.stream().anyMatch(k -> Ips.isV4(r.dst().address()) == (k.family() == 2)
                        && java.util.Objects.equals(k.destination() == null ? null : k.destination().network(), dst)
                        && (r.gw() == null || r.gw().equals(k.gateway())));
                if (!found) throw checkFailed("route " + r.dst() + (r.gw() == null ? "" : " via " + Ips.text(r.gw()))
                        + " is missing in " + env.netns());
            }
            String hostName = hostVethName(env.containerId(), env.ifname());
            Link hostLink = onHost.findLink(hostName)
                    .orElseThrow(() -> checkFailed("host interface " + hostName + " is missing"));
            Link bridge = onHost.findLink(conf.bridge())
                    .orElseThrow(() -> checkFailed("bridge " + conf.bridge() + " is missing"));
            if (hostLink.masterIndex() != bridge.index()) {
                throw checkFailed("host interface " + hostName + " is not attached to " + conf.bridge());
            }
            ipam.check(env, prev);
            if (conf.ipMasq() && !new Masquerade(conf.name()).exists(env.containerId(), ours)) {
                throw checkFailed("masquerade chain " + Masquerade.chainName(conf.name(), env.containerId())
                        + " is missing");
            }
        } catch (RuntimeException e) {
            throw asCni(e, "CHECK");
        }
    }

    private static CniException checkFailed(String details) {
        return new CniException(CniException.CHECK_FAILED, "CHECK failed", details);
    }

    // ================================================================================================================
    // GC and STATUS
    // ================================================================================================================

    void gc() {
        Set<NetConf.Attachment> valid = Set.copyOf(conf.validAttachments());
        List<CniException> errors = new ArrayList<>();
        List<NetConf.Attachment> released = List.of();
        try {
            released = ipam().gc(env, valid);
        } catch (RuntimeException e) {
            errors.add(asCni(e, "GC (IPAM)"));
        }
        // The container namespaces may be gone (then so are the veths); a host end can outlive them only when the
        // namespace is still held somewhere, so remove the host ends of the released attachments explicitly.
        try (RtNetlink onHost = RtNetlink.open()) {
            for (NetConf.Attachment a : released) {
                deleteLinkIfPresent(onHost, hostVethName(a.containerId(), a.ifname()));
            }
        } catch (RuntimeException e) {
            errors.add(asCni(e, "GC (host interfaces)"));
        }
        try {
            Set<String> ids = new HashSet<>();
            for (NetConf.Attachment a : valid) ids.add(a.containerId());
            new Masquerade(conf.name()).gc(ids);
        } catch (RuntimeException e) {
            errors.add(asCni(e, "GC (masquerade)"));
        }
        throwFirst(errors);
    }

    void status() {
        Ipam ipam;
        try {
            ipam = ipam();
        } catch (CniException e) {
            throw new CniException(CniException.NOT_AVAILABLE, "IPAM plugin unavailable", e.getMessage());
        }
        ipam.status(env);
        try (RtNetlink onHost = RtNetlink.open()) {
            Optional<Link> br = onHost.findLink(conf.bridge());
            if (br.isPresent() && !"bridge".equals(br.get().kind())) {
                throw new CniException(CniException.NOT_AVAILABLE, "bridge name is taken by another device",
                        conf.bridge() + " is a " + br.get().kind());
            }
        }
    }

    // ================================================================================================================

    private static String mac(Link l) {
        return l.mac() == null ? null : l.mac().toString();
    }

    static CniException asCni(RuntimeException e, String what) {
        if (e instanceof CniException c) return c;
        return new CniException(CniException.INTERNAL, what + " failed", String.valueOf(e.getMessage()), e);
    }

    /** CNI_NETNS opened, checked to be a namespace other than the caller's, with a netlink socket inside it. */
    private static final class Container implements AutoCloseable {
        final NetNs ns;
        final RtNetlink rt;

        private Container(NetNs ns, RtNetlink rt) {
            this.ns = ns;
            this.rt = rt;
        }

        /** Failures to open or enter CNI_NETNS are {@code failCode} errors naming CNI_NETNS. */
        static Container open(CniEnv env, int failCode) {
            Path path = notOwn(env);
            NetNs ns;
            try {
                ns = NetNs.open(path);
            } catch (NetlinkException e) {
                throw new CniException(failCode, "cannot open CNI_NETNS", env.netns() + ": " + e.getMessage());
            }
            try {
                return new Container(ns, RtNetlink.open(ns));
            } catch (RuntimeException e) {
                ns.close();
                throw new CniException(failCode, "CNI_NETNS is not a usable network namespace",
                        env.netns() + ": " + e.getMessage());
            }
        }

        /** For DEL: null when CNI_NETNS no longer exists or is no namespace (the container side is gone). */
        static Container openIfPresent(CniEnv env) {
            Path path = notOwn(env);
            NetNs ns;
            try {
                ns = NetNs.open(path);
            } catch (NetlinkException e) {
                return null;
            }
            try {
                return new Container(ns, RtNetlink.open(ns));
            } catch (NetlinkException e) {
                ns.close();
                return null;
            }
        }

        /** Refuses CNI_NETNS naming the caller's own namespace: the "container" side would be the host. */
        static Path notOwn(CniEnv env) {
            Path path = Path.of(env.netns());
            if (sameInode(path, Path.of("/proc/thread-self/ns/net"))) {
                throw new CniException(CniException.INVALID_ENV, "CNI_NETNS is the plugin's own network namespace",
                        env.netns());
            }
            return path;
        }

        private static boolean sameInode(Path a, Path b) {
            try {
                return Files.getAttribute(a, "unix:ino").equals(Files.getAttribute(b, "unix:ino"))
                        && Files.getAttribute(a, "unix:dev").equals(Files.getAttribute(b, "unix:dev"));
            } catch (IOException | RuntimeException e) {
                return false; // unreadable: the open below reports it
            }
        }

        @Override
        public void close() {
            rt.close();
            ns.close();
        }
    }
}
