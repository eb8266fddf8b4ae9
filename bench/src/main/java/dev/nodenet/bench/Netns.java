package dev.nodenet.bench;

import dev.nodenet.netlink.NetNs;
import dev.nodenet.proxy.Exec;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A throw-away named network namespace for benchmarks ("nn-PREFIX-RANDOM"), removed by {@link #close()} with
 * everything programmed in it; and running programs inside one (proxy {@link Exec}, nsenter). Not thread-safe.
 */
final class Netns implements AutoCloseable {
    final String name;
    private NetNs handle;

    private Netns(String name) {
        this.name = name;
    }

    static Netns create(String prefix) throws IOException {
        Netns ns = new Netns("nn-" + prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff)));
        execChecked(null, List.of("ip", "netns", "add", ns.name), null);
        try {
            execChecked(ns, List.of("ip", "link", "set", "lo", "up"), null);
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

    /**
     * Runs {@code command} inside {@code ns} (null: here) with {@code stdin} through the proxy's own runner, so the
     * benchmark drives the tools exactly as the backends do.
     * @throws IOException naming the command and its stderr when it exits non-zero
     */
    static Exec.Result execChecked(Netns ns, List<String> command, String stdin) throws IOException {
        Exec.Result r = exec(ns, command, stdin);
        if (!r.ok()) throw new IOException(String.join(" ", command) + " failed (exit " + r.exitCode() + "): " + r.stderr().strip());
        return r;
    }

    /** Like {@link #execChecked} without the check: the caller reads the exit code. */
    static Exec.Result exec(Netns ns, List<String> command, String stdin) throws IOException {
        return new Exec(ns == null ? null : ns.handle()).run(command, stdin);
    }

    @Override
    public void close() throws IOException {
        if (handle != null) handle.close();
        execChecked(null, List.of("ip", "netns", "del", name), null);
    }
}
