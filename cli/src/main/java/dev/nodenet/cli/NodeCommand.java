package dev.nodenet.cli;

import dev.nodenet.cni.overlay.OverlayCommand;
import dev.nodenet.proxy.ProxyCommand;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code ./nodenet node}: the DaemonSet's command — the proxy and the overlay agent in one process. Flags go to the
 * proxy (kube-proxy's names) except {@code --overlay-*} ones, which go to the overlay agent without the prefix;
 * {@code --kubeconfig}, {@code --hostname-override} and {@code --cluster-cidr} go to both. {@code --disable-proxy} and
 * {@code --disable-overlay} turn a part off. Each part runs on its own thread; the process ends when one part fails
 * (with its exit code) or on SIGTERM.
 */
final class NodeCommand {
    private NodeCommand() {}

    static final String SUMMARY = "The node daemon (DaemonSet command): proxy + VXLAN overlay agent in one process";
    private static final Set<String> SHARED = Set.of("--kubeconfig", "--hostname-override", "--cluster-cidr");

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        List<String> proxy = new ArrayList<>(), overlay = new ArrayList<>();
        boolean runProxy = true, runOverlay = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                out.println("Usage: ./nodenet node [proxy flags] [--overlay-FLAG value ...] [--disable-proxy] [--disable-overlay]\n\n" + SUMMARY
                        + ".\nProxy flags: ./nodenet proxy --help. Overlay flags (prefix them with --overlay-): ./nodenet overlay --help.\n"
                        + "--kubeconfig, --hostname-override and --cluster-cidr are given to both parts.");
                return 0;
            }
            if (a.equals("--disable-proxy")) {
                runProxy = false;
                continue;
            }
            if (a.equals("--disable-overlay")) {
                runOverlay = false;
                continue;
            }
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            boolean inline = a.contains("=");
            String value = null;
            if (!inline && i + 1 < args.length && !args[i + 1].startsWith("--") && name.startsWith("--")) value = args[++i];
            if (name.startsWith("--overlay-")) {
                overlay.add("--" + name.substring("--overlay-".length()) + (inline ? a.substring(a.indexOf('=')) : ""));
                if (value != null) overlay.add(value);
            } else {
                proxy.add(a);
                if (value != null) proxy.add(value);
                if (SHARED.contains(name)) {
                    overlay.add(a);
                    if (value != null) overlay.add(value);
                }
            }
        }
        if (!runProxy && !runOverlay) {
            err.println("nodenet node: both parts are disabled; nothing to run");
            return 2;
        }
        CompletableFuture<Integer> proxyDone = runProxy ? start("node-proxy", () -> ProxyCommand.run(proxy.toArray(String[]::new), out, err)) : new CompletableFuture<>();
        CompletableFuture<Integer> overlayDone = runOverlay ? start("node-overlay", () -> OverlayCommand.run(overlay.toArray(String[]::new), out, err)) : new CompletableFuture<>();
        // The first part to stop decides: a failure (bad flags, lost API server credentials) ends the daemon.
        return (Integer) CompletableFuture.anyOf(proxyDone, overlayDone).get();
    }

    private interface Part {
        int run() throws Exception;
    }

    private static CompletableFuture<Integer> start(String name, Part part) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        Thread.ofPlatform().name(name).start(() -> {
            try {
                done.complete(part.run());
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        });
        return done.exceptionallyCompose(e -> CompletableFuture.completedFuture(1));
    }
}
