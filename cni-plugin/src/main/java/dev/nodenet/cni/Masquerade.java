package dev.nodenet.cni;

import dev.nodenet.netlink.IpPrefix;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ipMasq with iptables, laid out like the reference bridge plugin so operators recognise it: per container a nat chain
 * {@code CNI-<24 hex of sha512(network + containerID)>}, jumped to from POSTROUTING for each container address
 * ({@code -s IP}), accepting traffic to the container's subnet and masquerading everything else except multicast;
 * every rule commented {@code name: "<network>" id: "<containerID>"}. Each change is one {@code iptables-restore
 * --noflush} transaction per family; removal first reads {@code iptables-save -t nat} to find the jump rules.
 *
 * <p>Threading: used on the command's thread; children are started from it and so act on its network namespace.
 */
final class Masquerade {
    private static final Pattern JUMP = Pattern.compile("^-A POSTROUTING (.*)-j (CNI-[0-9a-f]{24})\\s*$");
    private static final Pattern COMMENT_ID = Pattern.compile("--comment \"name: \\\\\"(.*?)\\\\\" id: \\\\\"(.*?)\\\\\"\"");

    private final String network;

    Masquerade(String network) {
        this.network = network;
    }

    static String chainName(String network, String containerId) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-512").digest((network + containerId).getBytes(StandardCharsets.UTF_8));
            return "CNI-" + HexFormat.of().formatHex(h).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The comment as it appears quoted in iptables-save output (and is accepted by iptables-restore). */
    private String comment(String containerId) {
        return "\"name: \\\"" + network + "\\\" id: \\\"" + containerId + "\\\"\"";
    }

    /** Fails with code 7 up front if the iptables tools for the needed families are missing. */
    static void requireTools(boolean v4, boolean v6) {
        for (String tool : tools(v4, v6)) {
            if (which(tool) == null) {
                throw new CniException(CniException.INVALID_CONFIG, "ipMasq needs " + tool, "not found in PATH");
            }
        }
    }

    private static List<String> tools(boolean v4, boolean v6) {
        List<String> out = new ArrayList<>();
        if (v4) out.addAll(List.of("iptables-restore", "iptables-save"));
        if (v6) out.addAll(List.of("ip6tables-restore", "ip6tables-save"));
        return out;
    }

    /** Creates the chain and rules for the container's addresses. */
    void add(String containerId, List<IpPrefix> addresses) {
        String chain = chainName(network, containerId);
        String c = comment(containerId);
        for (boolean v4 : new boolean[]{true, false}) {
            List<IpPrefix> fam = addresses.stream().filter(a -> Ips.isV4(a.address()) == v4).toList();
            if (fam.isEmpty()) continue;
            StringBuilder in = new StringBuilder("*nat\n:").append(chain).append(" - [0:0]\n");
            for (IpPrefix a : fam) {
                in.append("-A ").append(chain).append(" -d ").append(a.network()).append(" -m comment --comment ")
                        .append(c).append(" -j ACCEPT\n");
            }
            in.append("-A ").append(chain).append(" ! -d ").append(v4 ? "224.0.0.0/4" : "ff00::/8")
                    .append(" -m comment --comment ").append(c).append(" -j MASQUERADE\n");
            for (IpPrefix a : fam) {
                in.append("-A POSTROUTING -s ").append(new IpPrefix(a.address(), v4 ? 32 : 128))
                        .append(" -m comment --comment ").append(c).append(" -j ").append(chain).append('\n');
            }
            in.append("COMMIT\n");
            run(List.of(v4 ? "iptables-restore" : "ip6tables-restore", "-w", "--noflush"), in.toString());
        }
    }

    /** Removes the container's chain and the jumps to it; succeeds if they are already gone. */
    void remove(String containerId, boolean v4, boolean v6) {
        removeChains(Set.of(chainName(network, containerId)), v4, v6);
    }

    /** True if the container's chain exists in every family it has addresses in. */
    boolean exists(String containerId, List<IpPrefix> addresses) {
        String chain = chainName(network, containerId);
        for (boolean v4 : new boolean[]{true, false}) {
            if (addresses.stream().noneMatch(a -> Ips.isV4(a.address()) == v4)) continue;
            if (!save(v4).contains(":" + chain + " ")) return false;
        }
        return true;
    }

    /**
     * Removes the chains of this network whose container ID is not in {@code validIds} (found through the comments
     * on their POSTROUTING jumps).
     */
    void gc(Set<String> validIds) {
        for (boolean v4 : new boolean[]{true, false}) {
            if (which(v4 ? "iptables-save" : "ip6tables-save") == null) continue;
            Set<String> stale = new LinkedHashSet<>();
            for (String line : save(v4).split("\n")) {
                Matcher j = JUMP.matcher(line);
                if (!j.matches()) continue;
                Matcher cm = COMMENT_ID.matcher(line);
                if (cm.find() && cm.group(1).equals(network) && !validIds.contains(cm.group(2))) stale.add(j.group(2));
            }
            if (!stale.isEmpty()) removeChains(stale, v4, !v4);
        }
    }

    private void removeChains(Set<String> chains, boolean v4, boolean v6) {
        for (boolean fam : new boolean[]{true, false}) {
            if (fam ? !v4 : !v6) continue;
            String saved = save(fam);
            StringBuilder in = new StringBuilder("*nat\n");
            boolean any = false;
            for (String line : saved.split("\n")) {
                Matcher j = JUMP.matcher(line);
                if (j.matches() && chains.contains(j.group(2))) {
                    in.append("-D").append(line.substring(2)).append('\n');
                    any = true;
                }
            }
            for (String chain : chains) {
                if (saved.contains("\n:" + chain + " ")) {
                    in.append("-F ").append(chain).append("\n-X ").append(chain).append('\n');
                    any = true;
                }
            }
            if (any) run(List.of(fam ? "iptables-restore" : "ip6tables-restore", "-w", "--noflush"),
                    in.append("COMMIT\n").toString());
        }
    }

    private static String save(boolean v4) {
        return run(List.of(v4 ? "iptables-save" : "ip6tables-save", "-t", "nat"), null);
    }

    private static String run(List<String> cmd, String stdin) {
        List<String> full = new ArrayList<>(cmd);
        String exe = which(cmd.getFirst());
        if (exe == null) throw new CniException(CniException.INTERNAL, cmd.getFirst() + " not found", "");
        full.set(0, exe);
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
            try (OutputStream o = p.getOutputStream()) {
                if (stdin != null) o.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CniException(CniException.INTERNAL, String.join(" ", cmd) + " timed out", "");
            }
            if (p.exitValue() != 0) {
                throw new CniException(CniException.INTERNAL, String.join(" ", cmd) + " failed",
                        "exit " + p.exitValue() + ": " + out.strip() + (stdin == null ? "" : "\ninput:\n" + stdin));
            }
            return out;
        } catch (IOException e) {
            throw new CniException(CniException.INTERNAL, "failed to run " + cmd.getFirst(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CniException(CniException.INTERNAL, "interrupted running " + cmd.getFirst(), "");
        }
    }

    /** Absolute path of an iptables tool: the usual sbin directories first (runtimes often pass a minimal PATH). */
    static String which(String tool) {
        List<String> dirs = new ArrayList<>(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        String path = System.getenv("PATH");
        if (path != null) dirs.addAll(List.of(path.split(":")));
        for (String d : dirs) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }
}

