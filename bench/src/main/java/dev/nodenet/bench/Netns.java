package dev.nodenet.bench;

import dev.nodenet.netlink.NetNs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A throw-away named network namespace for benchmarks ("nn-PREFIX-RANDOM"), removed by {@link #close()} with
 * everything programmed in it; and running programs inside one through {@code nsenter}. Not thread-safe.
 */
final class Netns implements AutoCloseable {
    /** A finished program. */
    record Result(int exitCode, String stdout, String stderr) {
        /** @throws IOException naming {@code what} and its stderr when it failed */
        Result check(String what) throws IOException {
            if (exitCode != 0) throw new IOException(what + " failed (exit " + exitCode + "): " + stderr.strip());
            return this;
        }
    }

    final String name;
    private NetNs handle;

    private Netns(String name) {
        this.name = name;
    }

    static Netns create(String prefix) throws IOException {
        Netns ns = new Netns("nn-" + prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff)));
        exec(null, List.of("ip", "netns", "add", ns.name), null).check("ip netns add " + ns.name);
        try {
            exec(ns, List.of("ip", "link", "set", "lo", "up"), null).check("ip link set lo up");
        } catch (IOException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** The handle the proxy and backends take (opened once, closed with this). */
    NetNs handle() {
        if (handle == null) handle = NetNs.named(name);
        return handle;
    }

    /** Runs {@code command} inside {@code ns} (null: here) with {@code stdin}; waits for it. */
    static Result exec(Netns ns, List<String> command, String stdin) throws IOException {
        List<String> full = new ArrayList<>();
        if (ns != null) full.addAll(List.of("nsenter", "--net=/run/netns/" + ns.name));
        full.addAll(command);
        Process p = new ProcessBuilder(full).start();
        CompletableFuture<String> out = read(p.getInputStream()), err = read(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // exited early; stderr says why
        }
        try {
            return new Result(p.waitFor(), out.join(), err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.getFirst(), e);
        }
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

    @Override
    public void close() throws IOException {
        if (handle != null) handle.close();
        exec(null, List.of("ip", "netns", "del", name), null).check("ip netns del " + name);
    }
}
