package dev.nodenet.e2e;

import dev.nodenet.lab.Lab;
import dev.nodenet.lab.LabCommand;
import dev.nodenet.lab.LabSpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./nodenet lab up} then {@code lab down} through the CLI leaves the machine as it found it: no network
 * namespace, link or process of the lab, the root namespace's iptables rules unchanged, the directory gone. A second
 * {@code up} on a running lab is refused with a clear message; {@code exec} and {@code status} work in between.
 */
@Tag("privileged")
class LabLifecycleTest {
    record Outcome(int code, String out, String err) {}

    static Outcome lab(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = LabCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Lab.launcherForThisJvm());
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** What the lab could leave behind, restricted to names and paths that are the lab's (other work shares the machine). */
    static String snapshot(String name, Path dir) throws Exception {
        StringBuilder b = new StringBuilder();
        for (String l : LabFixture.sh("ip", "netns", "list").split("\n")) if (l.startsWith(name)) b.append("netns ").append(l).append('\n');
        for (String l : LabFixture.sh("ip", "-o", "link", "show").split("\n")) if (l.contains(" " + name)) b.append("link ").append(l).append('\n');
        b.append(rootRules("iptables-save")).append(rootRules("iptables-legacy-save"));
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                    if (cmd.contains(dir.toString())) b.append("process ").append(p.getFileName()).append(' ').append(cmd).append('\n');
                } catch (IOException ignored) {
                    // gone
                }
            }
        }
        if (Files.exists(dir)) b.append("dir ").append(dir).append('\n');
        return b.toString();
    }

    /** The root namespace's rules without counters and comments (they change with traffic, not with rules). */
    static String rootRules(String tool) throws Exception {
        List<String> out = new ArrayList<>();
        for (String l : LabFixture.sh(tool).split("\n")) {
            if (l.startsWith("#") || l.isBlank()) continue;
            out.add(l.replaceAll("\\[\\d+:\\d+]", "[]"));
        }
        return String.join("\n", out) + "\n";
    }

    @Test
    void upExecStatusDownLeavesNothing() throws Exception {
        LabSpec spec = LabFixture.uniqueSpec("iptables", 2);
        String d = spec.dir().toString();
        String before = snapshot(spec.name(), spec.dir());
        try {
            Outcome up = lab("up", "--dir", d, "--name", spec.name(), "--underlay-cidr", spec.underlayCidr(), "--cni-aot=false");
            assertEquals(0, up.code(), up.err() + up.out());
            assertTrue(up.out().contains("kubeconfig: " + spec.kubeconfig()), up.out());
            Outcome again = lab("up", "--dir", d, "--name", spec.name(), "--underlay-cidr", spec.underlayCidr());
            assertEquals(1, again.code());
            assertTrue(again.err().contains("a lab is already running in " + d), again.err());
            Outcome otherDirSameName = lab("up", "--dir", d + "-2", "--name", spec.name(), "--underlay-cidr", spec.underlayCidr());
            assertEquals(1, otherDirSameName.code());
            assertTrue(otherDirSameName.err().contains("already exist"), otherDirSameName.err());
            assertFalse(Files.exists(Path.of(d + "-2")), "a refused up creates nothing");
            Outcome status = lab("status", "--dir", d);
            assertEquals(0, status.code(), status.err());
            assertTrue(status.out().contains("ready") && status.out().contains("iptables"), status.out());
            Outcome exec = lab("exec", "--dir", d, "node-2", "--", "ip", "-4", "-o", "addr", "show", "eth0");
            assertEquals(0, exec.code());
        } finally {
            Outcome down = lab("down", "--dir", d);
            assertEquals(0, down.code(), down.err());
            assertTrue(down.out().contains("nothing left"), down.out());
        }
        assertEquals(before, snapshot(spec.name(), spec.dir()), "lab down leaves the machine as lab up found it");
        Outcome downAgain = lab("down", "--dir", d, "--name", spec.name());
        assertEquals(0, downAgain.code());
        assertTrue(downAgain.out().contains("no lab is running"), downAgain.out());
    }
}
