package dev.nodenet.netlink;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generic netlink (NETLINK_GENERIC): family resolution through the "nlctrl" controller, and a small request/dump
 * surface for family-specific clients (the IPVS backend: {@code resolveFamily("IPVS")}, then
 * {@link #message(GenlFamily, int)} + {@link #request}).
 *
 * <p>Threading: thread-safe through its {@link NetlinkSocket} (one exchange at a time); any thread may call.
 */
public final class GenericNetlink implements AutoCloseable {
    public static final int GENL_ID_CTRL = 0x10;
    public static final int GENL_HDRLEN = 4;
    static final int CTRL_CMD_NEWFAMILY = 1, CTRL_CMD_GETFAMILY = 3;
    static final int CTRL_VERSION = 2;
    static final int CTRL_ATTR_FAMILY_ID = 1, CTRL_ATTR_FAMILY_NAME = 2, CTRL_ATTR_VERSION = 3, CTRL_ATTR_HDRSIZE = 4,
            CTRL_ATTR_MAXATTR = 5, CTRL_ATTR_MCAST_GROUPS = 7;
    static final int CTRL_ATTR_MCAST_GRP_NAME = 1, CTRL_ATTR_MCAST_GRP_ID = 2;

    private final NetlinkSocket socket;

    private GenericNetlink(NetlinkSocket socket) {
        this.socket = socket;
    }

    public static GenericNetlink open() {
        return new GenericNetlink(NetlinkSocket.open(Netlink.NETLINK_GENERIC));
    }

    /** A generic netlink socket inside {@code ns} (IPVS state is per network namespace). */
    public static GenericNetlink open(NetNs ns) {
        return new GenericNetlink(NetlinkSocket.open(Netlink.NETLINK_GENERIC, ns));
    }

    public NetlinkSocket socket() {
        return socket;
    }

    /** A message for {@code family} with the genlmsghdr (cmd, family version, reserved) written; add attributes. */
    public static NetlinkMessageBuilder message(GenlFamily family, int cmd) {
        return message(family.id(), cmd, family.version());
    }

    public static NetlinkMessageBuilder message(int familyId, int cmd, int version) {
        return new NetlinkMessageBuilder(familyId, 0).u8(cmd).u8(version).u16(0);
    }

    /** Sends with ACK; returns replies preceding the ACK. Attributes of a reply: {@code m.attributes(GENL_HDRLEN)}. */
    public List<NetlinkMessage> request(NetlinkMessageBuilder message, String what) {
        return socket.request(message, what);
    }

    public List<NetlinkMessage> dump(NetlinkMessageBuilder message, String what) {
        return socket.dump(message, what);
    }

    /** Resolves a family by name; {@link NetlinkException} ENOENT if the kernel has no such family. */
    public GenlFamily resolveFamily(String name) {
        NetlinkMessageBuilder b = message(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_VERSION)
                .attrString(CTRL_ATTR_FAMILY_NAME, name);
        String what = "CTRL_CMD_GETFAMILY " + name;
        for (NetlinkMessage m : socket.request(b, what)) {
            if (m.type() == GENL_ID_CTRL) return parseFamily(m);
        }
        throw new NetlinkException(what, "no family in reply", null);
    }

    /** Every registered family. */
    public List<GenlFamily> families() {
        List<GenlFamily> out = new ArrayList<>();
        for (NetlinkMessage m : socket.dump(message(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_VERSION),
                "CTRL_CMD_GETFAMILY dump")) {
            if (m.type() == GENL_ID_CTRL) out.add(parseFamily(m));
        }
        return out;
    }

    static GenlFamily parseFamily(NetlinkMessage m) {
        NetlinkAttributes a = m.attributes(GENL_HDRLEN);
        Map<String, Integer> groups = new LinkedHashMap<>();
        // CTRL_ATTR_MCAST_GROUPS is a nested array: element types are 1..n, each a nest of NAME and ID.
        for (NetlinkAttributes.Attribute group : a.nested(CTRL_ATTR_MCAST_GROUPS).all()) {
            NetlinkAttributes g = NetlinkAttributes.nestedOf(group);
            groups.put(g.string(CTRL_ATTR_MCAST_GRP_NAME), g.u32(CTRL_ATTR_MCAST_GRP_ID, 0));
        }
        return new GenlFamily(a.u16(CTRL_ATTR_FAMILY_ID, 0), a.string(CTRL_ATTR_FAMILY_NAME),
                a.u32(CTRL_ATTR_VERSION, 0), a.u32(CTRL_ATTR_HDRSIZE, 0), a.u32(CTRL_ATTR_MAXATTR, 0),
                Map.copyOf(groups));
    }

    @Override
    public void close() {
        socket.close();
    }
}
