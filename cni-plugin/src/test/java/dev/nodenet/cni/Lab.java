package dev.nodenet.cni;

import dev.nodenet.netlink.NetNs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A test lab that never touches the root namespace: a "host" netns (the plugin runs on a thread switched into it, so
 * it is the plugin's host) plus container netns created on demand; unique names ({@code nn-<random>}), a unique
 * bridge name and data directory. {@link #close()} deletes every namespace it made.
 */
final class Lab implements AutoCloseable {
    final String host;
    final NetNs hostNs;
    final String bridge;
    final Path dataDir;
    private final List<String> namespaces = new ArrayList<>();

    Lab(Path tempDir) {
        host = newNetns();
        hostNs = NetNs.named(host);
        bridge = "nnbr" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        dataDir = tempDir.resolve("ipam");
    }

    /** A new container namespace (lo up); returns its path as a runtime would pass it in CNI_NETNS. */
    String container() {
        return "/var/run/netns/" + newNetns();
    }

    String newNetns() {
        String name = "nn-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
        exec("ip", "netns", "add", name);
        synchronized (namespaces) {
            namespaces.add(name);
        }
        exec("ip", "-n", name, "link", "set", "lo", "up");
        return name;
    }

    void deleteNetns(String path) {
        String name = Path.of(path).getFileName().toString();
        exec("ip", "netns", "del", name);
        synchronized (namespaces) {
            namespaces.remove(name);
        }
    }

    /** A config with the lab's bridge and data dir; {@code extra} is spliced into the top-level object. */
    String conf(String version, String extra, String ipam) {
        return "{\"cniVersion\":\"" + version + "\",\"name\":\"labnet\",\"type\":\"nodenet\",\"bridge\":\"" + bridge
                + "\"" + (extra.isEmpty() ? "" : "," + extra) + ",\"ipam\":" + ipam + "}";
    }

    String hostLocal(String ranges) {
        return "{\"type\":\"host-local\",\"dataDir\":\"" + dataDir + "\",\"ranges\":" + ranges + "}";
    }

    String v4Conf(String version, String extra) {
        return conf(version, extra, hostLocal("[[{\"subnet\":\"10.77.0.0/24\"}]]"));
    }

    record Outcome(int exit, String stdout, String stderr) {
        Map<String, Object> json() {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) JsonText.parse(stdout);
            return m;
        }

        int code() {
            return ((Number) json().get("code")).intValue();
        }

        @Override
        public String toString() {
            return "exit " + exit + " stdout " + stdout + " stderr " + stderr;
        }
    }

    static Map<String, String> env(String command, String id, String netns, String ifname) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", command);
        if (id != null) env.put("CNI_CONTAINERID", id);
        if (netns != null) env.put("CNI_NETNS", netns);
        if (ifname != null) env.put("CNI_IFNAME", ifname);
        env.put("CNI_PATH", "/nonexistent");
        return env;
    }

    /** Runs the plugin in-process on a thread inside the host namespace. */
    Outcome run(Map<String, String> env, String stdin) {
        return run(env, stdin, BridgePlugin.NO_HOOK);
    }

    Outcome run(Map<String, String> env, String stdin, BridgePlugin.StepHook hook) {
        return hostNs.call(() -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exit = CniMain.run(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                    hook);
            return new Outcome(exit, out.toString(StandardCharsets.UTF_8).strip(), err.toString(StandardCharsets.UTF_8));
        });
    }

    /** {@code ip -n NS args...} output. */
    static String ip(String ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns));
        cmd.addAll(List.of(args));
        return exec(cmd.toArray(String[]::new));
    }

    static String nsName(String netnsPath) {
        return Path.of(netnsPath).getFileName().toString();
    }

    /** Runs a command inside a namespace ({@code ip netns exec}). */
    static String inNs(String ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(args));
        return exec(cmd.toArray(String[]::new));
    }

    /**
     * Proves IP reachability from namespace {@code ns} to {@code address}: a TCP connect to a closed port must be
     * refused (the peer answered with RST), not time out.
     */
    static void assertReachable(String ns, String address) {
        String family = address.contains(":") ? "AF_INET6" : "AF_INET";
        String out = inNs(ns, "python3", "-c", "import socket\n"
                + "s = socket.socket(socket." + family + ", socket.SOCK_STREAM)\n"
                + "s.settimeout(5)\n"
                + "try:\n    s.connect(('" + address + "', 9))\n    print('connected')\n"
                + "except ConnectionRefusedError:\n    print('refused')\n");
        if (!out.strip().equals("refused") && !out.strip().equals("connected")) {
            throw new AssertionError(address + " not reachable from " + ns + ": " + out);
        }
    }

    static String exec(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timeout: " + String.join(" ", cmd));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        hostNs.close();
        List<String> all;
        synchronized (namespaces) {
            all = new ArrayList<>(namespaces);
        }
        for (String n : all) {
            try {
                exec("ip", "netns", "del", n);
            } catch (RuntimeException ignored) {
                // best-effort cleanup
            }
        }
    }
}
