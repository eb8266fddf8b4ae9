package dev.nodenet.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** rtnetlink against the real kernel, each test in fresh namespaces, verified through iproute2's JSON output. */
@Tag("privileged")
class RtNetlinkPrivilegedTest {
    private TestNetns a;
    private TestNetns b;

    @BeforeEach
    void setUp() {
        a = new TestNetns();
    }

    @AfterEach
    void tearDown() {
        try {
            if (b != null) b.close();
        } finally {
            a.close();
        }
    }

    private static Map<String, Object> one(List<Map<String, Object>> list) {
        assertEquals(1, list.size(), () -> "expected one object: " + list);
        return list.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o == null ? List.of() : (List<Object>) o;
    }

    private static InetAddress ip(String literal) {
        return IpPrefix.parseAddress(literal);
    }

    @Test
    void vethPeerIsCreatedInsideAnotherNamespace() {
        b = new TestNetns();
        a.rt.createVeth("eth0", "vethhost0", b.ns, 1400);

        Map<String, Object> eth0 = one(a.ipJson("link", "show", "eth0"));
        assertEquals(1400L, eth0.get("mtu"));
        assertEquals("veth", map(eth0.get("linkinfo")).get("info_kind"));
        Map<String, Object> peer = one(b.ipJson("link", "show", "vethhost0"));
        assertEquals(1400L, peer.get("mtu"));
        assertTrue(b.rt.findLink("eth0").isEmpty(), "eth0 must not exist in the peer namespace");

        Link link = a.rt.link("eth0");
        assertEquals("veth", link.kind());
        assertEquals(((Long) eth0.get("ifindex")).intValue(), link.index());
        assertEquals(eth0.get("address"), link.mac().toString());
        a.rt.setUp(link.index());
        b.rt.setUp(b.rt.linkIndex("vethhost0"));
        assertTrue(list(one(a.ipJson("link", "show", "eth0")).get("flags")).contains("UP"));
        assertTrue(a.rt.link(link.index()).isUp());
    }

    @Test
    void existingLinkIsEexistAndMissingLinkIsEnodev() {
        a.rt.createBridge("br0");
        NetlinkException e = assertThrows(NetlinkException.class, () -> a.rt.createBridge("br0"));
        assertEquals(Errno.EEXIST, e.errno());
        assertEquals("EEXIST", e.errnoName());
        assertTrue(e.getMessage().startsWith("RTM_NEWLINK br0 (bridge): EEXIST (17) File exists"), e.getMessage());

        NetlinkException missing = assertThrows(NetlinkException.class, () -> a.rt.link("nope0"));
        assertEquals("ENODEV", missing.errnoName());
        assertTrue(a.rt.findLink("nope0").isEmpty());
        assertEquals("ENODEV", assertThrows(NetlinkException.class, () -> a.rt.deleteLink("nope0")).errnoName());
    }

    @Test
    void bridgePortMasterHairpinPromiscMtuMac() {
        a.rt.createBridge("cni0");
        a.rt.createVeth("vpod0", "vpod0p");
        int br = a.rt.linkIndex("cni0");
        int port = a.rt.linkIndex("vpod0");
        // Hairpin is a bridge-port setting: on a link without a master the kernel refuses it.
        assertEquals("EOPNOTSUPP", assertThrows(NetlinkException.class, () -> a.rt.setHairpin(port, true)).errnoName());
        a.rt.setMaster(port, br);
        a.rt.setHairpin(port, true);
        a.rt.setPromisc(br, true);
        a.rt.setMtu(port, 1450);
        MacAddress mac = MacAddress.parse("02:42:ac:11:00:07");
        a.rt.setMac(port, mac);
        a.rt.setUp(br);

        Map<String, Object> p = one(a.ipJson("link", "show", "vpod0"));
        assertEquals("cni0", p.get("master"));
        assertEquals(1450L, p.get("mtu"));
        assertEquals("02:42:ac:11:00:07", p.get("address"));
        Map<String, Object> info = map(p.get("linkinfo"));
        assertEquals("bridge", info.get("info_slave_kind"));
        assertEquals(Boolean.TRUE, map(info.get("info_slave_data")).get("hairpin"));
        assertTrue(list(one(a.ipJson("link", "show", "cni0")).get("flags")).contains("PROMISC"));

        Link parsed = a.rt.link(port);
        assertEquals(br, parsed.masterIndex());
        assertEquals("bridge", parsed.slaveKind());
        assertEquals(mac, parsed.mac());
        assertTrue(a.rt.link(br).isPromisc());

        a.rt.setHairpin(port, false);
        assertEquals(Boolean.FALSE, map(map(one(a.ipJson("link", "show", "vpod0")).get("linkinfo"))
                .get("info_slave_data")).get("hairpin"));
        a.rt.setPromisc(br, false);
        a.rt.setMaster(port, 0);
        assertNull(one(a.ipJson("link", "show", "vpod0")).get("master"));
        assertFalse(a.rt.link(br).isPromisc());
    }

