package dev.nodenet.netlink;

import java.net.InetAddress;

/** An ARP/NDP neighbour entry (ndmsg + NDA_DST/NDA_LLADDR). {@code state} is NUD_*. Immutable. */
public record Neighbour(int ifIndex, InetAddress address, MacAddress mac, int state, int flags) {
    public static final int NUD_INCOMPLETE = 0x01, NUD_REACHABLE = 0x02, NUD_STALE = 0x04, NUD_DELAY = 0x08,
            NUD_PROBE = 0x10, NUD_FAILED = 0x20, NUD_NOARP = 0x40, NUD_PERMANENT = 0x80;
    public static final int NTF_USE = 0x01, NTF_SELF = 0x02, NTF_MASTER = 0x04, NTF_PROXY = 0x08,
            NTF_EXT_LEARNED = 0x10, NTF_ROUTER = 0x80;

    /** A permanent entry, the kind an overlay agent programs for peer VTEPs. */
    public static Neighbour permanent(int ifIndex, InetAddress address, MacAddress mac) {
        return new Neighbour(ifIndex, address, mac, NUD_PERMANENT, 0);
    }
}
