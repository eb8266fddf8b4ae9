package dev.nodenet.cni;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ADDs killed with SIGKILL at different moments (before, during and after their work), as a runtime's timeout or an
 * OOM kill would: a GC with no valid attachments afterwards leaves no veth, no reservation and no masquerade chain.
 */
@Tag("privileged")
class KilledAddPrivilegedTest {
    @TempDir
    Path tmp;

    @Test
    void gcCleansUpAfterAddsKilledMidway() throws Exception {
        try (Lab lab = new Lab(tmp)) {
            String conf = lab.v4Conf("1.1.0", "\"isGateway\":true,\"ipMasq\":true");
            String java = ProcessHandle.current().info().command().orElseThrow();
            List<String> containers = new ArrayList<>();
            long[] killAfterMs = {50, 150, 250, 350, 450, 600, 800, 1200};
            for (int i = 0; i < killAfterMs.length; i++) {
                String c = lab.container();
                containers.add(c);
                ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", lab.host, java, "--enable-native-access=ALL-UNNAMED",
                        "-cp", System.getProperty("java.class.path"), CniMain.class.getName());
                pb.environment().putAll(Lab.env("ADD", "killed" + i, c, "eth0"));
                pb.redirectErrorStream(true).redirectOutput(tmp.resolve("out" + i).toFile());
                Process p = pb.start();
                p.getOutputStream().write(conf.getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().close();
                Thread.sleep(killAfterMs[i]);
                // ip netns exec execs the JVM in place, so the process we started is the plugin itself
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            long vethsBefore = Lab.ip(lab.host, "-o", "link", "show", "master", lab.bridge).lines().count();
            long unfinished = IntStream.range(0, killAfterMs.length)
                    .filter(i -> !readQuietly(tmp.resolve("out" + i)).contains("\"interfaces\"")).count();
            assertTrue(vethsBefore > 0, "some ADDs got far enough to leave state for GC");
            assertTrue(unfinished > 0, "some ADDs were killed before they answered");
            String gc = conf.replaceFirst("\\{", "{\"cni.dev/valid-attachments\":[],");
            Lab.Outcome out = lab.run(Map.of("CNI_COMMAND", "GC", "CNI_PATH", "/nonexistent"), gc);
            assertEquals(0, out.exit(), out::toString);

            assertEquals("", Lab.ip(lab.host, "-o", "link", "show", "master", lab.bridge).strip(), "no veth left on the bridge");
            Path dir = lab.dataDir.resolve("labnet");
            List<String> reservations = Files.exists(dir) ? BridgePluginPrivilegedTest.files(dir).stream().filter(f -> f.startsWith("10.")).toList() : List.of();
            assertEquals(List.of(), reservations, "no reservation left");
            assertTrue(Lab.inNs(lab.host, "iptables-save", "-t", "nat").lines().noneMatch(l -> l.startsWith(":CNI-") || l.contains("-j CNI-")),
                    "no masquerade chain left");
        }
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
