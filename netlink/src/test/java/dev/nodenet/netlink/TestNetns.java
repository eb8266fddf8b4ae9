package dev.nodenet.netlink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A uniquely named network namespace ({@code nn-<random>}) for one test, made with {@code ip netns add} and removed by
 * {@link #close()} (also on failure). Provides a {@link NetNs} handle, an {@link RtNetlink} opened inside it, and
 * helpers to run {@code ip -n NAME …} and parse its JSON output.
 */
final class TestNetns implements AutoCloseable {
    final String name;
    final NetNs ns;
    final RtNetlink rt;

    TestNetns() {
        this.name = "nn-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
        exec("ip", "netns", "add", name);
        NetNs opened = null;
        RtNetlink r = null;
        try {
            exec("ip", "-n", name, "link", "set", "lo", "up");
            opened = NetNs.named(name);
            r = RtNetlink.open(opened);
        } catch (RuntimeException e) {
            if (opened != null) opened.close();
            execQuiet("ip", "netns", "del", name);
            throw e;
        }
        this.ns = opened;
        this.rt = r;
    }

    /** Runs {@code ip -n NAME args...} and returns stdout. */
    String ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
        cmd.addAll(List.of(args));
        return exec(cmd.toArray(String[]::new));
    }

    /** Parses {@code ip -n NAME -j -d args...}. */
    List<Map<String, Object>> ipJson(String... args) {
        List<String> cmd = new ArrayList<>(List.of("-j", "-d"));
        cmd.addAll(List.of(args));
        return Json.parseArray(ip(cmd.toArray(String[]::new)));
    }

    /** Runs a command inside the namespace via {@code ip netns exec}. */
    String nsExec(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(args));
        return exec(cmd.toArray(String[]::new));
    }

    static String exec(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timeout: " + String.join(" ", cmd));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue() + ": "
                        + new String(err, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void execQuiet(String... cmd) {
        try {
            exec(cmd);
        } catch (RuntimeException ignored) {
            // best-effort cleanup
        }
    }

    @Override
    public void close() {
        try {
            rt.close();
        } finally {
            try {
                ns.close();
            } finally {
                execQuiet("ip", "netns", "del", name);
            }
        }
    }
}
