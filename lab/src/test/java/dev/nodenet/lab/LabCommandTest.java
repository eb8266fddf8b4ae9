package dev.nodenet.lab;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input to {@code ./nodenet lab} gets a clear message and changes nothing; the spec's naming and addressing. */
class LabCommandTest {
    @TempDir
    Path dir;

    record Outcome(int code, String out, String err) {}

    Outcome lab(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = LabCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                List.of("/bin/false"));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badUsageIsExitTwoWithAMessageAndMakesNothing() {
        String d = dir.resolve("lab").toString();
        assertEquals(2, lab().code());
        Outcome unknown = lab("launch");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown command \"launch\""), unknown.err());
        Outcome zero = lab("up", "--dir", d, "--nodes", "0", "--name", "nnt");
        assertEquals(2, zero.code());
        assertTrue(zero.err().contains("--nodes must be between 1 and 8, got 0"), zero.err());
        assertEquals(2, lab("up", "--dir", d, "--nodes", "9", "--name", "nnt").code());
        Outcome mode = lab("up", "--dir", d, "--mode", "ebpf", "--name", "nnt");
        assertEquals(2, mode.code());
        assertTrue(mode.err().contains("unknown proxy mode \"ebpf\" (known: iptables, ipvs, nftables, userspace)"), mode.err());
        Outcome cidr = lab("up", "--dir", d, "--underlay-cidr", "172.29.0.1/24", "--name", "nnt");
        assertEquals(2, cidr.code());
        assertTrue(cidr.err().contains("host bits set"), cidr.err());
        Outcome name = lab("up", "--dir", d, "--name", "Bad-Name");
        assertEquals(2, name.code());
        assertTrue(name.err().contains("invalid lab name"), name.err());
        assertEquals(2, lab("up", "--dir", d, "--nodes", "two").code());
        assertEquals(2, lab("exec", "--dir", d).code(), "exec needs a target and a command");
        assertFalse(Files.exists(Path.of(d)), "bad input creates nothing");
    }

    @Test
    void downWithNothingRunningSaysSoAndSucceeds() {
        Outcome down = lab("down", "--dir", dir.resolve("none").toString(), "--name", "nnzz");
        assertEquals(0, down.code(), down.err());
        assertTrue(down.out().contains("no lab is running"), down.out());
    }

    @Test
    void statusAndExecWithoutALabExplain() {
        Outcome status = lab("status", "--dir", dir.resolve("none").toString());
        assertEquals(1, status.code());
        assertTrue(status.err().contains("no lab in") && status.err().contains("lab up"), status.err());
        Outcome exec = lab("exec", "--dir", dir.resolve("none").toString(), "node-1", "--", "true");
        assertEquals(1, exec.code());
        assertTrue(exec.err().contains("no lab in"), exec.err());
    }

    @Test
    void execOfAnUnknownNameListsTheKnownOnes() throws Exception {
        LabSpec spec = new LabSpec(dir, "nnx", 2, "iptables", "172.29.0.0/24", 6443, "10.244.0.0/16", List.of("java"), false);
        spec.save();
        new PodRecord("demo", "web-1", "u1", "node-1", "10.244.0.2", spec.podNetns("demo", "web-1"), "c1").save(spec.podsDir());
        Outcome exec = lab("exec", "--dir", dir.toString(), "web-9", "--", "true");
        assertEquals(2, exec.code());
        assertTrue(exec.err().contains("no node or running pod named \"web-9\"") && exec.err().contains("node-1, node-2, demo/web-1"), exec.err());
        assertEquals(spec.podNetns("demo", "web-1"), Lab.resolve(spec, "web-1").orElseThrow());
        assertEquals(spec.podNetns("demo", "web-1"), Lab.resolve(spec, "demo/web-1").orElseThrow());
        assertEquals("nnx-node-2", Lab.resolve(spec, "node-2").orElseThrow());
    }

    @Test
    void specNamesAndAddresses() throws Exception {
        LabSpec s = new LabSpec(dir, "nnlab", 3, "iptables", "172.29.0.0/24", 6443, "10.244.0.0/16", List.of("java", "-cp", "x"), true);
        assertEquals("nnlab0", s.bridge());
        assertEquals("172.29.0.1", s.bridgeIp());
        assertEquals("172.29.0.13", s.nodeIp(3));
        assertEquals("nnlab-node-3", s.nodeNetns(3));
        assertEquals("https://172.29.0.1:6443", s.apiUrl());
        String podNs = s.podNetns("default", "a-very-long-pod-name-that-goes-on");
        assertTrue(podNs.startsWith("nnlab-p-") && podNs.length() <= 16, podNs);
        assertEquals(podNs, s.podNetns("default", "a-very-long-pod-name-that-goes-on"), "stable");
        assertEquals(3, s.nodeIndex("node-3"));
        assertEquals(-1, s.nodeIndex("node-4"));
        assertTrue(s.underlayOverlaps("172.29.0.77/24"));
        assertTrue(s.underlayOverlaps("172.16.0.1/12"), "a wider subnet containing the underlay");
        assertTrue(s.underlayOverlaps("172.29.0.200/32"));
        assertFalse(s.underlayOverlaps("172.29.1.1/24"));
        assertFalse(s.underlayOverlaps("10.0.0.5/8"));
        s.save();
        assertEquals(s, LabSpec.load(dir));
        assertThrows(IllegalArgumentException.class, () -> new LabSpec(dir, "nnlab", 2, "iptables", "fd00::/64", 6443, "10.244.0.0/16", List.of("j"), true));
        assertThrows(IllegalArgumentException.class, () -> new LabSpec(dir, "nnlab", 2, "iptables", "172.29.0.0/28", 6443, "10.244.0.0/16", List.of("j"), true));
    }
}
