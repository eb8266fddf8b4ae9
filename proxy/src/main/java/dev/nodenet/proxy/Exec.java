package dev.nodenet.proxy;

import dev.nodenet.api.process.Deadline;
import dev.nodenet.netlink.NetNs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

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

    private static final java.time.Duration DEFAULT_TIMEOUT = java.time.Duration.ofSeconds(300);
    private final NetNs netns;
    private final java.time.Duration timeout;

    /** @param netns where the tools run, or null for our own namespace */
    public Exec(NetNs netns) {
        this(netns, DEFAULT_TIMEOUT);
    }

    /** @param timeout how long a command may run, counted from its start (writing its stdin included) */
    Exec(NetNs netns, java.time.Duration timeout) {
        this.netns = netns;
        this.timeout = timeout;
    }

    /** @throws IOException if the program cannot be started or times out */
    public Result run(List<String> command, String stdin) throws IOException {
        return run(command, stdin, null);
    }

    /**
     * Like {@link #run(List, String)}, keeping only the stdout lines {@code keep} accepts (a 10k-Service
     * iptables-save is 45 MB, of which a full sync needs the chain names and the built-in chains' rules).
     */
    public Result run(List<String> command, String stdin, java.util.function.Predicate<String> keep) throws IOException {
        List<String> full = new ArrayList<>();
        if (netns != null) {
            full.add("nsenter");
            full.add("--net=" + netns.path());
        }
        full.addAll(command);
        Process p = new ProcessBuilder(full).start();
        CompletableFuture<String> out = keep == null ? read(p.getInputStream()) : readLines(p.getInputStream(), keep);
        CompletableFuture<String> err = read(p.getErrorStream());
        // The limit counts from the start: a tool that reads its input slowly (iptables-nft-restore on a huge
        // ruleset) must not keep us blocked in the write below for longer than the limit.
        Deadline deadline = Deadline.start(p, timeout);
        // encoded in small chunks on the way: a 10k-Service ruleset is 45 MB, and one more full copy of it is heap
        try (java.io.Writer in = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
            if (stdin != null) in.write(stdin);
        } catch (IOException e) {
            // the tool exited early; its stderr says why
        }
        try {
            p.waitFor();
            if (deadline.expired()) throw new IOException(String.join(" ", command) + " did not finish in " + timeout.toSeconds() + " s");
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

    private static CompletableFuture<String> readLines(InputStream in, java.util.function.Predicate<String> keep) {
        return CompletableFuture.supplyAsync(() -> {
            StringBuilder kept = new StringBuilder();
            try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) if (keep.test(line)) kept.append(line).append('\n');
            } catch (IOException e) {
                // the exit code tells
            }
            return kept.toString();
        }, r -> Thread.ofVirtual().start(r));
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
