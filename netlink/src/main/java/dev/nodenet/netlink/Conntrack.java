package dev.nodenet.netlink;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Connection tracking over nfnetlink (NETLINK_NETFILTER, subsystem CTNETLINK): dump entries, delete by tuple, and the
 * proxy's stale-UDP cleanup ({@link #deleteUdpToDestination}: when a UDP service's endpoint goes away, entries whose
 * original destination is the service IP keep steering packets to the dead backend until deleted).
 *
 * <p>Namespace: conntrack tables are per network namespace; use {@link #open(NetNs)} for another one. Entries only
 * exist where conntrack is active in that namespace (some rule or NAT there uses it).
 *
 * <p>Threading: thread-safe through its {@link NetlinkSocket}; any thread may call.
 */
public final class Conntrack implements AutoCloseable {
    static final int NFNL_SUBSYS_CTNETLINK = 1;
    static final int IPCTNL_MSG_CT_NEW = 0, IPCTNL_MSG_CT_GET = 1, IPCTNL_MSG_CT_DELETE = 2;
    static final int NFGENMSG_BYTES = 4, NFNETLINK_V0 = 0;
    static final int CTA_TUPLE_ORIG = 1, CTA_TUPLE_REPLY = 2, CTA_TIMEOUT = 7, CTA_MARK = 8, CTA_ID = 12,
            CTA_ZONE = 18;
    static final int CTA_TUPLE_IP = 1, CTA_TUPLE_PROTO = 2;
    static final int CTA_IP_V4_SRC = 1, CTA_IP_V4_DST = 2, CTA_IP_V6_SRC = 3, CTA_IP_V6_DST = 4;
    static final int CTA_PROTO_NUM = 1, CTA_PROTO_SRC_PORT = 2, CTA_PROTO_DST_PORT = 3;

    private final NetlinkSocket socket;

    private Conntrack(NetlinkSocket socket) {
        this.socket = socket;
    }

    public static Conntrack open() {
        return new Conntrack(NetlinkSocket.open(Netlink.NETLINK_NETFILTER));
    }

    public static Conntrack open(NetNs ns) {
        return new Conntrack(NetlinkSocket.open(Netlink.NETLINK_NETFILTER, ns));
    }

    static NetlinkMessageBuilder nfMessage(int msg, int family) {
        return new NetlinkMessageBuilder((NFNL_SUBSYS_CTNETLINK << 8) | msg, 0).u8(family).u8(NFNETLINK_V0).be16(0);
    }

    /** Writes CTA_TUPLE_ORIG { CTA_TUPLE_IP { src, dst }, CTA_TUPLE_PROTO { num, sport, dport } }. */
    static void writeTuple(NetlinkMessageBuilder b, int attr, ConntrackTuple t) {
        boolean v4 = t.family() == Libc.AF_INET;
        b.beginNested(attr).beginNested(CTA_TUPLE_IP)
                .attrAddress(v4 ? CTA_IP_V4_SRC : CTA_IP_V6_SRC, t.source())
                .attrAddress(v4 ? CTA_IP_V4_DST : CTA_IP_V6_DST, t.destination())
                .endNested()
                .beginNested(CTA_TUPLE_PROTO).attrU8(CTA_PROTO_NUM, t.protocol());
        if (t.protocol() == ConntrackTuple.TCP || t.protocol() == ConntrackTuple.UDP
                || t.protocol() == ConntrackTuple.SCTP) {
            b.attrBe16(CTA_PROTO_SRC_PORT, t.sourcePort()).attrBe16(CTA_PROTO_DST_PORT, t.destinationPort());
        }
        b.endNested().endNested();
    }

    static NetlinkMessageBuilder deleteMessage(ConntrackTuple original, int zone, int id) {
        NetlinkMessageBuilder b = nfMessage(IPCTNL_MSG_CT_DELETE, original.family());
        writeTuple(b, CTA_TUPLE_ORIG, original);
        if (zone != 0) b.attrBe16(CTA_ZONE, zone);
        if (id != 0) b.attrBe32(CTA_ID, id);
        return b;
    }

    /** Deletes the entry with this original tuple (zone 0). ENOENT if there is none. */
    public void delete(ConntrackTuple original) {
        socket.request(deleteMessage(original, 0, 0), "IPCTNL_MSG_CT_DELETE " + original);
    }

    /** Deletes exactly this dumped entry (tuple + zone + id); false if it had already gone (ENOENT). */
    public boolean delete(ConntrackEntry entry) {
        try {
            socket.request(deleteMessage(entry.original(), entry.zone(), entry.id()),
                    "IPCTNL_MSG_CT_DELETE " + entry.original());
            return true;
        } catch (NetlinkException e) {
            if (e.is(Errno.ENOENT)) return false;
            throw e;
        }
    }

    /** All entries of {@code family} (AF_INET 2 / AF_INET6 10). */
    public List<ConntrackEntry> dump(int family) {
        List<ConntrackEntry> out = new ArrayList<>();
        for (NetlinkMessage m : socket.dump(nfMessage(IPCTNL_MSG_CT_GET, family), "IPCTNL_MSG_CT_GET dump")) {
            if (m.type() != ((NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW)) continue;
            ConntrackEntry e = parseEntry(m);
            if (e != null && e.original().family() == family) out.add(e);
        }
        return out;
    }

    static ConntrackEntry parseEntry(NetlinkMessage m) {
        NetlinkAttributes a = m.attributes(NFGENMSG_BYTES);
        ConntrackTuple orig = parseTuple(a.nested(CTA_TUPLE_ORIG));
        ConntrackTuple reply = parseTuple(a.nested(CTA_TUPLE_REPLY));
        if (orig == null) return null;
        return new ConntrackEntry(orig, reply, a.be32(CTA_ID, 0), a.be16(CTA_ZONE, 0), a.be32(CTA_MARK, 0),
                a.be32(CTA_TIMEOUT, 0));
    }

    static ConntrackTuple parseTuple(NetlinkAttributes t) {
        NetlinkAttributes ip = t.nested(CTA_TUPLE_IP);
        InetAddress src = ip.address(CTA_IP_V4_SRC);
        InetAddress dst = ip.address(CTA_IP_V4_DST);
        if (src == null) {
            src = ip.address(CTA_IP_V6_SRC);
            dst = ip.address(CTA_IP_V6_DST);
        }
        if (src == null || dst == null) return null;
        NetlinkAttributes p = t.nested(CTA_TUPLE_PROTO);
        return new ConntrackTuple(p.u8(CTA_PROTO_NUM, 0), src, dst, p.be16(CTA_PROTO_SRC_PORT, 0),
                p.be16(CTA_PROTO_DST_PORT, 0));
    }

    /**
     * Dumps entries of {@code family}, deletes those matching {@code filter} one by one (each by tuple + id, so an
     * entry re-created meanwhile survives), and returns how many were deleted. Entries vanishing in between are skipped.
     */
    public int deleteMatching(int family, Predicate<ConntrackEntry> filter) {
        int deleted = 0;
        for (ConntrackEntry e : dump(family)) {
            if (filter.test(e) && delete(e)) deleted++;
        }
        return deleted;
    }

    /**
     * Deletes every UDP entry whose ORIGINAL destination is {@code destination} (a service ClusterIP, external IP or
     * node IP for NodePorts) and returns the count; kube-proxy's {@code ClearEntriesForIP} equivalent.
     */
    public int deleteUdpToDestination(InetAddress destination) {
        return deleteMatching(IpPrefix.familyOf(destination), e -> e.original().protocol() == ConntrackTuple.UDP
                && e.original().destination().equals(destination));
    }

    public NetlinkSocket socket() {
        return socket;
    }

    @Override
    public void close() {
        socket.close();
    }
}
