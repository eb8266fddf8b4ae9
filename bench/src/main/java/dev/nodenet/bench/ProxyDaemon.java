package dev.nodenet.bench;

import dev.nodenet.proxy.ProxyCommand;

/** {@code ./nodenet proxy} as a main class, for {@link DaemonRss}'s child JVM (the same command, without the launcher). */
public final class ProxyDaemon {
    private ProxyDaemon() {}

    public static void main(String[] args) {
        System.exit(ProxyCommand.run(args, System.out, System.err));
    }
}
