package dev.nodenet.netlink;

import java.net.InetAddress;

/**
 * A bridge forwarding-database entry (AF_BRIDGE neighbour). For a vxlan device {@code destination} is the remote VTEP
 * (NDA_DST) and {@code flags} include NTF_SELF. {@code masterIndex} is NDA_MASTER (0 if none). Immutable.
 */
public record FdbEntry(int ifIndex, MacAddress mac, InetAddress destination, int state, int flags, int masterIndex) {}
