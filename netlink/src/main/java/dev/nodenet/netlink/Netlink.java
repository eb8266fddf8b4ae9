package dev.nodenet.netlink;

/** Netlink wire constants from {@code <linux/netlink.h>} shared by every protocol family. */
public final class Netlink {
    /** Protocols for {@link NetlinkSocket#open(int)}. */
    public static final int NETLINK_ROUTE = 0, NETLINK_NETFILTER = 12, NETLINK_GENERIC = 16;

    public static final int NLMSG_HDRLEN = 16, NLA_HDRLEN = 4;
    public static final int NLMSG_NOOP = 1, NLMSG_ERROR = 2, NLMSG_DONE = 3, NLMSG_OVERRUN = 4, NLMSG_MIN_TYPE = 0x10;

    public static final int NLM_F_REQUEST = 0x1, NLM_F_MULTI = 0x2, NLM_F_ACK = 0x4, NLM_F_ECHO = 0x8,
            NLM_F_DUMP_INTR = 0x10, NLM_F_DUMP_FILTERED = 0x20;
    /** GET modifiers. */
    public static final int NLM_F_ROOT = 0x100, NLM_F_MATCH = 0x200, NLM_F_ATOMIC = 0x400,
            NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
    /** NEW modifiers. */
    public static final int NLM_F_REPLACE = 0x100, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400, NLM_F_APPEND = 0x800;
    /** Flags of an NLMSG_ERROR acknowledgement. */
    public static final int NLM_F_CAPPED = 0x100, NLM_F_ACK_TLVS = 0x200;
    public static final int NLMSGERR_ATTR_MSG = 1, NLMSGERR_ATTR_OFFS = 2;

    public static final int NLA_F_NESTED = 0x8000, NLA_F_NET_BYTEORDER = 0x4000,
            NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

    private Netlink() {}

    /** Rounds up to the 4-byte netlink alignment (NLMSG_ALIGN / NLA_ALIGN). */
    public static int align(int lengthBytes) {
        return (lengthBytes + 3) & ~3;
    }
}