    @Test
    void vxlanDeviceCarriesVniParentLocalPortLearning() {
        a.rt.createVeth("under0", "under0p");
        int parent = a.rt.linkIndex("under0");
        a.rt.createVxlan("flannel.1", new VxlanConfig(42, parent, ip("10.0.0.1"), 8472, false), 1400);

        Map<String, Object> vx = one(a.ipJson("link", "show", "flannel.1"));
        Map<String, Object> data = map(map(vx.get("linkinfo")).get("info_data"));
        assertEquals("vxlan", map(vx.get("linkinfo")).get("info_kind"));
        assertEquals(42L, data.get("id"));
        assertEquals(8472L, data.get("port"));
        assertEquals("10.0.0.1", data.get("local"));
        assertEquals("under0", data.get("link"));
        assertEquals(Boolean.FALSE, data.get("learning"));
        assertEquals(1400L, vx.get("mtu"));

        Link link = a.rt.link("flannel.1");
        assertEquals(new VxlanConfig(42, parent, ip("10.0.0.1"), 8472, false), link.vxlan());
    }

    @Test
    void dummyWhereTheKernelHasIt() {
        try {
            a.rt.createDummy("dummy0");
        } catch (NetlinkException e) {
            // This project's build kernel has no dummy driver: the failure must still be a named errno.
            assertEquals("EOPNOTSUPP", e.errnoName(), e.getMessage());
            assumeTrue(false, "kernel lacks the dummy link type: " + e.getMessage());
        }
        assertEquals("dummy", map(one(a.ipJson("link", "show", "dummy0")).get("linkinfo")).get("info_kind"));
    }

    @Test
    void moveLinkIntoNamespaceByFd() {
        b = new TestNetns();
        a.rt.createVeth("mv0", "mv0p");
        a.rt.moveLink(a.rt.linkIndex("mv0p"), b.ns);
        assertTrue(a.rt.findLink("mv0p").isEmpty());
        assertEquals("veth", b.rt.link("mv0p").kind());
        one(b.ipJson("link", "show", "mv0p"));
    }

    @Test
    void linksDumpAgreesWithIp() {
        a.rt.createVeth("d0", "d0p");
        List<Link> links = a.rt.links();
        List<Map<String, Object>> ip = a.ipJson("link", "show");
        assertEquals(ip.size(), links.size());
        for (Map<String, Object> l : ip) {
            Link ours = links.stream().filter(x -> x.name().equals(l.get("ifname"))).findFirst().orElseThrow();
            assertEquals(((Long) l.get("ifindex")).intValue(), ours.index());
            assertEquals(((Long) l.get("mtu")).intValue(), ours.mtuBytes());
        }
        assertTrue(links.stream().anyMatch(l -> l.name().equals("lo") && l.kind() == null && l.isUp()));
    }

