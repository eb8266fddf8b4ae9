package dev.nodenet.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The lab's kernel objects, made with this machine's {@code ip}: a bridge {@code NAME0} in the root namespace holding
 * the underlay's first address (the API server listens there), and per node a network namespace {@code NAME-node-I}
 * joined to the bridge by a veth ({@code NAME-node-I} in the root namespace, {@code eth0} in the node) with the node's
 * address, {@code lo} up, a default route via the bridge, and the sysctls a Kubernetes node sets (forwarding, bridged
 * traffic through iptables). Nothing else in the root namespace is touched: no routes, rules or sysctls.
 *
 * <p>{@link #sweep} removes everything named with the lab's prefix — also what a crashed lab left — and returns what
 * it could not remove. Called from {@code lab up}/{@code lab down} on the caller's thread.
 */
final class Underlay {
    private Underlay() {}

    /** Objects that already exist with this lab's names (a second lab with the same name would collide). */
    static List<String> existing(LabSpec spec) {
        List<String> out = new ArrayList<>();
        for (String ns : labNetns(spec.name())) out.add("network namespace " + ns);
        for (String link : labLinks(spec.name())) out.add("link " + link);
        return out;
    }

    /** Addresses of this machine's root namespace inside the underlay subnet (the lab's routes would clash with them). */
    static List<String> clashingAddresses(LabSpec spec) {
        List<String> out = new ArrayList<>();
        for (String line : Sh.run("ip", "-4", "-o", "addr", "show").out().split("\n")) {
            String[] f = line.trim().split("\\s+");
            for (int i = 0; i + 1 < f.length; i++) {
                if (f[i].equals("inet") && f[i + 1].contains("/") && spec.underlayOverlaps(f[i + 1])) out.add(f[i + 1] + " on " + f[1]);
            }
        }
        return out;
    }

    static void create(LabSpec spec) throws IOException {
        String len = "/" + spec.underlayPrefixLength();
        Sh.check("ip", "link", "add", spec.bridge(), "type", "bridge");
        Sh.check("ip", "addr", "add", spec.bridgeIp() + len, "dev", spec.bridge());
        Sh.check("ip", "link", "set", spec.bridge(), "up");
        for (int i = 1; i <= spec.nodes(); i++) {
            String ns = spec.nodeNetns(i);
            Sh.check("ip", "netns", "add", ns);
            Sh.check("ip", "-n", ns, "link", "set", "lo", "up");
            Sh.check("ip", "link", "add", ns, "type", "veth", "peer", "name", "eth0", "netns", ns);
            Sh.check("ip", "link", "set", ns, "master", spec.bridge(), "up");
            Sh.check("ip", "-n", ns, "addr", "add", spec.nodeIp(i) + len, "dev", "eth0");
            Sh.check("ip", "-n", ns, "link", "set", "eth0", "up");
            Sh.check("ip", "-n", ns, "route", "add", "default", "via", spec.bridgeIp());
            Sh.check("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            // Pod -> Service -> pod on the same bridge must pass iptables for the DNAT to be undone on the way back.
            Sh.run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.bridge.bridge-nf-call-iptables=1");
        }
    }

    /**
     * Removes every lab process still alive (pid files, processes inside the lab's namespaces, processes whose
     * command line names the lab directory), network namespace and link with the lab's prefix. Returns problems.
     */
    static List<String> sweep(String name, Path dir) {
        List<String> problems = new ArrayList<>();
        killLabProcesses(name, dir, problems);
        for (String ns : labNetns(name)) {
            Sh.Result r = Sh.run("ip", "netns", "del", ns);
            if (!r.ok()) problems.add("network namespace " + ns + ": " + r.out().strip());
        }
        for (String link : labLinks(name)) {
            Sh.Result r = Sh.run("ip", "link", "del", link);
            if (!r.ok() && labLinks(name).contains(link)) problems.add("link " + link + ": " + r.out().strip());
        }
        return problems;
    }

    private static void killLabProcesses(String name, Path dir, List<String> problems) {
        List<Long> pids = new ArrayList<>();
        for (String ns : labNetns(name)) {
            for (String p : Sh.run("ip", "netns", "pids", ns).out().split("\\s+")) {
                if (p.matches("\\d+")) pids.add(Long.parseLong(p));
            }
        }
        if (dir != null) {
            String needle = dir.toString() + "/";
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                    try {
                        String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                        long pid = Long.parseLong(p.getFileName().toString());
                        if (cmd.contains(needle) && pid != ProcessHandle.current().pid()) pids.add(pid);
                    } catch (IOException | RuntimeException ignored) {
                        // the process ended while we looked
                    }
                }
            } catch (IOException e) {
                problems.add("cannot list /proc: " + e.getMessage());
            }
        }
        List<ProcessHandle> handles = pids.stream().distinct().map(ProcessHandle::of).flatMap(java.util.Optional::stream).toList();
        handles.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + 10_000_000_000L;
        for (ProcessHandle h : handles) {
            while (h.isAlive() && System.nanoTime() < deadline) sleep(100);
            if (h.isAlive()) h.destroyForcibly();
        }
        for (ProcessHandle h : handles) {
            for (int i = 0; i < 50 && h.isAlive(); i++) sleep(100);
            if (h.isAlive()) problems.add("process " + h.pid() + " (" + h.info().command().orElse("?") + ") did not stop");
        }
    }

    static List<String> labNetns(String name) {
        List<String> out = new ArrayList<>();
        for (String line : Sh.run("ip", "netns", "list").out().split("\n")) {
            String ns = line.split("\\s+")[0];
            if (ns.startsWith(name + "-")) out.add(ns);
        }
        return out;
    }

    static List<String> labLinks(String name) {
        List<String> out = new ArrayList<>();
        for (String line : Sh.run("ip", "-o", "link", "show").out().split("\n")) {
            String[] f = line.split(":\\s+");
            if (f.length < 2) continue;
            String link = f[1].split("@")[0];
            if (link.equals(name + "0") || link.startsWith(name + "-")) out.add(link);
        }
        return out;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String join(String... parts) {
        return String.join(" ", Arrays.asList(parts));
    }
}
