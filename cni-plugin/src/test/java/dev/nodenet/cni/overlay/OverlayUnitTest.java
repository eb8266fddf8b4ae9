package dev.nodenet.cni.overlay;

import dev.nodenet.api.codec.Json;
import dev.nodenet.api.model.Node;
import dev.nodenet.netlink.MacAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The overlay's pure parts: reading peers from Nodes, the stable VTEP MAC, the files and rules it writes. */
class OverlayUnitTest {
    static Node node(String podCidr, String type, String data, String ip) {
        return Json.read("""
                {"metadata":{"name":"n","annotations":{"nodenet.dev/backend-type":%s,"nodenet.dev/backend-data":%s,"nodenet.dev/public-ip":%s}},
                 "spec":{"podCIDR":%s}}""".formatted(q(type), q(data), q(ip), q(podCidr)), Node.class);
    }

    static String q(String s) {
        return s == null ? "null" : "\"" + s.replace("\"", "\\\"") + "\"";
    }

    @Test
    void peersComeFromPodCidrAndPublishedAnnotations() {
        Peer p = Peer.of(node("10.244.3.0/24", "vxlan", "{\"VNI\":1,\"VtepMAC\":\"0a:11:22:33:44:55\"}", "192.168.1.3"));
        assertEquals("10.244.3.0/24", p.podCidr().toString());
        assertEquals("10.244.3.0", p.gateway().getHostAddress());
        assertEquals("192.168.1.3", p.publicIp().getHostAddress());
        assertEquals(MacAddress.parse("0a:11:22:33:44:55"), p.vtepMac());
        assertEquals("10.244.3.0/24", Peer.of(node("10.244.3.7/24", "vxlan", "{\"VtepMAC\":\"0a:11:22:33:44:55\"}", "192.168.1.3")).podCidr().toString(),
                "a host address in podCIDR is normalised to its network");
    }

    @Test
    void nodesNotReadyOrMalformedAreNotPeers() {
        String data = "{\"VtepMAC\":\"0a:11:22:33:44:55\"}";
        assertNull(Peer.of(node(null, "vxlan", data, "192.168.1.3")), "no podCIDR yet");
        assertNull(Peer.of(node("10.244.3.0/24", null, data, "192.168.1.3")), "agent not running there yet");
        assertNull(Peer.of(node("10.244.3.0/24", "host-gw", data, "192.168.1.3")), "another backend");
        assertNull(Peer.of(node("10.244.3.0/24", "vxlan", "{\"VtepMAC\":\"zz\"}", "192.168.1.3")), "bad MAC");
        assertNull(Peer.of(node("10.244.3.0/24", "vxlan", data, "not-an-ip")), "bad IP");
        assertNull(Peer.of(node("10.244.3.0/99", "vxlan", data, "192.168.1.3")), "bad CIDR");
        assertNull(Peer.of(node("fd00::/64", "vxlan", data, "192.168.1.3")), "IPv6 subnets are not on this overlay");
    }

    @Test
    void vtepMacIsStablePerNodeLocallyAdministeredAndUnicast() {
        MacAddress a = Peer.vtepMacFor("node-a");
        assertEquals(a, Peer.vtepMacFor("node-a"));
        assertNotEquals(a, Peer.vtepMacFor("node-b"));
        byte first = a.bytes()[0];
        assertEquals(0x02, first & 0x02, "locally administered");
        assertEquals(0, first & 0x01, "unicast");
    }

    @Test
    void filesAndRules(@TempDir Path dir) throws Exception {
        OverlayConfig c = OverlayConfig.defaults("n1");
        String conflist = HostFiles.conflist(c, "10.244.5.0/24", 1450);
        var tree = Json.mapper().readTree(conflist);
        assertEquals("nodenet", tree.path("plugins").get(0).path("type").asText());
        assertEquals("10.244.5.0/24", tree.path("plugins").get(0).path("ipam").path("ranges").get(0).get(0).path("subnet").asText());
        assertTrue(tree.path("plugins").get(0).path("hairpinMode").asBoolean());
        assertEquals("NODENET_NETWORK=10.244.0.0/16\nNODENET_SUBNET=10.244.5.1/24\nNODENET_MTU=1450\nNODENET_IPMASQ=true\n",
                HostFiles.subnetEnv(c, "10.244.5.0/24", 1450));
        assertTrue(tree.path("plugins").get(0).path("ipam").path("dataDir").isMissingNode(), "no dataDir: the plugin's default");
        var withDir = Json.mapper().readTree(HostFiles.conflist(c.withIpamDataDir(Path.of("/lab/node \"1\"/ipam")), "10.244.5.0/24", 1450));
        assertEquals("/lab/node \"1\"/ipam", withDir.path("plugins").get(0).path("ipam").path("dataDir").asText());
        Path f = dir.resolve("sub/x.conflist");
        assertTrue(HostFiles.writeIfChanged(f, "a"));
        assertFalse(HostFiles.writeIfChanged(f, "a"), "unchanged content is not rewritten");
        assertEquals("a", Files.readString(f));
        String rules = new Masquerade(c).rules();
        assertTrue(rules.contains("-A NODENET-POSTRTG -s 10.244.0.0/16 -d 10.244.0.0/16"), rules);
        assertTrue(rules.contains("-j MASQUERADE --random-fully"), rules);
    }

    @Test
    void badFlagsStopTheCommand() throws Exception {
        for (String[] args : new String[][]{{"--cluster-cidr", "10.244.0.0/33"}, {"--cluster-cidr", "10.244.1.5/16"}, {"--public-ip", "x"},
                {"--resync-period", "0s"}, {"--bogus"}, {"extra"}}) {
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            int code = OverlayCommand.run(args, new java.io.PrintStream(new java.io.ByteArrayOutputStream()), new java.io.PrintStream(err));
            assertEquals(2, code, String.join(" ", args));
            assertTrue(err.toString().startsWith("nodenet overlay: "), err.toString());
        }
    }
}
