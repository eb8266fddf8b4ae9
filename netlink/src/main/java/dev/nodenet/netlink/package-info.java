/**
 * Kernel networking access through the JDK 25 Foreign Function &amp; Memory API — no JNI/JNA, no shelling out.
 *
 * <h2>Layers</h2>
 * <pre>
 *   RtNetlink        links, addresses, routes, neighbours, bridge FDB      (NETLINK_ROUTE)
 *   GenericNetlink   family resolution + raw genl requests (IPVS)          (NETLINK_GENERIC)
 *   Conntrack        dump / delete conntrack entries                       (NETLINK_NETFILTER)
 *        │
 *   NetlinkSocket    one AF_NETLINK socket: request+ACK, dump (DUMP_INTR retry), seq matching, extended ACK text
 *   NetlinkMessageBuilder / NetlinkMessage / NetlinkAttributes   wire format (4-byte aligned nlattr, NLA_F_NESTED)
 *        │
 *   Libc (package-private)   socket/bind/sendto/recvfrom/setsockopt/getsockopt/close/open/setns/unshare/
 *                            if_nametoindex downcalls with captureCallState("errno")
 *   NetNs, Sysctl            namespace handles (fd), running code in a namespace, /proc/sys
 * </pre>
 *
 * <h2>Namespaces</h2>
 * A netlink socket operates on the namespace it was created in, forever. So "work in namespace X" means: create the
 * socket once inside X ({@code RtNetlink.open(ns)}, which uses {@link dev.nodenet.netlink.NetNs#call} — a fresh
 * platform thread that setns()es, creates, switches back and ends) and then use it from any thread. Nothing in this
 * package changes the namespace of a caller's thread.
 *
 * <h2>Errors</h2>
 * Every failure is a {@link dev.nodenet.netlink.NetlinkException} carrying the errno (number and name) and what was
 * attempted: {@code "RTM_NEWLINK veth0 (veth peer vethab12): EEXIST (17) File exists"}. Branch on
 * {@code e.is(Errno.EEXIST)} etc.
 *
 * <h2>Example: the CNI plugin's veth step</h2>
 * <pre>{@code
 * try (NetNs container = NetNs.open(Path.of(cniNetnsPath));
 *      NetNs host = NetNs.current();
 *      RtNetlink inContainer = RtNetlink.open(container);
 *      RtNetlink onHost = RtNetlink.open()) {
 *     inContainer.createVeth("eth0", "veth1a2b3c4d", host, 1450);      // peer lands in the host namespace
 *     int hostIdx = onHost.linkIndex("veth1a2b3c4d");
 *     onHost.setMaster(hostIdx, onHost.linkIndex("cni0"));
 *     onHost.setHairpin(hostIdx, true);
 *     onHost.setUp(hostIdx);
 *     int eth0 = inContainer.linkIndex("eth0");
 *     inContainer.addAddress(eth0, IpPrefix.parse("10.244.1.5/24"));
 *     inContainer.setUp(eth0);
 *     inContainer.addRoute(Route.via(null, IpPrefix.parseAddress("10.244.1.1"), eth0));
 * }
 * }</pre>
 *
 * <p>Needs {@code --enable-native-access=ALL-UNNAMED} (or the module name) on the java command line.
 */
package dev.nodenet.netlink;
