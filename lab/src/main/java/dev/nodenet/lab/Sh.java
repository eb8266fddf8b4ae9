package dev.nodenet.lab;

import dev.nodenet.api.process.Deadline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Runs this machine's tools ({@code ip}, {@code iptables-save}, the CNI binary) and collects their output. Any thread. */
final class Sh {
    private Sh() {}

    record Result(int exit, String out) {
        boolean ok() {
            return exit == 0;
        }
    }

    static Result run(List<String> cmd) {
        return run(cmd, Map.of(), null);
    }

    static Result run(String... cmd) {
        return run(List.of(cmd));
    }

    /** Runs {@code cmd} with extra environment and stdin (null: none), stdout and stderr merged; 60 s at most. */
    static Result run(List<String> cmd, Map<String, String> env, String stdin) {
        return run(cmd, env, stdin, java.time.Duration.ofSeconds(60));
    }

    /** As above with {@code limit} (counted from the start) instead of 60 s. */
    static Result run(List<String> cmd, Map<String, String> env, String stdin, java.time.Duration limit) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().putAll(env);
            if (stdin == null) pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            // The limit counts from the start: writing stdin and reading stdout block for as long as the tool runs.
            Deadline deadline = Deadline.start(p, limit);
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // the tool exited (or was stopped) early; its output says why
                }
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = p.waitFor();
            if (deadline.expired()) return new Result(-1, out + "\n(timed out after " + limit.toSeconds() + " s)");
            return new Result(exit, out);
        } catch (IOException e) {
            return new Result(-1, cmd.getFirst() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    /** Runs and throws with the command and its output when it fails. */
    static String check(String... cmd) throws IOException {
        Result r = run(cmd);
        if (!r.ok()) throw new IOException(String.join(" ", cmd) + " failed (exit " + r.exit + "): " + r.out.strip());
        return r.out;
    }
}
