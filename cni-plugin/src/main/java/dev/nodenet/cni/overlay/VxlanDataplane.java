package dev.nodenet.cni.overlay;

import dev.nodenet.netlink.FdbEntry;
import dev.nodenet.netlink.IfAddress;
import dev.nodenet.netlink.IpPrefix;
import dev.nodenet.netlink.Link;
import dev.nodenet.netlink.MacAddress;
import dev.nodenet.netlink.Neighbour;
import dev.nodenet.netlink.NetlinkException;
import dev.nodenet.netlink.Route;
import dev.nodenet.netlink.RtNetlink;
import dev.nodenet.netlink.VxlanConfig;

import java.net.InetAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The kernel side of the overlay: one VXLAN device and, per peer, flannel's three entries in flannel's order —
 * permanent neighbour (peer gateway → peer VTEP MAC), FDB entry (VTEP MAC → peer underlay IP), and the route to the
 * peer's pod subnet via its gateway, onlink, last (so nothing is routed before it can be encapsulated).
 * Every call compares with what the kernel has and changes only the difference, so it doubles as a repair pass:
 * a deleted device or entry comes back on the next {@link #sync}.
 *
 * <p>Not thread-safe: the agent's single reconcile thread owns it. All netlink traffic goes through one socket opened
 * in the node's network namespace.
 */
final class VxlanDataplane {
    private static final int AF_INET = 2;
    private static final int VXLAN_OVERHEAD_BYTES = 50;

    private final RtNetlink nl;
    private final OverlayConfig config;

    VxlanDataplane(RtNetlink nl, OverlayConfig config) {
        this.nl = nl;
        this.config = config;
    }

    /** The underlay link carrying {@code publicIp}. */
    Link underlay(InetAddress publicIp) {
        for (IfAddress a : nl.addresses(AF_INET)) {
            if (a.prefix().address().equals(publicIp)) return nl.link(a.ifIndex());
        }
        throw new IllegalStateException("no interface holds the node address " + publicIp.getHostAddress());
    }

    /** The address the default route leaves from, for nodes that do not name their public IP. */
    InetAddress defaultRouteSource() {
        for (Route r : nl.routes(AF_INET)) {
            if (r.destination() != null && r.destination().prefixLength() != 0) continue;
            if (r.table() != Route.TABLE_MAIN) continue;
            for (IfAddress a : nl.addresses(AF_INET, r.oifIndex())) return a.prefix().address();
        }
        throw new IllegalStateException("no default route to take the node address from; set the node's public IP");
    }

    /**
     * Creates or repairs the VXLAN device: VNI, port, local address and parent as configured, learning off, MTU =
     * underlay − 50, the given MAC, address = subnet .0/32, up. A device with other VXLAN settings is recreated.
     */
    Link ensureDevice(Link underlay, InetAddress local, MacAddress mac, IpPrefix podCidr) {
        int mtu = underlay.mtuBytes() - VXLAN_OVERHEAD_BYTES;
        VxlanConfig want = new VxlanConfig(config.vni(), underlay.index(), local, config.vxlanPort(), false);
        Link dev = nl.findLink(config.vxlanDevice()).orElse(null);
        if (dev != null && (!"vxlan".equals(dev.kind()) || !sameVxlan(dev.vxlan(), want))) {
            nl.deleteLink(dev.index());
            dev = null;
        }
        if (dev == null) {
            nl.createVxlan(config.vxlanDevice(), want, mtu);
            dev = nl.link(config.vxlanDevice());
        }
        if (!mac.equals(dev.mac())) nl.setMac(dev.index(), mac);
        if (dev.mtuBytes() != mtu) nl.setMtu(dev.index(), mtu);
        IpPrefix address = new IpPrefix(podCidr.network().address(), 32);
        boolean hasAddress = false;
        for (IfAddress a : nl.addresses(AF_INET, dev.index())) {
            if (a.prefix().equals(address)) hasAddress = true;
            else nl.deleteAddress(dev.index(), a.prefix()); // a stale subnet from an earlier podCIDR
        }
        if (!hasAddress) nl.addAddress(dev.index(), address);
        if (!dev.isUp()) nl.setUp(dev.index());
        return nl.link(dev.index());
    }

    private static boolean sameVxlan(VxlanConfig have, VxlanConfig want) {
        return have != null && have.vni() == want.vni() && have.dstPort() == want.dstPort() && have.learning() == want.learning()
                && Objects.equals(have.local(), want.local()) && have.parentIndex() == want.parentIndex();
    }

    /** Makes the per-peer entries on {@code dev} exactly those of {@code peers}: adds what is missing, removes the rest. */
    void sync(Link dev, Collection<Peer> peers) {
        int idx = dev.index();
        Map<InetAddress, Peer> byGateway = new HashMap<>();
        for (Peer p : peers) byGateway.put(p.gateway(), p);

        // Remove first what no longer belongs: routes, then FDB and neighbours (reverse of the add order).
        Set<IpPrefix> wantRoutes = new HashSet<>();
        for (Peer p : peers) wantRoutes.add(p.podCidr());
        for (Route r : nl.routes(AF_INET)) {
            if (r.oifIndex() != idx || r.table() != Route.TABLE_MAIN || r.destination() == null || r.gateway() == null) continue;
            Peer p = byGateway.get(r.gateway());
            if (p == null || !p.podCidr().equals(r.destination())) quietly(() -> nl.deleteRoute(r));
        }
        Map<MacAddress, InetAddress> wantFdb = new HashMap<>();
        for (Peer p : peers) wantFdb.put(p.vtepMac(), p.publicIp());
        Set<String> haveFdb = new HashSet<>();
        for (FdbEntry e : nl.fdb(idx)) {
            if (e.destination() == null) continue;
            if (e.destination().equals(wantFdb.get(e.mac()))) haveFdb.add(e.mac() + "@" + e.destination().getHostAddress());
            else quietly(() -> nl.deleteFdb(idx, e.mac(), e.destination()));
        }
        Map<InetAddress, MacAddress> haveNeigh = new HashMap<>();
        for (Neighbour n : nl.neighbours(AF_INET)) {
            if (n.ifIndex() != idx || n.address() == null) continue;
            Peer p = byGateway.get(n.address());
            if (p == null) quietly(() -> nl.deleteNeighbour(idx, n.address()));
            else if (n.state() == Neighbour.NUD_PERMANENT && p.vtepMac().equals(n.mac())) haveNeigh.put(n.address(), n.mac());
        }

        // Then add in flannel's order: neighbour, FDB, route last.
        Set<IpPrefix> haveRoutes = new HashSet<>();
        for (Route r : nl.routes(AF_INET)) if (r.oifIndex() == idx && r.destination() != null) haveRoutes.add(r.destination());
        for (Peer p : peers) {
            if (!haveNeigh.containsKey(p.gateway())) nl.replaceNeighbour(Neighbour.permanent(idx, p.gateway(), p.vtepMac()));
            if (!haveFdb.contains(p.vtepMac() + "@" + p.publicIp().getHostAddress())) nl.replaceFdb(idx, p.vtepMac(), p.publicIp());
            if (!haveRoutes.contains(p.podCidr())) nl.replaceRoute(Route.via(p.podCidr(), p.gateway(), idx).withOnLink(true));
        }
    }

    /** Removes the device (and with it every entry on it); for agent clean-up. */
    void deleteDevice() {
        nl.findLink(config.vxlanDevice()).ifPresent(l -> nl.deleteLink(l.index()));
    }

    /** Deletions race with the kernel's own ageing and with a peer vanishing twice: a missing entry is fine. */
    private static void quietly(Runnable r) {
        try {
            r.run();
        } catch (NetlinkException e) {
            if (!e.is(2) && !e.is(3)) throw e; // ENOENT, ESRCH: already gone
        }
    }

    static List<Peer> withoutSelf(Collection<Peer> all, String self) {
        return all.stream().filter(p -> !p.name().equals(self)).toList();
    }
}