    @Test
    void ipv4AndIpv6AddressesAddListDelete() {
        a.rt.createVeth("addr0", "addr0p");
        int idx = a.rt.linkIndex("addr0");
        a.rt.addAddress(idx, IpPrefix.parse("10.1.2.3/24"));
        a.rt.addAddress(idx, IpPrefix.parse("fd00:10::3/64"));
        a.rt.addAddress(idx, IpPrefix.parse("fd00:20::3/64"), IfAddress.IFA_F_NODAD);

        Map<String, Object> dev = one(a.ipJson("addr", "show", "dev", "addr0"));
        List<Object> infos = list(dev.get("addr_info"));
        assertTrue(infos.stream().map(RtNetlinkPrivilegedTest::map).anyMatch(
                i -> "10.1.2.3".equals(i.get("local")) && Long.valueOf(24).equals(i.get("prefixlen"))), infos::toString);
        assertTrue(infos.stream().map(RtNetlinkPrivilegedTest::map).anyMatch(
                i -> "fd00:10::3".equals(i.get("local")) && Long.valueOf(64).equals(i.get("prefixlen"))), infos::toString);

        List<IfAddress> ours = a.rt.addresses(0, idx);
        assertTrue(ours.stream().anyMatch(x -> x.prefix().equals(IpPrefix.parse("10.1.2.3/24"))), ours::toString);
        assertTrue(ours.stream().anyMatch(x -> x.prefix().equals(IpPrefix.parse("fd00:10::3/64"))), ours::toString);
        assertEquals(1, a.rt.addresses(Libc.AF_INET, idx).size());
        IfAddress noDad = ours.stream().filter(x -> x.prefix().equals(IpPrefix.parse("fd00:20::3/64")))
                .findFirst().orElseThrow();
        assertEquals(IfAddress.IFA_F_NODAD, noDad.flags() & IfAddress.IFA_F_NODAD);
        assertTrue(infos.stream().map(RtNetlinkPrivilegedTest::map).anyMatch(
                i -> "fd00:20::3".equals(i.get("local")) && Boolean.TRUE.equals(i.get("nodad"))), infos::toString);

        assertEquals("EEXIST", assertThrows(NetlinkException.class,
                () -> a.rt.addAddress(idx, IpPrefix.parse("10.1.2.3/24"))).errnoName());
        a.rt.deleteAddress(idx, IpPrefix.parse("10.1.2.3/24"));
        assertTrue(a.rt.addresses(Libc.AF_INET, idx).isEmpty());
        assertTrue(list(one(a.ipJson("addr", "show", "dev", "addr0")).get("addr_info")).stream()
                .map(RtNetlinkPrivilegedTest::map).noneMatch(i -> "10.1.2.3".equals(i.get("local"))));
        assertEquals("EADDRNOTAVAIL", assertThrows(NetlinkException.class,
                () -> a.rt.deleteAddress(idx, IpPrefix.parse("10.1.2.3/24"))).errnoName());
    }

    private Map<String, Object> route(TestNetns n, String family, String dst, String table) {
        List<Map<String, Object>> routes = n.ipJson(family, "route", "show", "table", table);
        return routes.stream().filter(r -> dst.equals(r.get("dst"))).findFirst()
                .orElseThrow(() -> new AssertionError(dst + " not in " + routes));
    }

    @Test
    void routesAddReplaceDeleteWithGatewayOnlinkTableMtu() {
        a.rt.createVeth("rt0", "rt0p");
        int idx = a.rt.linkIndex("rt0");
        a.rt.setUp(idx);
        a.rt.setUp(a.rt.linkIndex("rt0p"));
        a.rt.addAddress(idx, IpPrefix.parse("10.1.2.3/24"));

        a.rt.addRoute(Route.via(IpPrefix.parse("10.9.0.0/16"), ip("10.1.2.1"), idx));
        a.rt.addRoute(Route.dev(IpPrefix.parse("10.8.0.0/16"), idx).withMtu(1400));
        a.rt.addRoute(Route.via(IpPrefix.parse("10.7.0.0/16"), ip("192.168.99.1"), idx).withOnLink(true));
        a.rt.addRoute(Route.via(null, ip("10.1.2.1"), idx).withTable(100));
        a.rt.addRoute(Route.dev(IpPrefix.parse("fd00:99::/64"), idx));

        Map<String, Object> viaGw = route(a, "-4", "10.9.0.0/16", "main");
        assertEquals("10.1.2.1", viaGw.get("gateway"));
        assertEquals("rt0", viaGw.get("dev"));
        Map<String, Object> dev = route(a, "-4", "10.8.0.0/16", "main");
        assertEquals("link", dev.get("scope"));
        assertEquals(1400L, map(list(dev.get("metrics")).get(0)).get("mtu"), dev::toString);
        Map<String, Object> onlink = route(a, "-4", "10.7.0.0/16", "main");
        assertTrue(list(onlink.get("flags")).contains("onlink"), onlink::toString);
        assertEquals("10.1.2.1", route(a, "-4", "default", "100").get("gateway"));
        assertEquals("rt0", route(a, "-6", "fd00:99::/64", "main").get("dev"));

        List<Route> ours = a.rt.routes(Libc.AF_INET);
        Route r9 = ours.stream().filter(r -> r.destination() != null
                && r.destination().equals(IpPrefix.parse("10.9.0.0/16"))).findFirst().orElseThrow();
        assertEquals(ip("10.1.2.1"), r9.gateway());
        assertEquals(idx, r9.oifIndex());
        assertEquals(Route.TABLE_MAIN, r9.table());
        assertTrue(ours.stream().anyMatch(r -> r.destination() != null
                && r.destination().equals(IpPrefix.parse("10.7.0.0/16")) && r.onLink()));
        assertTrue(ours.stream().anyMatch(r -> r.destination() != null
                && r.destination().equals(IpPrefix.parse("10.8.0.0/16")) && r.mtuBytes() == 1400
                && r.scope() == Route.SCOPE_LINK));
        assertTrue(ours.stream().anyMatch(r -> r.destination() == null && r.table() == 100));

        Route dup = Route.via(IpPrefix.parse("10.9.0.0/16"), ip("10.1.2.1"), idx);
        assertEquals("EEXIST", assertThrows(NetlinkException.class, () -> a.rt.addRoute(dup)).errnoName());
        a.rt.replaceRoute(Route.via(IpPrefix.parse("10.9.0.0/16"), ip("10.1.2.254"), idx));
        assertEquals("10.1.2.254", route(a, "-4", "10.9.0.0/16", "main").get("gateway"));

        a.rt.deleteRoute(Route.via(IpPrefix.parse("10.9.0.0/16"), ip("10.1.2.254"), idx));
        assertTrue(a.ipJson("-4", "route", "show", "table", "main").stream()
                .noneMatch(r -> "10.9.0.0/16".equals(r.get("dst"))));
        assertEquals("ESRCH", assertThrows(NetlinkException.class, () -> a.rt.deleteRoute(
                Route.dev(IpPrefix.parse("10.9.0.0/16"), idx))).errnoName());
    }

