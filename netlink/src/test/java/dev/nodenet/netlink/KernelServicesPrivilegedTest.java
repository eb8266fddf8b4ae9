package dev.nodenet.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** NetNs threading, sysctl, generic netlink and conntrack against the real kernel, in fresh namespaces. */
@Tag("privileged")
class KernelServicesPrivilegedTest {
    private TestNetns n;

    @BeforeEach
    void setUp() {
        n = new TestNetns();
    }

    @AfterEach
    void tearDown() {
        n.close();
    }

    private static long inode(Path p) throws IOException {
        return (Long) Files.getAttribute(p, "unix:ino");
    }

    @Test
    void callRunsOnADedicatedPlatformThreadInsideTheNamespaceAndLeavesTheCallerAlone() throws Exception {
        long target = inode(n.ns.path());
        long mine = inode(Path.of("/proc/thread-self/ns/net"));
        assertNotEquals(mine, target);
        AtomicReference<Thread> worker = new AtomicReference<>();
        long inside = n.ns.call(() -> {
            worker.set(Thread.currentThread());
            return inode(Path.of("/proc/thread-self/ns/net"));
        });
        assertEquals(target, inside);
        assertFalse(worker.get().isVirtual());
        assertNotEquals(Thread.currentThread(), worker.get());
        assertEquals(mine, inode(Path.of("/proc/thread-self/ns/net")));

        // From a virtual thread too: the carrier is never switched.
        Thread vt = Thread.ofVirtual().start(() -> {
            try {
                assertEquals(target, (long) n.ns.call(() -> inode(Path.of("/proc/thread-self/ns/net"))));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        vt.join();
        assertEquals(mine, inode(Path.of("/proc/thread-self/ns/net")));

        // Checked exceptions of the task propagate unchanged.
        assertThrows(IOException.class, () -> n.ns.call(() -> {
            throw new IOException("boom");
        }));
    }

    @Test
    void openingAMissingNamespaceNamesTheErrno() {
        NetlinkException e = assertThrows(NetlinkException.class, () -> NetNs.named("nn-does-not-exist-x"));
        assertEquals("ENOENT", e.errnoName());
        assertTrue(e.getMessage().contains("/var/run/netns/nn-does-not-exist-x"), e.getMessage());
    }

    @Test
    void sysctlInsideANamespaceDoesNotTouchTheRootNamespace() {
        String rootValue = Sysctl.read("net.ipv4.ip_forward");
        String nsValue = Sysctl.read(n.ns, "net.ipv4.ip_forward");
        String flipped = "1".equals(nsValue) ? "0" : "1";
        Sysctl.write(n.ns, "net.ipv4.ip_forward", flipped);
        assertEquals(flipped, Sysctl.read(n.ns, "net/ipv4/ip_forward"));
        assertEquals(flipped, n.nsExec("cat", "/proc/sys/net/ipv4/ip_forward").strip());
        assertEquals(rootValue, Sysctl.read("net.ipv4.ip_forward"));
        // Per-interface keys inside the namespace.
        Sysctl.write(n.ns, "net.ipv4.conf.lo.rp_filter", "2");
        assertEquals("2", n.nsExec("cat", "/proc/sys/net/ipv4/conf/lo/rp_filter").strip());
        assertThrows(IllegalArgumentException.class, () -> Sysctl.read("net/../../etc/passwd"));
        assertThrows(java.io.UncheckedIOException.class, () -> Sysctl.write(n.ns, "net.ipv4.no_such_key", "1"));
        // As root the socket may force a large receive buffer (SO_RCVBUFFORCE, 4 MiB; the kernel reports double).
        assertTrue(n.rt.socket().receiveBufferBytes() >= 4 * 1024 * 1024, () -> "" + n.rt.socket().receiveBufferBytes());
    }

    @Test
    void genericNetlinkResolvesFamilies() {
        try (GenericNetlink genl = GenericNetlink.open(n.ns)) {
            GenlFamily ctrl = genl.resolveFamily("nlctrl");
            assertEquals(GenericNetlink.GENL_ID_CTRL, ctrl.id());
            assertTrue(ctrl.version() >= 1);
            assertTrue(ctrl.multicastGroups().containsKey("notify"), ctrl::toString);

            List<GenlFamily> all = genl.families();
            assertTrue(all.stream().anyMatch(f -> f.name().equals("nlctrl")));
            for (GenlFamily f : all) {
                if (f.name().equals("ethtool")) {
                    GenlFamily ethtool = genl.resolveFamily("ethtool");
                    assertEquals(f.id(), ethtool.id());
                    assertTrue(ethtool.multicastGroups().containsKey("monitor"), ethtool::toString);
                }
            }
            // Checked against the genl CLI's view of the same family.
            String cli = TestNetns.exec("genl", "ctrl", "get", "name", "nlctrl");
            assertTrue(cli.contains("ID: 0x10"), cli);

            NetlinkException e = assertThrows(NetlinkException.class, () -> genl.resolveFamily("IPVS-not-here"));
            assertEquals("ENOENT", e.errnoName());
        }
    }

    private void sendUdp(String dst, int dstPort, int srcPort) throws IOException {
        n.ns.run(() -> {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(IpPrefix.parseAddress("127.0.0.1"), srcPort))) {
                byte[] b = "x".getBytes();
                s.send(new DatagramPacket(b, b.length, new InetSocketAddress(IpPrefix.parseAddress(dst), dstPort)));
            }
            return null;
        });
    }

    private List<String> cliUdpEntries() {
        String out = n.nsExec("conntrack", "-L", "-f", "ipv4", "-p", "udp");
        return out.lines().filter(l -> l.startsWith("udp")).toList();
    }

    @Test
    void conntrackDeletesByTupleAndStaleUdpByDestination() throws Exception {
        // Conntrack hooks register in a namespace only once something there needs them.
        n.nsExec("iptables", "-A", "OUTPUT", "-m", "conntrack", "--ctstate", "NEW,ESTABLISHED", "-j", "ACCEPT");
        n.ip("addr", "add", "10.96.0.10/32", "dev", "lo");
        n.ip("addr", "add", "10.96.0.11/32", "dev", "lo");
        sendUdp("10.96.0.10", 53, 40001);
        sendUdp("10.96.0.10", 5353, 40002);
        sendUdp("10.96.0.11", 53, 40003);
        n.nsExec("ip6tables", "-A", "OUTPUT", "-m", "conntrack", "--ctstate", "NEW,ESTABLISHED", "-j", "ACCEPT");
        n.ip("addr", "add", "fd00:96::a/128", "dev", "lo", "nodad");
        n.ns.run(() -> {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(IpPrefix.parseAddress("::1"), 40004))) {
                s.send(new DatagramPacket(new byte[1], 1, new InetSocketAddress(IpPrefix.parseAddress("fd00:96::a"), 53)));
            }
            return null;
        });
        // An established TCP entry to the same destination must survive the UDP cleanup. Sockets made on the
        // namespace's thread stay in that namespace after the thread ends.
        java.net.ServerSocket server = n.ns.call(() -> new java.net.ServerSocket(53, 1,
                IpPrefix.parseAddress("10.96.0.10")));
        Socket client = n.ns.call(() -> {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(IpPrefix.parseAddress("10.96.0.10"), 53), 1000);
            return s;
        });
        try (server; client) {
            checkConntrack();
        }
    }

    private void checkConntrack() {
        List<String> before = cliUdpEntries();
        assertEquals(3, before.size(), before::toString);
        assertTrue(n.nsExec("conntrack", "-L", "-f", "ipv6", "-p", "udp").contains("dst=fd00:96::a"));

        try (Conntrack ct = Conntrack.open(n.ns)) {
            List<ConntrackEntry> entries = ct.dump(Libc.AF_INET);
            ConntrackEntry e1 = entries.stream().filter(e -> e.original().sourcePort() == 40001).findFirst()
                    .orElseThrow(() -> new AssertionError(entries.toString()));
            assertEquals(ConntrackTuple.UDP, e1.original().protocol());
            assertEquals(IpPrefix.parseAddress("10.96.0.10"), e1.original().destination());
            assertEquals(53, e1.original().destinationPort());
            assertEquals(40001, e1.reply().destinationPort());
            assertTrue(e1.id() != 0 && e1.timeoutSeconds() > 0, e1::toString);
            assertTrue(entries.stream().anyMatch(e -> e.original().protocol() == ConntrackTuple.TCP));

            assertEquals(2, ct.deleteUdpToDestination(IpPrefix.parseAddress("10.96.0.10")));
            List<String> after = cliUdpEntries();
            assertEquals(1, after.size(), after::toString);
            assertTrue(after.get(0).contains("dst=10.96.0.11"), after::toString);
            assertTrue(n.nsExec("conntrack", "-L", "-p", "tcp").contains("dst=10.96.0.10"));

            ConntrackTuple t = new ConntrackTuple(ConntrackTuple.UDP, IpPrefix.parseAddress("127.0.0.1"),
                    IpPrefix.parseAddress("10.96.0.11"), 40003, 53);
            ct.delete(t);
            assertTrue(cliUdpEntries().isEmpty());
            NetlinkException gone = assertThrows(NetlinkException.class, () -> ct.delete(t));
            assertEquals("ENOENT", gone.errnoName());
            assertTrue(gone.getMessage().startsWith("IPCTNL_MSG_CT_DELETE proto 17 127.0.0.1:40003 -> 10.96.0.11:53"),
                    gone.getMessage());
            assertEquals(0, ct.deleteUdpToDestination(IpPrefix.parseAddress("10.96.0.10")));

            // IPv6: the same cleanup for a dual-stack service IP.
            ConntrackEntry v6 = ct.dump(Libc.AF_INET6).stream().filter(e -> e.original().sourcePort() == 40004)
                    .findFirst().orElseThrow();
            assertEquals(IpPrefix.parseAddress("fd00:96::a"), v6.original().destination());
            assertEquals(1, ct.deleteUdpToDestination(IpPrefix.parseAddress("fd00:96::a")));
            assertTrue(n.nsExec("conntrack", "-L", "-f", "ipv6", "-p", "udp").lines().noneMatch(l -> l.startsWith("udp")));
        }
    }
}
