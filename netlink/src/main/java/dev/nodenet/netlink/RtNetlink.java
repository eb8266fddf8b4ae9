package dev.nodenet.netlink;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * rtnetlink (NETLINK_ROUTE) operations on links, addresses, routes, neighbours and bridge FDB entries of ONE network
 * namespace: the one its socket was created in ({@link #open()} = caller's, {@link #open(NetNs)} = another). Requests
 * mirror what iproute2 sends for the equivalent {@code ip}/{@code bridge} command; failures throw
 * {@link NetlinkException} naming the message and object, e.g. {@code "RTM_NEWLINK veth0: EEXIST (17) File exists"}.
 *
 * <p>Threading: thread-safe via the underlying {@link NetlinkSocket} (one exchange at a time); meant to be owned by one
 * component (the CNI command, the overlay agent's single writer). Any thread type may call, including virtual threads:
 * no call here changes the calling thread's namespace.
 */
public final class RtNetlink implements AutoCloseable {
    static final int RTM_NEWLINK = 16, RTM_DELLINK = 17, RTM_GETLINK = 18, RTM_SETLINK = 19,
            RTM_NEWADDR = 20, RTM_DELADDR = 21, RTM_GETADDR = 22,
            RTM_NEWROUTE = 24, RTM_DELROUTE = 25, RTM_GETROUTE = 26,
            RTM_NEWNEIGH = 28, RTM_DELNEIGH = 29, RTM_GETNEIGH = 30;
    static final int IFLA_ADDRESS = 1, IFLA_IFNAME = 3, IFLA_MTU = 4, IFLA_LINK = 5, IFLA_MASTER = 10,
            IFLA_PROTINFO = 12, IFLA_OPERSTATE = 16, IFLA_LINKINFO = 18, IFLA_NET_NS_FD = 28;
    static final int IFLA_INFO_KIND = 1, IFLA_INFO_DATA = 2, IFLA_INFO_SLAVE_KIND = 4;
    static final int VETH_INFO_PEER = 1;
    static final int IFLA_VXLAN_ID = 1, IFLA_VXLAN_LINK = 3, IFLA_VXLAN_LOCAL = 4, IFLA_VXLAN_LEARNING = 7,
            IFLA_VXLAN_PORT = 15, IFLA_VXLAN_LOCAL6 = 17;
    static final int IFLA_BRPORT_MODE = 4;
    static final int IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_LABEL = 3, IFA_FLAGS = 8;
    static final int RTA_DST = 1, RTA_OIF = 4, RTA_GATEWAY = 5, RTA_PRIORITY = 6, RTA_PREFSRC = 7, RTA_METRICS = 8,
            RTA_TABLE = 15;
    static final int RTAX_MTU = 2;
    static final int NDA_DST = 1, NDA_LLADDR = 2, NDA_MASTER = 9;
    static final int IFINFOMSG_BYTES = 16, IFADDRMSG_BYTES = 8, RTMSG_BYTES = 12, NDMSG_BYTES = 12;

    private final NetlinkSocket socket;
    private final boolean ownsSocket;

    /** Wraps an existing NETLINK_ROUTE socket; {@link #close()} leaves it open. */
    public RtNetlink(NetlinkSocket socket) {
        if (socket.protocol() != Netlink.NETLINK_ROUTE) throw new IllegalArgumentException("not a NETLINK_ROUTE socket");
        this.socket = socket;
        this.ownsSocket = false;
    }

    private RtNetlink(NetlinkSocket socket, boolean owns) {
        this.socket = socket;
        this.ownsSocket = owns;
    }

    /** rtnetlink for the calling thread's namespace. */
    public static RtNetlink open() {
        return new RtNetlink(NetlinkSocket.open(Netlink.NETLINK_ROUTE), true);
    }

    /** rtnetlink for {@code ns}: the socket is created inside it once and then used from any thread. */
    public static RtNetlink open(NetNs ns) {
        return new RtNetlink(NetlinkSocket.open(Netlink.NETLINK_ROUTE, ns), true);
    }

    public NetlinkSocket socket() {
        return socket;
    }

    @Override
    public void close() {
        if (ownsSocket) socket.close();
    }

    // ================================================================================================================
    // Links
    // ================================================================================================================

    static NetlinkMessageBuilder ifinfomsg(int type, int flags, int family, int index, int ifiFlags, int ifiChange) {
        return new NetlinkMessageBuilder(type, flags).u8(family).u8(0).u16(0).u32(index).u32(ifiFlags).u32(ifiChange);
    }

    /** All links (RTM_GETLINK dump). */
    public List<Link> links() {
        List<Link> out = new ArrayList<>();
        for (NetlinkMessage m : socket.dump(ifinfomsg(RTM_GETLINK, 0, Libc.AF_UNSPEC, 0, 0, 0), "RTM_GETLINK dump")) {
            if (m.type() == RTM_NEWLINK) out.add(parseLink(m));
        }
        return out;
    }

    /** The link called {@code name}; throws {@link NetlinkException} ENODEV if there is none. */
    public Link link(String name) {
        NetlinkMessageBuilder b = ifinfomsg(RTM_GETLINK, 0, Libc.AF_UNSPEC, 0, 0, 0).attrString(IFLA_IFNAME, name);
        return single(socket.request(b, "RTM_GETLINK " + name), "RTM_GETLINK " + name);
    }

    /** The link with index {@code ifIndex}; throws ENODEV if there is none. */
    public Link link(int ifIndex) {
        String what = "RTM_GETLINK ifindex " + ifIndex;
        return single(socket.request(ifinfomsg(RTM_GETLINK, 0, Libc.AF_UNSPEC, ifIndex, 0, 0), what), what);
    }

    /** The link called {@code name}, or empty if it does not exist (ENODEV). */
    public Optional<Link> findLink(String name) {
        try {
            return Optional.of(link(name));
        } catch (NetlinkException e) {
            if (e.is(Errno.ENODEV)) return Optional.empty();
            throw e;
        }
    }

    /** Index of the link called {@code name}; throws ENODEV if absent. */
    public int linkIndex(String name) {
        return link(name).index();
    }

    private static Link single(List<NetlinkMessage> replies, String what) {
        for (NetlinkMessage m : replies) if (m.type() == RTM_NEWLINK) return parseLink(m);
        throw new NetlinkException(what, "no RTM_NEWLINK in reply", null);
    }

    static Link parseLink(NetlinkMessage m) {
        int index = m.u32(4);
        int flags = m.u32(8);
        NetlinkAttributes a = m.attributes(IFINFOMSG_BYTES);
        byte[] mac = a.bytes(IFLA_ADDRESS);
        NetlinkAttributes info = a.nested(IFLA_LINKINFO);
        String kind = info.string(IFLA_INFO_KIND);
        VxlanConfig vxlan = null;
        if ("vxlan".equals(kind)) {
            NetlinkAttributes d = info.nested(IFLA_INFO_DATA);
            InetAddress local = d.address(IFLA_VXLAN_LOCAL);
            if (local == null) local = d.address(IFLA_VXLAN_LOCAL6);
            vxlan = new VxlanConfig(d.u32(IFLA_VXLAN_ID, 0), d.u32(IFLA_VXLAN_LINK, 0), local,
                    d.be16(IFLA_VXLAN_PORT, 0), d.u8(IFLA_VXLAN_LEARNING, 0) != 0);
        }
        return new Link(index, a.string(IFLA_IFNAME), kind, flags, a.u32(IFLA_MTU, 0),
                mac != null && mac.length == 6 ? MacAddress.of(mac) : null, a.u32(IFLA_MASTER, 0),
                a.u32(IFLA_LINK, 0), a.u8(IFLA_OPERSTATE, 0), info.string(IFLA_INFO_SLAVE_KIND), vxlan);
    }

    private static final int CREATE = Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL;

    /**
     * Creates a veth pair {@code name} ⇄ {@code peerName} in this namespace; the peer is created directly in
     * {@code peerNs} (IFLA_NET_NS_FD) unless that is null. The CNI pattern: open RtNetlink in the container namespace,
     * create {@code eth0} there with the host-side peer placed into the host namespace. Both ends start down.
     *
     * @param mtuBytes MTU for both ends, 0 for the kernel default
     */
    public void createVeth(String name, String peerName, NetNs peerNs, int mtuBytes) {
        NetlinkMessageBuilder b = ifinfomsg(RTM_NEWLINK, CREATE, Libc.AF_UNSPEC, 0, 0, 0).attrString(IFLA_IFNAME, name);
        if (mtuBytes > 0) b.attrU32(IFLA_MTU, mtuBytes);
        b.beginNested(IFLA_LINKINFO).attrString(IFLA_INFO_KIND, "veth").beginNested(IFLA_INFO_DATA);
        // VETH_INFO_PEER is not an NLA_NESTED policy: it holds a struct ifinfomsg and then IFLA_* attributes.
        b.beginContainer(VETH_INFO_PEER).u8(Libc.AF_UNSPEC).u8(0).u16(0).u32(0).u32(0).u32(0)
                .attrString(IFLA_IFNAME, peerName);
        if (mtuBytes > 0) b.attrU32(IFLA_MTU, mtuBytes);
        if (peerNs != null) b.attrU32(IFLA_NET_NS_FD, peerNs.fd());
        b.endNested().endNested().endNested();
        socket.request(b, "RTM_NEWLINK " + name + " (veth peer " + peerName + ")");
    }

    /** Creates a veth pair with both ends in this namespace and the default MTU. */
    public void createVeth(String name, String peerName) {
        createVeth(name, peerName, null, 0);
    }

    /** Creates a bridge (kind "bridge"), down. */
    public void createBridge(String name) {
        createSimple(name, "bridge");
    }

    /** Creates a dummy device. Not every kernel has it (this project's build machine lacks it: EOPNOTSUPP). */
    public void createDummy(String name) {
        createSimple(name, "dummy");
    }

    private void createSimple(String name, String kind) {
        NetlinkMessageBuilder b = ifinfomsg(RTM_NEWLINK, CREATE, Libc.AF_UNSPEC, 0, 0, 0).attrString(IFLA_IFNAME, name)
                .beginNested(IFLA_LINKINFO).attrString(IFLA_INFO_KIND, kind).endNested();
        socket.request(b, "RTM_NEWLINK " + name + " (" + kind + ")");
    }

    /** Creates a vxlan device (down); MTU 0 leaves the kernel default (underlay MTU − 50). */
    public void createVxlan(String name, VxlanConfig config, int mtuBytes) {
        NetlinkMessageBuilder b = ifinfomsg(RTM_NEWLINK, CREATE, Libc.AF_UNSPEC, 0, 0, 0).attrString(IFLA_IFNAME, name);
        if (mtuBytes > 0) b.attrU32(IFLA_MTU, mtuBytes);
        b.beginNested(IFLA_LINKINFO).attrString(IFLA_INFO_KIND, "vxlan").beginNested(IFLA_INFO_DATA)
                .attrU32(IFLA_VXLAN_ID, config.vni());
        if (config.parentIndex() > 0) b.attrU32(IFLA_VXLAN_LINK, config.parentIndex());
        if (config.local() != null) {
            b.attrAddress(IpPrefix.familyOf(config.local()) == Libc.AF_INET ? IFLA_VXLAN_LOCAL : IFLA_VXLAN_LOCAL6,
                    config.local());
        }
        b.attrU8(IFLA_VXLAN_LEARNING, config.learning() ? 1 : 0);
        if (config.dstPort() > 0) b.attrBe16(IFLA_VXLAN_PORT, config.dstPort());
        b.endNested().endNested();
        socket.request(b, "RTM_NEWLINK " + name + " (vxlan " + config.vni() + ")");
    }

    private void changeLink(int ifIndex, int ifiFlags, int ifiChange, String what, AttributeWriter attrs) {
        NetlinkMessageBuilder b = ifinfomsg(RTM_NEWLINK, 0, Libc.AF_UNSPEC, ifIndex, ifiFlags, ifiChange);
        if (attrs != null) attrs.write(b);
        socket.request(b, "RTM_NEWLINK ifindex " + ifIndex + " " + what);
    }

    private interface AttributeWriter {
        void write(NetlinkMessageBuilder b);
    }

    /** {@code ip link set dev X up}. */
    public void setUp(int ifIndex) {
        changeLink(ifIndex, Link.IFF_UP, Link.IFF_UP, "up", null);
    }

    /** {@code ip link set dev X down}. */
    public void setDown(int ifIndex) {
        changeLink(ifIndex, 0, Link.IFF_UP, "down", null);
    }

    /** {@code ip link set dev X promisc on|off}. */
    public void setPromisc(int ifIndex, boolean on) {
        changeLink(ifIndex, on ? Link.IFF_PROMISC : 0, Link.IFF_PROMISC, "promisc " + (on ? "on" : "off"), null);
    }

    public void setMtu(int ifIndex, int mtuBytes) {
        changeLink(ifIndex, 0, 0, "mtu " + mtuBytes, b -> b.attrU32(IFLA_MTU, mtuBytes));
    }

    public void setMac(int ifIndex, MacAddress mac) {
        changeLink(ifIndex, 0, 0, "address " + mac, b -> b.attrBytes(IFLA_ADDRESS, mac.bytes()));
    }

    /** Attaches the link to a bridge ({@code ip link set dev X master BR}); {@code masterIndex} 0 detaches it. */
    public void setMaster(int ifIndex, int masterIndex) {
        changeLink(ifIndex, 0, 0, masterIndex == 0 ? "nomaster" : "master " + masterIndex,
                b -> b.attrU32(IFLA_MASTER, masterIndex));
    }

    /** Renames a (down) link. */
    public void rename(int ifIndex, String newName) {
        changeLink(ifIndex, 0, 0, "name " + newName, b -> b.attrString(IFLA_IFNAME, newName));
    }

    /**
     * Moves the link into {@code target} (IFLA_NET_NS_FD). Afterwards it is gone from this namespace; its index in the
     * target may differ — look it up there by name.
     */
    public void moveLink(int ifIndex, NetNs target) {
        changeLink(ifIndex, 0, 0, "netns " + target.path(), b -> b.attrU32(IFLA_NET_NS_FD, target.fd()));
    }

    /**
     * Sets hairpin mode on a bridge port, as {@code bridge link set dev X hairpin on} does: RTM_SETLINK, family
     * AF_BRIDGE, IFLA_PROTINFO with NLA_F_NESTED (the kernel's br_setlink treats a non-nested IFLA_PROTINFO as the old
     * single-byte port state) holding IFLA_BRPORT_MODE. The link must already be attached to a bridge (else EINVAL/
     * EOPNOTSUPP).
     */
    public void setHairpin(int ifIndex, boolean on) {
        NetlinkMessageBuilder b = ifinfomsg(RTM_SETLINK, 0, Libc.AF_BRIDGE, ifIndex, 0, 0)
                .beginNested(IFLA_PROTINFO).attrU8(IFLA_BRPORT_MODE, on ? 1 : 0).endNested();
        socket.request(b, "RTM_SETLINK ifindex " + ifIndex + " hairpin " + (on ? "on" : "off"));
    }

    /** Deletes the link (a veth takes its peer with it). ENODEV if absent. */
    public void deleteLink(int ifIndex) {
        socket.request(ifinfomsg(RTM_DELLINK, 0, Libc.AF_UNSPEC, ifIndex, 0, 0), "RTM_DELLINK ifindex " + ifIndex);
    }

    /** Deletes the link by name. ENODEV if absent. */
    public void deleteLink(String name) {
        socket.request(ifinfomsg(RTM_DELLINK, 0, Libc.AF_UNSPEC, 0, 0, 0).attrString(IFLA_IFNAME, name),
                "RTM_DELLINK " + name);
    }

    // ================================================================================================================
    // Addresses
    // ================================================================================================================

    static NetlinkMessageBuilder addressMessage(int type, int flags, int ifIndex, IpPrefix prefix) {
        return addressMessage(type, flags, ifIndex, prefix, 0);
    }

    static NetlinkMessageBuilder addressMessage(int type, int flags, int ifIndex, IpPrefix prefix, int ifaFlags) {
        InetAddress a = prefix.address();
        int scope = a.isLoopbackAddress() ? Route.SCOPE_HOST : Route.SCOPE_UNIVERSE;
        // Like iproute2: IFA_LOCAL and IFA_ADDRESS both carry the address when no peer is given; flags beyond the
        // 8-bit ifa_flags field go in IFA_FLAGS.
        NetlinkMessageBuilder b = new NetlinkMessageBuilder(type, flags).u8(prefix.family()).u8(prefix.prefixLength())
                .u8(ifaFlags & 0xff).u8(scope).u32(ifIndex).attrAddress(IFA_LOCAL, a).attrAddress(IFA_ADDRESS, a);
        if ((ifaFlags & ~0xff) != 0) b.attrU32(IFA_FLAGS, ifaFlags);
        return b;
    }

    /** {@code ip addr add PREFIX dev X}; EEXIST if present. */
    public void addAddress(int ifIndex, IpPrefix prefix) {
        addAddress(ifIndex, prefix, 0);
    }

    /**
     * {@code ip addr add PREFIX dev X} with IFA_F_* flags, e.g. {@link IfAddress#IFA_F_NODAD} for a container's IPv6
     * address (skip duplicate address detection, as the CNI bridge plugin does unless enabledad).
     */
    public void addAddress(int ifIndex, IpPrefix prefix, int ifaFlags) {
        socket.request(addressMessage(RTM_NEWADDR, CREATE, ifIndex, prefix, ifaFlags),
                "RTM_NEWADDR " + prefix + " ifindex " + ifIndex);
    }

    /** {@code ip addr del PREFIX dev X}; EADDRNOTAVAIL if absent. */
    public void deleteAddress(int ifIndex, IpPrefix prefix) {
        socket.request(addressMessage(RTM_DELADDR, 0, ifIndex, prefix),
                "RTM_DELADDR " + prefix + " ifindex " + ifIndex);
    }

    /** Addresses of {@code family} (AF_INET 2, AF_INET6 10, 0 = both) on all links. */
    public List<IfAddress> addresses(int family) {
        NetlinkMessageBuilder b = new NetlinkMessageBuilder(RTM_GETADDR, 0).u8(family).u8(0).u8(0).u8(0).u32(0);
        List<IfAddress> out = new ArrayList<>();
        for (NetlinkMessage m : socket.dump(b, "RTM_GETADDR dump")) {
            if (m.type() != RTM_NEWADDR) continue;
            NetlinkAttributes a = m.attributes(IFADDRMSG_BYTES);
            InetAddress addr = a.address(IFA_LOCAL);
            if (addr == null) addr = a.address(IFA_ADDRESS);
            if (addr == null) continue;
            int flags = a.has(IFA_FLAGS) ? a.u32(IFA_FLAGS, 0) : m.u8(2);
            out.add(new IfAddress(m.u32(4), new IpPrefix(addr, m.u8(1)), m.u8(3), flags, a.string(IFA_LABEL)));
        }
        return out;
    }

    /** Addresses on one link. */
    public List<IfAddress> addresses(int family, int ifIndex) {
        return addresses(family).stream().filter(a -> a.ifIndex() == ifIndex).toList();
    }

    // ================================================================================================================
    // Routes
    // ================================================================================================================

    static NetlinkMessageBuilder routeMessage(int type, int flags, Route r) {
        boolean delete = type == RTM_DELROUTE;
        int dstLen = r.destination() == null ? 0 : r.destination().prefixLength();
        // Deleting with scope NOWHERE matches any scope, as iproute2 does.
        int scope = delete && r.scope() < 0 ? Route.SCOPE_NOWHERE : r.effectiveScope();
        NetlinkMessageBuilder b = new NetlinkMessageBuilder(type, flags).u8(r.family()).u8(dstLen).u8(0).u8(0)
                .u8(r.table() < 256 ? r.table() : Route.TABLE_UNSPEC).u8(delete ? 0 : r.protocol()).u8(scope)
                .u8(r.type()).u32(r.onLink() ? Route.RTNH_F_ONLINK : 0);
        if (r.destination() != null) b.attrAddress(RTA_DST, r.destination().network().address());
        if (r.gateway() != null) b.attrAddress(RTA_GATEWAY, r.gateway());
        if (r.preferredSource() != null) b.attrAddress(RTA_PREFSRC, r.preferredSource());
        if (r.oifIndex() > 0) b.attrU32(RTA_OIF, r.oifIndex());
        if (r.priority() > 0) b.attrU32(RTA_PRIORITY, r.priority());
        if (r.table() >= 256) b.attrU32(RTA_TABLE, r.table());
        if (r.mtuBytes() > 0) b.beginNested(RTA_METRICS).attrU32(RTAX_MTU, r.mtuBytes()).endNested();
        return b;
    }

    /** {@code ip route add}; EEXIST if an equal route exists. */
    public void addRoute(Route route) {
        socket.request(routeMessage(RTM_NEWROUTE, CREATE, route), "RTM_NEWROUTE " + route);
    }

    /** {@code ip route replace}: creates or overwrites the route to the same destination/table/priority. */
    public void replaceRoute(Route route) {
        socket.request(routeMessage(RTM_NEWROUTE, Netlink.NLM_F_CREATE | Netlink.NLM_F_REPLACE, route),
                "RTM_NEWROUTE(replace) " + route);
    }

    /** {@code ip route del}; ESRCH if no such route. */
    public void deleteRoute(Route route) {
        socket.request(routeMessage(RTM_DELROUTE, 0, route), "RTM_DELROUTE " + route);
    }

    /** Routes of {@code family} in every table (filter on {@link Route#table()}). */
    public List<Route> routes(int family) {
        NetlinkMessageBuilder b = new NetlinkMessageBuilder(RTM_GETROUTE, 0).u8(family).u8(0).u8(0).u8(0)
                .u8(0).u8(0).u8(0).u8(0).u32(0);
        List<Route> out = new ArrayList<>();
        for (NetlinkMessage m : socket.dump(b, "RTM_GETROUTE dump")) {
            if (m.type() == RTM_NEWROUTE) out.add(parseRoute(m));
        }
        return out;
    }

    static Route parseRoute(NetlinkMessage m) {
        int family = m.u8(0);
        int dstLen = m.u8(1);
        NetlinkAttributes a = m.attributes(RTMSG_BYTES);
        InetAddress dst = a.address(RTA_DST);
        IpPrefix destination = dst == null ? null : new IpPrefix(dst, dstLen);
        int table = a.u32(RTA_TABLE, m.u8(4));
        int flags = m.u32(8);
        return new Route(family, destination, a.address(RTA_GATEWAY), a.u32(RTA_OIF, 0), table, m.u8(6), m.u8(5),
                m.u8(7), (flags & Route.RTNH_F_ONLINK) != 0, a.u32(RTA_PRIORITY, 0),
                a.nested(RTA_METRICS).u32(RTAX_MTU, 0), a.address(RTA_PREFSRC));
    }

    // ================================================================================================================
    // Neighbours and FDB
    // ================================================================================================================

    static NetlinkMessageBuilder ndmsg(int type, int flags, int family, int ifIndex, int state, int ndFlags) {
        return new NetlinkMessageBuilder(type, flags).u8(family).u8(0).u16(0).u32(ifIndex).u16(state).u8(ndFlags).u8(0);
    }

    /** {@code ip neigh add}: EEXIST if an entry for the address exists. */
    public void addNeighbour(Neighbour n) {
        neighbour(CREATE, n, "RTM_NEWNEIGH ");
    }

    /** {@code ip neigh replace}: creates or overwrites. */
    public void replaceNeighbour(Neighbour n) {
        neighbour(Netlink.NLM_F_CREATE | Netlink.NLM_F_REPLACE, n, "RTM_NEWNEIGH(replace) ");
    }

    private void neighbour(int flags, Neighbour n, String what) {
        NetlinkMessageBuilder b = ndmsg(RTM_NEWNEIGH, flags, IpPrefix.familyOf(n.address()), n.ifIndex(), n.state(),
                n.flags()).attrAddress(NDA_DST, n.address());
        if (n.mac() != null) b.attrBytes(NDA_LLADDR, n.mac().bytes());
        socket.request(b, what + IpPrefix.format(n.address()) + " ifindex " + n.ifIndex());
    }

    /** {@code ip neigh del ADDRESS dev X}; ENOENT if absent. */
    public void deleteNeighbour(int ifIndex, InetAddress address) {
        socket.request(ndmsg(RTM_DELNEIGH, 0, IpPrefix.familyOf(address), ifIndex, 0, 0).attrAddress(NDA_DST, address),
                "RTM_DELNEIGH " + IpPrefix.format(address) + " ifindex " + ifIndex);
    }

    /** Neighbours of {@code family} (AF_INET/AF_INET6) on all links. */
    public List<Neighbour> neighbours(int family) {
        List<Neighbour> out = new ArrayList<>();
        for (NetlinkMessage m : socket.dump(ndmsg(RTM_GETNEIGH, 0, family, 0, 0, 0), "RTM_GETNEIGH dump")) {
            if (m.type() != RTM_NEWNEIGH) continue;
            NetlinkAttributes a = m.attributes(NDMSG_BYTES);
            InetAddress dst = a.address(NDA_DST);
            if (dst == null) continue;
            byte[] ll = a.bytes(NDA_LLADDR);
            out.add(new Neighbour(m.u32(4), dst, ll != null && ll.length == 6 ? MacAddress.of(ll) : null, m.u16(8),
                    m.u8(10)));
        }
        return out;
    }

    private NetlinkMessageBuilder fdbMessage(int type, int flags, int ifIndex, MacAddress mac, InetAddress dst) {
        NetlinkMessageBuilder b = ndmsg(type, flags, Libc.AF_BRIDGE, ifIndex, Neighbour.NUD_PERMANENT,
                Neighbour.NTF_SELF).attrBytes(NDA_LLADDR, mac.bytes());
        if (dst != null) b.attrAddress(NDA_DST, dst);
        return b;
    }

    /**
     * {@code bridge fdb append MAC dev VXLAN dst IP self permanent}: adds another destination for {@code mac}
     * (e.g. the all-zero MAC for flooding to several VTEPs).
     */
    public void appendFdb(int ifIndex, MacAddress mac, InetAddress destination) {
        socket.request(fdbMessage(RTM_NEWNEIGH, Netlink.NLM_F_CREATE | Netlink.NLM_F_APPEND, ifIndex, mac, destination),
                "RTM_NEWNEIGH(fdb append) " + mac + " ifindex " + ifIndex);
    }

    /** {@code bridge fdb replace MAC dev VXLAN dst IP self permanent} (flannel's per-peer entry). */
    public void replaceFdb(int ifIndex, MacAddress mac, InetAddress destination) {
        socket.request(fdbMessage(RTM_NEWNEIGH, Netlink.NLM_F_CREATE | Netlink.NLM_F_REPLACE, ifIndex, mac,
                destination), "RTM_NEWNEIGH(fdb replace) " + mac + " ifindex " + ifIndex);
    }

    /** {@code bridge fdb del MAC dev VXLAN [dst IP] self}; ENOENT if absent. */
    public void deleteFdb(int ifIndex, MacAddress mac, InetAddress destination) {
        socket.request(fdbMessage(RTM_DELNEIGH, 0, ifIndex, mac, destination),
                "RTM_DELNEIGH(fdb) " + mac + " ifindex " + ifIndex);
    }

    /** FDB entries of one device ({@code bridge fdb show dev X}). */
    public List<FdbEntry> fdb(int ifIndex) {
        List<FdbEntry> out = new ArrayList<>();
        for (NetlinkMessage m : socket.dump(ndmsg(RTM_GETNEIGH, 0, Libc.AF_BRIDGE, 0, 0, 0), "RTM_GETNEIGH(fdb) dump")) {
            if (m.type() != RTM_NEWNEIGH || m.u32(4) != ifIndex) continue;
            NetlinkAttributes a = m.attributes(NDMSG_BYTES);
            byte[] ll = a.bytes(NDA_LLADDR);
            if (ll == null || ll.length != 6) continue;
            out.add(new FdbEntry(m.u32(4), MacAddress.of(ll), a.address(NDA_DST), m.u16(8), m.u8(10),
                    a.u32(NDA_MASTER, 0)));
        }
        return out;
    }
}