    @Test
    void permanentNeighboursAddReplaceDelete() {
        a.rt.createVeth("nb0", "nb0p");
        int idx = a.rt.linkIndex("nb0");
        MacAddress m1 = MacAddress.parse("0a:58:0a:f4:01:05");
        MacAddress m2 = MacAddress.parse("0a:58:0a:f4:01:06");
        a.rt.addNeighbour(Neighbour.permanent(idx, ip("10.244.1.0"), m1));
        a.rt.addNeighbour(Neighbour.permanent(idx, ip("fd00::5"), m1));

        Map<String, Object> n = a.ipJson("neigh", "show", "dev", "nb0").stream()
                .filter(x -> "10.244.1.0".equals(x.get("dst"))).findFirst().orElseThrow();
        assertEquals("0a:58:0a:f4:01:05", n.get("lladdr"));
        assertTrue(list(n.get("state")).contains("PERMANENT"), n::toString);

        assertEquals("EEXIST", assertThrows(NetlinkException.class,
                () -> a.rt.addNeighbour(Neighbour.permanent(idx, ip("10.244.1.0"), m2))).errnoName());
        a.rt.replaceNeighbour(Neighbour.permanent(idx, ip("10.244.1.0"), m2));
        Neighbour ours = a.rt.neighbours(Libc.AF_INET).stream()
                .filter(x -> x.address().equals(ip("10.244.1.0"))).findFirst().orElseThrow();
        assertEquals(m2, ours.mac());
        assertEquals(Neighbour.NUD_PERMANENT, ours.state());
        assertEquals(idx, ours.ifIndex());
        assertTrue(a.rt.neighbours(Libc.AF_INET6).stream().anyMatch(x -> x.address().equals(ip("fd00::5"))));

        a.rt.deleteNeighbour(idx, ip("10.244.1.0"));
        assertTrue(a.ipJson("neigh", "show", "dev", "nb0").stream().noneMatch(x -> "10.244.1.0".equals(x.get("dst"))));
        assertEquals("ENOENT", assertThrows(NetlinkException.class,
                () -> a.rt.deleteNeighbour(idx, ip("10.244.1.0"))).errnoName());
    }

