package dev.nodenet.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in host-local IPAM on its own (files only, no namespaces), including interoperation with the reference. */
class HostLocalIpamTest {
    private static final Path REFERENCE = Path.of("/usr/lib/cni/host-local");
    @TempDir Path tmp;

    private String conf(String ranges) {
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"type\":\"nodenet\",\"ipam\":{\"type\":\"host-local\","
                + "\"dataDir\":\"" + tmp + "\",\"ranges\":" + ranges + "}}";
    }

    private static HostLocalIpam ipam(String conf) {
        return new HostLocalIpam(NetConf.parse(conf, "ADD").hostLocal());
    }

    private static CniEnv env(String id, String ifname) {
        return CniEnv.from(Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", id, "CNI_NETNS", "/var/run/netns/x",
                "CNI_IFNAME", ifname));
    }

    private static String addr(CniResult r, int k) {
        return r.ips().get(k).address().toString();
    }

    @Test
    void filesAreCompatibleWithTheReferenceFormat() throws IOException {
        HostLocalIpam ipam = ipam(conf("[[{\"subnet\":\"10.1.0.0/29\"}]]"));
        CniResult r = ipam.add(env("abc", "eth0"));
        assertEquals("10.1.0.2/29", addr(r, 0));
        assertEquals("10.1.0.1", Ips.text(r.ips().getFirst().gateway()));
        Path dir = tmp.resolve("net1");
        assertEquals("abc\r\neth0", Files.readString(dir.resolve("10.1.0.2")));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(dir.resolve("10.1.0.2")));
        assertEquals("10.1.0.2", Files.readString(dir.resolve("last_reserved_ip.0")));
        assertTrue(Files.exists(dir.resolve("lock")));
    }

    @Test
    void roundRobinSkipsGatewayWrapsAndReusesTheSameReservation() {
        HostLocalIpam ipam = ipam(conf("[[{\"subnet\":\"10.1.0.0/29\",\"gateway\":\"10.1.0.3\"}]]"));
        assertEquals("10.1.0.1/29", addr(ipam.add(env("a", "eth0")), 0));
        assertEquals("10.1.0.2/29", addr(ipam.add(env("b", "eth0")), 0));
        assertEquals("10.1.0.4/29", addr(ipam.add(env("c", "eth0")), 0), "gateway .3 skipped");
        assertEquals("10.1.0.2/29", addr(ipam.add(env("b", "eth0")), 0), "same attachment, same address");
        ipam.del(env("a", "eth0"));
        assertEquals("10.1.0.5/29", addr(ipam.add(env("d", "eth0")), 0), "continues after the last one, not at .1");
        assertEquals("10.1.0.6/29", addr(ipam.add(env("e", "eth0")), 0));
        assertEquals("10.1.0.1/29", addr(ipam.add(env("f", "eth0")), 0), "wraps around");
        CniException full = assertThrows(CniException.class, () -> ipam.add(env("g", "eth0")));
        assertEquals(CniException.POOL_EXHAUSTED, full.code());
        assertEquals(CniException.NOT_AVAILABLE, assertThrows(CniException.class, () -> ipam.status(env("x", "y"))).code());
    }

    @Test
    void severalRangesInASetAndDualStack() {
        HostLocalIpam ipam = ipam(conf("[[{\"subnet\":\"10.2.0.0/30\"},{\"subnet\":\"10.3.0.0/24\",\"rangeStart\":\"10.3.0.100\","
                + "\"rangeEnd\":\"10.3.0.101\"}],[{\"subnet\":\"fd00:2::/120\"}]]"));
        CniResult a = ipam.add(env("a", "eth0"));
        assertEquals(List.of("10.2.0.2/30", "fd00:2::2/120"), List.of(addr(a, 0), addr(a, 1)));
        assertEquals("10.3.0.100/24", addr(ipam.add(env("b", "eth0")), 0), "next range of the set");
        assertEquals("10.3.0.1", Ips.text(ipam.add(env("c", "eth0")).ips().getFirst().gateway()));
        ipam.del(env("a", "eth0"));
        assertFalse(Files.exists(tmp.resolve("net1/10.2.0.2")));
        assertFalse(Files.exists(tmp.resolve("net1/fd00:2::2")));
    }

    @Test
    void delReleasesOnlyThatAttachmentAndLegacyIdOnlyFiles() throws IOException {
        HostLocalIpam ipam = ipam(conf("[[{\"subnet\":\"10.1.0.0/24\"}]]"));
        ipam.add(env("a", "eth0"));
        ipam.add(env("a", "net1"));
        Files.writeString(tmp.resolve("net1/10.1.0.50"), "a"); // written by an old plugin: ID only
        ipam.del(env("a", "eth0"));
        assertFalse(Files.exists(tmp.resolve("net1/10.1.0.2")));
        assertTrue(Files.exists(tmp.resolve("net1/10.1.0.3")));
        assertFalse(Files.exists(tmp.resolve("net1/10.1.0.50")));
        ipam.del(env("a", "eth0")); // idempotent
    }

    @Test
    void gcKeepsOnlyValidAttachments() throws IOException {
        HostLocalIpam ipam = ipam(conf("[[{\"subnet\":\"10.1.0.0/24\"}]]"));
        ipam.add(env("keep", "eth0"));
        ipam.add(env("drop", "eth0"));
        ipam.add(env("keep", "net9"));
        List<NetConf.Attachment> released = ipam.gc(env("x", "y"), Set.of(new NetConf.Attachment("keep", "eth0")));
        assertEquals(List.of(new NetConf.Attachment("drop", "eth0"), new NetConf.Attachment("keep", "net9")),
                released.stream().sorted((x, y) -> (x.containerId() + x.ifname()).compareTo(y.containerId() + y.ifname())).toList());
        assertEquals(List.of("10.1.0.2"), ipam.reservations().stream().map(r -> Ips.text(r.ip())).toList());
    }

    @Test
    void referenceHostLocalSharesTheDirectory() throws Exception {
        assumeTrue(Files.isExecutable(REFERENCE), "reference host-local not installed (apt-get install containernetworking-plugins)");
        String conf = conf("[[{\"subnet\":\"10.4.0.0/24\"}]]");
        HostLocalIpam ours = ipam(conf);
        assertEquals("10.4.0.2/24", addr(ours.add(env("ours", "eth0")), 0));
        String refAdd = reference("ADD", "theirs", conf);
        assertTrue(refAdd.contains("\"10.4.0.3/24\""), refAdd);
        assertEquals("10.4.0.4/24", addr(ours.add(env("ours2", "eth0")), 0), "we skip the reference's reservation");
        reference("DEL", "ours", conf);
        assertFalse(Files.exists(tmp.resolve("net1/10.4.0.2")), "the reference released our file");
        ours.del(env("theirs", "eth0"));
        assertFalse(Files.exists(tmp.resolve("net1/10.4.0.3")), "we released the reference's file");
    }

    private String reference(String command, String id, String conf) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(REFERENCE.toString());
        pb.environment().putAll(Map.of("CNI_COMMAND", command, "CNI_CONTAINERID", id, "CNI_NETNS", "/var/run/netns/x",
                "CNI_IFNAME", "eth0", "CNI_PATH", "/usr/lib/cni"));
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(conf.replace("\"type\":\"nodenet\"", "\"type\":\"bridge\"").getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
