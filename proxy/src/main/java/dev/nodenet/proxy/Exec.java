package dev.nodenet.proxy;

import dev.nodenet.netlink.NetNs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a mode's command-line tools (iptables-restore and friends), inside a given network namespace via {@code nsenter --net=PATH} (so the JVM's threads
 * never switch namespace), feeding stdin and collecting output. Thread-safe (no state besides the namespace).
 */
public final class Exec {
    /** A finished command. */
    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private static final long TIMEOUT_SECONDS = 300;
    private final NetNs netns;

    /** @param netns where the tools run, or null for our own namespace */
    public Exec(NetNs netns) {
        this.netns = netns;
    }

    /** @throws IOException if the program cannot be started or times out */
    public Result run(List<String> command, String stdin) throws IOException {
        List<String> full = new ArrayList<>();
        if (netns != null) {
            full.add("nsenter");
            full.add("--net=" + netns.path());
        }
        full.addAll(command);
        Process p = new ProcessBuilder(full).start();
        CompletableFuture<String> out = read(p.getInputStream()), err = read(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the tool exited early; its stderr says why
        }
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.getFirst());
        }
    }

    /** True if {@code program} is on the PATH. */
    public static boolean available(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, program))) return true;
        }
        return false;
    }

    private static CompletableFuture<String> read(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, r -> Thread.ofVirtual().start(r));
    }
}
