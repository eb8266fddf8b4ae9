package dev.nodenet.cni;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real container runtime on our plugin: podman's CNI backend (runc, cgroupfs) runs two busybox containers on a
 * conflist whose plugin is {@code nodenet}; each gets an address and one reaches the other; removing them leaves no
 * reservation and no veth. podman runs inside a throw-away network namespace (entered with nsenter, which keeps
 * /sys and the cgroup mounts), so the bridge and veths never touch the root namespace; its storage (vfs driver) and
 * configuration live in a temp directory. The image is imported from a busybox rootfs: no registry needed.
 */
@Tag("privileged")
class PodmanPrivilegedTest {
    @TempDir
    Path dir;

    @Test
    void podmanContainersGetAddressesAndTalk() throws Exception {
        String hostNs = "nn-pm-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        Path bin = dir.resolve("bin"), netd = dir.resolve("net.d"), ipam = dir.resolve("ipam");
        Files.createDirectories(netd);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, InstallCni.run(new String[]{bin.toString(), "--classpath", System.getProperty("java.class.path"), "--no-aot"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err)), err::toString);
        Files.writeString(netd.resolve("nnpodman.conflist"), """
                {"cniVersion":"1.0.0","name":"nnpodman","plugins":[{"type":"nodenet","bridge":"pmbr0","isGateway":true,
                 "isDefaultGateway":true,"ipMasq":false,"ipam":{"type":"host-local","ranges":[[{"subnet":"10.99.0.0/24"}]],"dataDir":"%s"}}]}
                """.formatted(ipam));
        Path conf = Files.writeString(dir.resolve("containers.conf"), """
                [containers]
                default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
                [engine]
                cgroup_manager = "cgroupfs"
                runtime = "runc"
                events_logger = "file"
                [network]
                network_backend = "cni"
                cni_plugin_dirs = ["%s"]
                network_config_dir = "%s"
                """.formatted(bin, netd));
        Path rootfs = dir.resolve("rootfs/bin");
        Files.createDirectories(rootfs);
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("busybox"));
        for (String tool : List.of("sh", "ip", "sleep", "ping")) Files.createSymbolicLink(rootfs.resolve(tool), Path.of("busybox"));
        run("tar", "-C", dir.resolve("rootfs").toString(), "-cf", dir.resolve("rootfs.tar").toString(), ".");

        run("ip", "netns", "add", hostNs);
        try {
            run("ip", "-n", hostNs, "link", "set", "lo", "up");
            podman(conf, hostNs, "import", dir.resolve("rootfs.tar").toString(), "localhost/nodenet-busybox:test");
            podman(conf, hostNs, "run", "-d", "--name", "c1", "--network", "nnpodman", "localhost/nodenet-busybox:test", "sleep", "60");
            String addr = podman(conf, hostNs, "exec", "c1", "ip", "-4", "-o", "addr", "show", "eth0");
            Matcher m = Pattern.compile("inet (10\\.99\\.0\\.\\d+)/24").matcher(addr);
            assertTrue(m.find(), "c1 has an address from our IPAM: " + addr);
            String c2 = podman(conf, hostNs, "run", "--rm", "--cap-add", "NET_RAW", "--network", "nnpodman", "localhost/nodenet-busybox:test",
                    "ping", "-c", "2", "-W", "2", m.group(1));
            assertTrue(c2.contains("2 packets received"), c2);
            podman(conf, hostNs, "rm", "-f", "c1");
            try (var files = Files.list(ipam.resolve("nnpodman"))) {
                assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(f -> f.startsWith("10.")).toList(), "no reservation left");
            }
            assertEquals("", run("ip", "-n", hostNs, "-o", "link", "show", "master", "pmbr0").strip(), "no veth left");
        } finally {
            podmanQuietly(conf, hostNs, "rm", "-a", "-f");
            run("ip", "netns", "del", hostNs);
        }
    }

    private String podman(Path conf, String ns, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=/var/run/netns/" + ns, "podman", "--root", dir.resolve("storage").toString(),
                "--runroot", dir.resolve("run").toString(), "--storage-driver", "vfs"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("CONTAINERS_CONF", conf.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("podman " + String.join(" ", args) + " hung");
        }
        if (p.exitValue() != 0) throw new AssertionError("podman " + String.join(" ", args) + " failed (" + p.exitValue() + "): " + out);
        return out;
    }

    private void podmanQuietly(Path conf, String ns, String... args) {
        try {
            podman(conf, ns, args);
        } catch (Exception | AssertionError ignored) {
            // best effort clean-up
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }
}
