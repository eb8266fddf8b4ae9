package dev.nodenet.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ADD/CHECK/DEL/GC/STATUS against real namespaces; the plugin's "host" is a lab namespace, never the root one. */
@Tag("privileged")
class BridgePluginPrivilegedTest {
    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"0.3.1", "0.4.0", "1.0.0", "1.1.0"})
    void addCheckDelInEveryVersion(String version) throws Exception {
        try (Lab lab = new Lab(tmp)) {
            String c = lab.container();
            String conf = lab.v4Conf(version, "\"isDefaultGateway\":true,\"ipMasq\":true,\"hairpinMode\":true");
            Lab.Outcome add = lab.run(Lab.env("ADD", "ctr1", c, "eth0"), conf);
            assertEquals(0, add.exit(), add::toString);
            Map<String, Object> r = add.json();
            assertEquals(version, r.get("cniVersion"));
            List<Map<String, Object>> ifaces = list(r.get("interfaces"));
            assertEquals(3, ifaces.size());
            assertEquals(lab.bridge, ifaces.get(0).get("name"));
            String hostVeth = (String) ifaces.get(1).get("name");
            assertTrue(hostVeth.matches("veth[0-9a-f]{8}"), hostVeth);
            assertEquals("eth0", ifaces.get(2).get("name"));
            assertEquals(c, ifaces.get(2).get("sandbox"));
            assertNull(ifaces.get(1).get("sandbox"));
            String mac = (String) ifaces.get(2).get("mac");
            assertTrue(mac.matches("([0-9a-f]{2}:){5}[0-9a-f]{2}"), mac);
            assertEquals(version.equals("1.1.0"), ifaces.get(2).containsKey("mtu"), "interface mtu only in 1.1.0");
            Map<String, Object> ip = list(r.get("ips")).getFirst();
            assertEquals(version.startsWith("0.") ? "4" : null, ip.get("version"), "ips[].version only before 1.0.0");
            assertEquals(2, ((Number) ip.get("interface")).intValue());
            assertEquals("10.77.0.2/24", ip.get("address"));
            assertEquals("10.77.0.1", ip.get("gateway"));
            assertEquals(List.of(Map.of("dst", "0.0.0.0/0", "gw", "10.77.0.1")), r.get("routes"));
            assertEquals(Map.of(), r.get("dns"));

            String ns = Lab.nsName(c);
            assertTrue(Lab.ip(ns, "addr", "show", "eth0").contains("inet 10.77.0.2/24"));
            assertTrue(Lab.ip(ns, "route").contains("default via 10.77.0.1 dev eth0"));
            assertTrue(Lab.ip(ns, "link", "show", "eth0").contains(mac));
            String hostLink = Lab.ip(lab.host, "-d", "link", "show", hostVeth);
            assertTrue(hostLink.contains("master " + lab.bridge) && hostLink.contains("hairpin on"), hostLink);
            assertTrue(Lab.ip(lab.host, "addr", "show", lab.bridge).contains("inet 10.77.0.1/24"));
            assertEquals("1", Lab.inNs(lab.host, "sysctl", "-n", "net.ipv4.ip_forward").strip());
            String nat = Lab.inNs(lab.host, "iptables-save", "-t", "nat");
            String chain = Masquerade.chainName("labnet", "ctr1");
            assertTrue(nat.contains("-A POSTROUTING -s 10.77.0.2/32 -m comment --comment \"name: \\\"labnet\\\" id: \\\"ctr1\\\"\" -j " + chain), nat);
            assertTrue(nat.contains("-A " + chain + " ! -d 224.0.0.0/4"), nat);
            // The container really reaches its gateway through the bridge.
            Lab.assertReachable(ns, "10.77.0.1");
            assertEquals("ctr1\r\neth0", Files.readString(lab.dataDir.resolve("labnet/10.77.0.2")));

            String withPrev = withPrevResult(conf, add.stdout());
            if (!version.startsWith("0.3")) {
                Lab.Outcome check = lab.run(Lab.env("CHECK", "ctr1", c, "eth0"), withPrev);
                assertEquals(0, check.exit(), check::toString);
                assertEquals("", check.stdout());
            }

            Lab.Outcome del = lab.run(Lab.env("DEL", "ctr1", c, "eth0"), withPrev);
            assertEquals(0, del.exit(), del::toString);
            assertEquals("", del.stdout());
            assertFalse(Lab.ip(ns, "link").contains("eth0"));
            assertFalse(Lab.ip(lab.host, "link").contains(hostVeth));
            assertFalse(Lab.inNs(lab.host, "iptables-save", "-t", "nat").contains("CNI-"));
            assertFalse(Files.exists(lab.dataDir.resolve("labnet/10.77.0.2")));
            // DEL again, and DEL after the namespace is gone: still success.
            assertEquals(0, lab.run(Lab.env("DEL", "ctr1", c, "eth0"), conf).exit());
            lab.deleteNetns(c);
            Lab.Outcome gone = lab.run(Lab.env("DEL", "ctr1", c, "eth0"), conf);
            assertEquals(0, gone.exit(), gone::toString);
        }
    }

    @Test
    void checkDetectsDrift() {
        try (Lab lab = new Lab(tmp)) {
            String c = lab.container();
            String conf = lab.v4Conf("1.1.0", "\"isDefaultGateway\":true,\"ipMasq\":true");
            Lab.Outcome add = lab.run(Lab.env("ADD", "ctr1", c, "eth0"), conf);
            String withPrev = withPrevResult(conf, add.stdout());
            String ns = Lab.nsName(c);
            Lab.ip(ns, "route", "del", "default");
            Lab.Outcome noRoute = lab.run(Lab.env("CHECK", "ctr1", c, "eth0"), withPrev);
            assertEquals(CniException.CHECK_FAILED, noRoute.code(), noRoute::toString);
            assertTrue(noRoute.stdout().contains("route 0.0.0.0/0"), noRoute::toString);
            Lab.ip(ns, "route", "add", "default", "via", "10.77.0.1");
            assertEquals(0, lab.run(Lab.env("CHECK", "ctr1", c, "eth0"), withPrev).exit());
            Lab.inNs(lab.host, "iptables", "-t", "nat", "-F", "POSTROUTING");
            Lab.inNs(lab.host, "iptables", "-t", "nat", "-F", Masquerade.chainName("labnet", "ctr1"));
            Lab.inNs(lab.host, "iptables", "-t", "nat", "-X", Masquerade.chainName("labnet", "ctr1"));
            assertEquals(CniException.CHECK_FAILED, lab.run(Lab.env("CHECK", "ctr1", c, "eth0"), withPrev).code());
            Lab.ip(ns, "addr", "flush", "dev", "eth0");
            Lab.Outcome noAddr = lab.run(Lab.env("CHECK", "ctr1", c, "eth0"), withPrev);
            assertTrue(noAddr.stdout().contains("address 10.77.0.2/24 is missing"), noAddr::toString);
            Lab.ip(ns, "link", "del", "eth0");
            assertEquals(CniException.CHECK_FAILED, lab.run(Lab.env("CHECK", "ctr1", c, "eth0"), withPrev).code());
            lab.deleteNetns(c);
            assertEquals(CniException.UNKNOWN_CONTAINER, lab.run(Lab.env("CHECK", "ctr1", c, "eth0"), withPrev).code());
            assertEquals(0, lab.run(Lab.env("DEL", "ctr1", c, "eth0"), withPrev).exit());
        }
    }

    @Test
    void dualStackWithRangesRoutesAndRoundRobin() {
        try (Lab lab = new Lab(tmp)) {
            String ipam = "{\"type\":\"host-local\",\"dataDir\":\"" + lab.dataDir + "\",\"ranges\":["
                    + "[{\"subnet\":\"10.78.0.0/24\",\"rangeStart\":\"10.78.0.10\",\"rangeEnd\":\"10.78.0.11\"}],"
                    + "[{\"subnet\":\"fd00:78::/64\",\"gateway\":\"fd00:78::fe\"}]],"
                    + "\"routes\":[{\"dst\":\"192.0.2.0/24\"},{\"dst\":\"2001:db8::/32\"}]}";
            String conf = lab.conf("1.0.0", "\"isGateway\":true,\"promiscMode\":true,\"mtu\":1400", ipam);
            String c1 = lab.container(), c2 = lab.container(), c3 = lab.container();
            Map<String, Object> r1 = lab.run(Lab.env("ADD", "a", c1, "eth0"), conf).json();
            List<Map<String, Object>> ips = list(r1.get("ips"));
            assertEquals("10.78.0.10/24", ips.get(0).get("address"));
            assertEquals("fd00:78::1/64", ips.get(1).get("address"));
            assertEquals("fd00:78::fe", ips.get(1).get("gateway"));
            assertEquals(2, list(r1.get("routes")).size(), r1::toString);
            String ns1 = Lab.nsName(c1);
            assertTrue(Lab.ip(ns1, "route").contains("192.0.2.0/24 via 10.78.0.1 dev eth0"), Lab.ip(ns1, "route"));
            assertTrue(Lab.ip(ns1, "-6", "route").contains("2001:db8::/32 via fd00:78::fe dev eth0"));
            assertTrue(Lab.ip(ns1, "link", "show", "eth0").contains("mtu 1400"));
            String br = Lab.ip(lab.host, "addr", "show", lab.bridge);
            assertTrue(br.contains("PROMISC") && br.contains("inet 10.78.0.1/24") && br.contains("fd00:78::fe/64"), br);
            Lab.assertReachable(ns1, "fd00:78::fe");
            Map<String, Object> r2 = lab.run(Lab.env("ADD", "b", c2, "eth0"), conf).json();
            assertEquals("10.78.0.11/24", list(r2.get("ips")).get(0).get("address"));
            // Range exhausted (10.78.0.10-11): 101, and the IPv6 half of the failed ADD is not left reserved.
            Lab.Outcome full = lab.run(Lab.env("ADD", "c", c3, "eth0"), conf);
            assertEquals(CniException.POOL_EXHAUSTED, full.code(), full::toString);
            assertEquals(List.of("10.78.0.10", "10.78.0.11", "fd00:78::1", "fd00:78::2", "last_reserved_ip.0",
                    "last_reserved_ip.1", "lock"), files(lab.dataDir.resolve("labnet")));
            assertFalse(Lab.ip(Lab.nsName(c3), "link").contains("eth0"));
            // Round-robin: after releasing .10, the next ADD still gets .10 only after wrapping past .11.
            assertEquals(0, lab.run(Lab.env("DEL", "a", c1, "eth0"), conf).exit());
            Map<String, Object> r3 = lab.run(Lab.env("ADD", "c", c3, "eth0"), conf).json();
            assertEquals("10.78.0.10/24", list(r3.get("ips")).get(0).get("address"));
            assertEquals("fd00:78::3/64", list(r3.get("ips")).get(1).get("address"), "IPv6 continues round-robin");
            // STATUS: pool exhausted → 50; after a DEL → ready.
            String st = conf.replace("\"1.0.0\"", "\"1.1.0\"");
            assertEquals(CniException.NOT_AVAILABLE, lab.run(Lab.env("STATUS", null, null, null), st).code());
            assertEquals(0, lab.run(Lab.env("DEL", "b", c2, "eth0"), conf).exit());
            assertEquals(0, lab.run(Lab.env("STATUS", null, null, null), st).exit());
        }
    }

    @Test
    void secondAddForSameAttachmentFailsWithoutHarm() {
        try (Lab lab = new Lab(tmp)) {
            String c = lab.container();
            String conf = lab.v4Conf("1.1.0", "\"isGateway\":true");
            assertEquals(0, lab.run(Lab.env("ADD", "x", c, "eth0"), conf).exit());
            Lab.Outcome again = lab.run(Lab.env("ADD", "x", c, "eth0"), conf);
            assertEquals(CniException.INVALID_ENV, again.code(), again::toString);
            assertTrue(Lab.ip(Lab.nsName(c), "addr", "show", "eth0").contains("10.77.0.2/24"));
            assertTrue(Files.exists(lab.dataDir.resolve("labnet/10.77.0.2")));
            // A second interface of the same container is a separate attachment.
            Map<String, Object> r = lab.run(Lab.env("ADD", "x", c, "net1"), conf).json();
            assertEquals("10.77.0.3/24", list(r.get("ips")).getFirst().get("address"));
        }
    }

    @Test
    void bridgeAddressConflictNeedsForceAddress() {
        try (Lab lab = new Lab(tmp)) {
            Lab.ip(lab.host, "link", "add", lab.bridge, "type", "bridge");
            Lab.ip(lab.host, "addr", "add", "10.99.0.1/24", "dev", lab.bridge);
            String c = lab.container();
            Lab.Outcome conflict = lab.run(Lab.env("ADD", "x", c, "eth0"), lab.v4Conf("1.1.0", "\"isGateway\":true"));
            assertEquals(CniException.INVALID_CONFIG, conflict.code(), conflict::toString);
            assertTrue(conflict.stdout().contains("10.99.0.1/24"), conflict::toString);
            assertTrue(files(lab.dataDir.resolve("labnet")).stream().noneMatch(f -> f.startsWith("10.")),
                    "reservation rolled back");
            assertFalse(Lab.ip(Lab.nsName(c), "link").contains("eth0"), "veth rolled back");
            Lab.Outcome forced = lab.run(Lab.env("ADD", "x", c, "eth0"),
                    lab.v4Conf("1.1.0", "\"isGateway\":true,\"forceAddress\":true"));
            assertEquals(0, forced.exit(), forced::toString);
            String br = Lab.ip(lab.host, "addr", "show", lab.bridge);
            assertTrue(br.contains("10.77.0.1/24") && !br.contains("10.99.0.1"), br);
        }
    }

    @Test
    void bridgeNameTakenByAnotherDeviceIsRejectedUpFront() {
        try (Lab lab = new Lab(tmp)) {
            Lab.ip(lab.host, "link", "add", lab.bridge, "type", "veth", "peer", "name", lab.bridge + "p");
            String conf = lab.v4Conf("1.1.0", "");
            Lab.Outcome add = lab.run(Lab.env("ADD", "x", lab.container(), "eth0"), conf);
            assertEquals(CniException.INVALID_CONFIG, add.code(), add::toString);
            assertFalse(Files.exists(lab.dataDir));
            assertEquals(CniException.NOT_AVAILABLE, lab.run(Lab.env("STATUS", null, null, null), conf).code());
        }
    }

    @Test
    void chainedPrevResultIsExtended() {
        try (Lab lab = new Lab(tmp)) {
            String prev = "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"other0\"}],"
                    + "\"ips\":[{\"address\":\"192.0.2.5/24\",\"interface\":0}],\"dns\":{\"nameservers\":[\"192.0.2.53\"]}}";
            String conf = lab.v4Conf("1.0.0", "\"prevResult\":" + prev);
            Map<String, Object> r = lab.run(Lab.env("ADD", "x", lab.container(), "eth0"), conf).json();
            List<Map<String, Object>> ifaces = list(r.get("interfaces"));
            assertEquals(List.of("other0", lab.bridge), List.of(ifaces.get(0).get("name"), ifaces.get(1).get("name")));
            List<Map<String, Object>> ips = list(r.get("ips"));
            assertEquals(0, ((Number) ips.get(0).get("interface")).intValue());
            assertEquals(3, ((Number) ips.get(1).get("interface")).intValue());
            assertEquals(Map.of("nameservers", List.of("192.0.2.53")), r.get("dns"));
        }
    }

    @Test
    void failureAtAnyAddStepLeavesNothingBehind() {
        try (Lab lab = new Lab(tmp)) {
            String conf = lab.v4Conf("1.1.0", "\"isDefaultGateway\":true,\"ipMasq\":true");
            for (String step : BridgePlugin.ADD_STEPS) {
                String c = lab.container();
                Lab.Outcome out = lab.run(Lab.env("ADD", "f", c, "eth0"), conf, s -> {
                    if (s.equals(step)) throw new IllegalStateException("injected failure at " + step);
                });
                assertEquals(1, out.exit(), step);
                assertEquals(CniException.INTERNAL, out.code(), step);
                assertTrue(out.stdout().contains("injected failure at " + step), out::toString);
                assertFalse(Lab.ip(Lab.nsName(c), "link").contains("eth0"), step + ": container veth left");
                assertFalse(Lab.ip(lab.host, "link").contains("veth"), step + ": host veth left");
                assertFalse(Lab.inNs(lab.host, "iptables-save", "-t", "nat").contains("CNI-"), step + ": rule left");
                if (Files.exists(lab.dataDir.resolve("labnet"))) {
                    assertTrue(files(lab.dataDir.resolve("labnet")).stream().noneMatch(f -> f.startsWith("10.")),
                            step + ": reservation left");
                }
            }
            // And after all that, a clean ADD works.
            assertEquals(0, lab.run(Lab.env("ADD", "f", lab.container(), "eth0"), conf).exit());
        }
    }

    @Test
    void gcReleasesEverythingNotValid() {
        try (Lab lab = new Lab(tmp)) {
            String conf = lab.v4Conf("1.1.0", "\"ipMasq\":true");
            String keep = lab.container(), drop = lab.container();
            assertEquals(0, lab.run(Lab.env("ADD", "keep", keep, "eth0"), conf).exit());
            Map<String, Object> dropped = lab.run(Lab.env("ADD", "drop", drop, "eth0"), conf).json();
            String dropVeth = (String) list(dropped.get("interfaces")).get(1).get("name");
            String gc = conf.replace("\"ipam\":", "\"cni.dev/valid-attachments\":[{\"containerID\":\"keep\",\"ifname\":\"eth0\"}],\"ipam\":");
            Lab.Outcome out = lab.run(Lab.env("GC", null, null, null), gc);
            assertEquals(0, out.exit(), out::toString);
            assertEquals("", out.stdout());
            assertTrue(Files.exists(lab.dataDir.resolve("labnet/10.77.0.2")));
            assertFalse(Files.exists(lab.dataDir.resolve("labnet/10.77.0.3")));
            assertFalse(Lab.ip(lab.host, "link").contains(dropVeth), "leftover host veth removed");
            String nat = Lab.inNs(lab.host, "iptables-save", "-t", "nat");
            assertTrue(nat.contains(Masquerade.chainName("labnet", "keep")));
            assertFalse(nat.contains(Masquerade.chainName("labnet", "drop")), nat);
            // GC for an older cniVersion is refused with code 1.
            assertEquals(CniException.INCOMPATIBLE_VERSION,
                    lab.run(Lab.env("GC", null, null, null), gc.replace("\"1.1.0\"", "\"1.0.0\"")).code());
        }
    }

    @Test
    void delegatesToAnotherIpamPluginFromCniPath() throws Exception {
        try (Lab lab = new Lab(tmp)) {
            Path bin = Files.createDirectories(tmp.resolve("bin"));
            Path log = tmp.resolve("ipam.log");
            Path plugin = bin.resolve("static-ipam");
            Files.writeString(plugin, "#!/bin/sh\n"
                    + "cat > /dev/null\n"
                    + "echo \"$CNI_COMMAND $CNI_CONTAINERID $CNI_IFNAME\" >> " + log + "\n"
                    + "case \"$CNI_COMMAND\" in ADD) echo '{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.66.0.9/24\",\"gateway\":\"10.66.0.1\"}],"
                    + "\"routes\":[{\"dst\":\"198.51.100.0/24\"}]}';; esac\n");
            plugin.toFile().setExecutable(true);
            String conf = lab.conf("1.0.0", "\"isGateway\":true", "{\"type\":\"static-ipam\"}");
            String c = lab.container();
            Map<String, String> env = Lab.env("ADD", "d", c, "eth0");
            env.put("CNI_PATH", "/nonexistent:" + bin);
            Lab.Outcome add = lab.run(env, conf);
            assertEquals(0, add.exit(), add::toString);
            assertEquals("10.66.0.9/24", list(add.json().get("ips")).getFirst().get("address"));
            assertTrue(Lab.ip(Lab.nsName(c), "route").contains("198.51.100.0/24 via 10.66.0.1"));
            env.put("CNI_COMMAND", "DEL");
            assertEquals(0, lab.run(env, conf).exit());
            assertEquals("ADD d eth0\nDEL d eth0\n", Files.readString(log));
            // A plugin that fails: its own error code comes back, nothing is left behind.
            Files.writeString(plugin, "#!/bin/sh\ncat > /dev/null\necho '{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"busy\"}'\nexit 1\n");
            env.put("CNI_COMMAND", "ADD");
            Lab.Outcome busy = lab.run(env, conf);
            assertEquals(CniException.TRY_AGAIN_LATER, busy.code(), busy::toString);
            assertFalse(Lab.ip(Lab.nsName(c), "link").contains("eth0"));
            env.put("CNI_PATH", "/nonexistent");
            assertEquals(CniException.INVALID_CONFIG, lab.run(env, conf).code());
        }
    }

    @Test
    void versionCommand() {
        try (Lab lab = new Lab(tmp)) {
            Lab.Outcome v = lab.run(Map.of("CNI_COMMAND", "VERSION"), "{\"cniVersion\":\"0.4.0\"}");
            assertEquals(0, v.exit());
            assertEquals(Map.of("cniVersion", "0.4.0", "supportedVersions", List.of("0.3.1", "0.4.0", "1.0.0", "1.1.0")),
                    v.json());
            assertEquals("1.1.0", lab.run(Map.of("CNI_COMMAND", "VERSION"), "").json().get("cniVersion"));
        }
    }

    static String withPrevResult(String conf, String result) {
        return conf.substring(0, conf.length() - 1) + ",\"prevResult\":" + result + "}";
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object o) {
        return (List<Map<String, Object>>) o;
    }

    static List<String> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void hostVethNameIsStableAndDistinct() {
        assertEquals(BridgePlugin.hostVethName("a", "eth0"), BridgePlugin.hostVethName("a", "eth0"));
        assertNotEquals(BridgePlugin.hostVethName("a", "eth0"), BridgePlugin.hostVethName("a", "eth1"));
    }
}