    @Test
    void vxlanFdbAppendReplaceDelete() {
        a.rt.createVxlan("vx0", new VxlanConfig(7, 0, ip("10.0.0.1"), 8472, false), 0);
        int idx = a.rt.linkIndex("vx0");
        MacAddress zero = MacAddress.parse("00:00:00:00:00:00");
        MacAddress peer = MacAddress.parse("6e:1a:2b:3c:4d:5e");
        a.rt.appendFdb(idx, zero, ip("10.0.0.2"));
        a.rt.appendFdb(idx, zero, ip("10.0.0.3"));
        a.rt.replaceFdb(idx, peer, ip("10.0.0.2"));
        a.rt.replaceFdb(idx, peer, ip("10.0.0.4"));

        List<Map<String, Object>> fdb = Json.parseArray(
                TestNetns.exec("bridge", "-n", a.name, "-j", "fdb", "show", "dev", "vx0"));
        assertEquals(2, fdb.stream().filter(e -> "00:00:00:00:00:00".equals(e.get("mac"))).count(), fdb::toString);
        Map<String, Object> p = fdb.stream().filter(e -> peer.toString().equals(e.get("mac"))).findFirst().orElseThrow();
        assertEquals("10.0.0.4", p.get("dst"));
        assertTrue(list(p.get("flags")).contains("self"), p::toString);
        assertEquals("permanent", p.get("state"));

        List<FdbEntry> ours = a.rt.fdb(idx);
        assertTrue(ours.stream().anyMatch(e -> e.mac().equals(peer) && ip("10.0.0.4").equals(e.destination())),
                ours::toString);
        assertEquals(2, ours.stream().filter(e -> e.mac().equals(zero)).count());

        a.rt.deleteFdb(idx, zero, ip("10.0.0.2"));
        a.rt.deleteFdb(idx, peer, ip("10.0.0.4"));
        List<FdbEntry> after = a.rt.fdb(idx);
        assertEquals(1, after.size(), after::toString);
        assertEquals(ip("10.0.0.3"), after.get(0).destination());
        assertNotNull(assertThrows(NetlinkException.class, () -> a.rt.deleteFdb(idx, peer, ip("10.0.0.4"))).errnoName());
    }

    @Test
    void anonymousNamespaceLivesAsLongAsItsHandle() {
        try (NetNs anon = NetNs.createAnonymous(); RtNetlink rt = RtNetlink.open(anon)) {
            List<Link> links = rt.links();
            assertEquals(List.of("lo"), links.stream().map(Link::name).toList());
            rt.createVeth("anon0", "anon0p");
            assertEquals(3, rt.links().size());
            // The namespace is distinct from the test's named one.
            assertTrue(a.rt.findLink("anon0").isEmpty());
            assertTrue(anon.path().toString().startsWith("/proc/self/fd/"));
        }
    }

    @Test
    void ipv6RouteViaLinkLocalGateway() {
        a.rt.createVeth("r6", "r6p");
        int idx = a.rt.linkIndex("r6");
        a.rt.setUp(idx);
        a.rt.setUp(a.rt.linkIndex("r6p"));
        a.rt.addRoute(Route.via(IpPrefix.parse("fd00:aa::/64"), ip("fe80::1"), idx).withPriority(100));
        Map<String, Object> r = route(a, "-6", "fd00:aa::/64", "main");
        assertEquals("fe80::1", r.get("gateway"));
        assertEquals(100L, r.get("metric"));
        Route ours = a.rt.routes(Libc.AF_INET6).stream().filter(x -> x.destination() != null
                && x.destination().equals(IpPrefix.parse("fd00:aa::/64"))).findFirst().orElseThrow();
        assertEquals(ip("fe80::1"), ours.gateway());
        assertEquals(100, ours.priority());
        a.rt.deleteRoute(ours);
        assertTrue(a.rt.routes(Libc.AF_INET6).stream().noneMatch(x -> x.destination() != null
                && x.destination().equals(IpPrefix.parse("fd00:aa::/64"))));
    }

    @Test
    void multipartDumpAndConcurrentCallersFromVirtualThreads() throws Exception {
        a.rt.createVeth("bulk0", "bulk0p");
        int idx = a.rt.linkIndex("bulk0");
        a.rt.setUp(idx);
        a.rt.setUp(a.rt.linkIndex("bulk0p"));
        int threads = 8;
        int perThread = 250;
        List<Thread> started = new java.util.ArrayList<>();
        java.util.concurrent.ConcurrentLinkedQueue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (int t = 0; t < threads; t++) {
            int base = t;
            started.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < perThread; i++) {
                        a.rt.addRoute(Route.dev(IpPrefix.parse("10." + (100 + base) + "." + i + ".0/24"), idx));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : started) t.join();
        assertTrue(failures.isEmpty(), failures::toString);
        // 2000 routes do not fit one datagram: the dump spans many NLM_F_MULTI parts.
        long ours = a.rt.routes(Libc.AF_INET).stream()
                .filter(r -> r.table() == Route.TABLE_MAIN && r.oifIndex() == idx).count();
        long ipCount = a.ip("-4", "route", "show", "table", "main", "dev", "bulk0").lines().count();
        assertEquals(threads * perThread, ours);
        assertEquals(ipCount, ours);
    }
}
