package dev.nodenet.cni.overlay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * flannel's masquerade and forward rules under our names: pod traffic leaving the cluster CIDR is masqueraded
 * ({@code --random-fully}), pod-to-pod traffic keeps its source, packets kube-proxy marked 0x4000 are left to
 * kube-proxy's own POSTROUTING; FORWARD accepts the cluster CIDR both ways. The chains are replaced in one
 * iptables-restore; the jumps from POSTROUTING and FORWARD are added once. Called on the agent's reconcile thread.
 */
final class Masquerade {
    static final String POSTROUTING_CHAIN = "NODENET-POSTRTG";
    static final String FORWARD_CHAIN = "NODENET-FWD";

    private final OverlayConfig config;

    Masquerade(OverlayConfig config) {
        this.config = config;
    }

    String rules() {
        String cidr = config.clusterCidr();
        StringBuilder b = new StringBuilder();
        b.append("*nat\n:").append(POSTROUTING_CHAIN).append(" - [0:0]\n");
        b.append("-A ").append(POSTROUTING_CHAIN).append(" -m mark --mark 0x4000/0x4000 -m comment --comment \"kube-proxy masquerades these\" -j RETURN\n");
        b.append("-A ").append(POSTROUTING_CHAIN).append(" -s ").append(cidr).append(" -d ").append(cidr)
                .append(" -m comment --comment \"pod to pod keeps its source\" -j RETURN\n");
        if (config.ipMasq()) {
            b.append("-A ").append(POSTROUTING_CHAIN).append(" -s ").append(cidr).append(" ! -d 224.0.0.0/4")
                    .append(" -m comment --comment \"pods leaving the cluster network\" -j MASQUERADE --random-fully\n");
        }
        b.append("COMMIT\n*filter\n:").append(FORWARD_CHAIN).append(" - [0:0]\n");
        b.append("-A ").append(FORWARD_CHAIN).append(" -s ").append(cidr).append(" -m comment --comment \"pod network\" -j ACCEPT\n");
        b.append("-A ").append(FORWARD_CHAIN).append(" -d ").append(cidr).append(" -m comment --comment \"pod network\" -j ACCEPT\n");
        b.append("COMMIT\n");
        return b.toString();
    }

    void apply() throws IOException {
        run(List.of("iptables-restore", "--noflush", "-w", "5"), rules());
        ensureJump("nat", "POSTROUTING", POSTROUTING_CHAIN, true);
        // Appended, as flannel does: kube-proxy prepends its FORWARD jumps, and its REJECT of Services without
        // endpoints (KUBE-SERVICES) and DROP of INVALID packets must see pod traffic before our blanket ACCEPT.
        ensureJump("filter", "FORWARD", FORWARD_CHAIN, false);
    }

    /** Removes the jumps and chains (agent clean-up); missing pieces are fine. */
    void remove() throws IOException {
        for (String[] t : new String[][]{{"nat", "POSTROUTING", POSTROUTING_CHAIN}, {"filter", "FORWARD", FORWARD_CHAIN}}) {
            while (exec(List.of("iptables", "-w", "5", "-t", t[0], "-D", t[1], "-j", t[2]), null).exit == 0) {
                // a jump may have been added twice by hand; remove all
            }
            exec(List.of("iptables", "-w", "5", "-t", t[0], "-F", t[2]), null);
            exec(List.of("iptables", "-w", "5", "-t", t[0], "-X", t[2]), null);
        }
    }

    private void ensureJump(String table, String from, String to, boolean first) throws IOException {
        if (exec(List.of("iptables", "-w", "5", "-t", table, "-C", from, "-j", to), null).exit == 0) return;
        run(first ? List.of("iptables", "-w", "5", "-t", table, "-I", from, "1", "-j", to)
                : List.of("iptables", "-w", "5", "-t", table, "-A", from, "-j", to), null);
    }

    private void run(List<String> cmd, String stdin) throws IOException {
        Result r = exec(cmd, stdin);
        if (r.exit != 0) throw new IOException(String.join(" ", cmd) + " failed (exit " + r.exit + "): " + r.output.strip());
    }

    private record Result(int exit, String output) {}

    private Result exec(List<String> cmd, String stdin) throws IOException {
        List<String> full = new ArrayList<>();
        if (config.netnsName() != null) full.addAll(List.of("ip", "netns", "exec", config.netnsName()));
        full.addAll(cmd);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", full) + " did not finish in 30 s");
            }
            return new Result(p.exitValue(), out);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + String.join(" ", full), e);
        }
    }
}
