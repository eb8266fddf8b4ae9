package dev.nodenet.netlink;

/**
 * A network interface as the kernel reports it (RTM_NEWLINK). {@code kind} is the IFLA_INFO_KIND ("veth", "bridge",
 * "vxlan", …) or null for kind-less devices like {@code lo}; {@code slaveKind} is "bridge" for a bridge port.
 * Index fields are 0 when absent. {@code vxlan} is non-null for kind "vxlan". Immutable.
 */
public record Link(int index, String name, String kind, int flags, int mtuBytes, MacAddress mac, int masterIndex,
                   int parentIndex, int operState, String slaveKind, VxlanConfig vxlan) {
    public static final int IFF_UP = 0x1, IFF_BROADCAST = 0x2, IFF_LOOPBACK = 0x8, IFF_NOARP = 0x80,
            IFF_PROMISC = 0x100, IFF_LOWER_UP = 0x10000;
    /** IF_OPER_* values of {@link #operState()}. */
    public static final int OPER_UNKNOWN = 0, OPER_DOWN = 2, OPER_UP = 6;

    /** Administratively up (IFF_UP). */
    public boolean isUp() {
        return (flags & IFF_UP) != 0;
    }

    public boolean isPromisc() {
        return (flags & IFF_PROMISC) != 0;
    }
}
