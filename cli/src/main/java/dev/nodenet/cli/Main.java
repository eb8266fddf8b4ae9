package dev.nodenet.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ./nodenet SUBCOMMAND [flags]}: the one entry point. Each subcommand parses its own flags and prints its own
 * {@code --help}; this class only dispatches. Exit codes: 0 success, 1 runtime failure, 2 bad usage.
 */
public final class Main {

    /** A subcommand's entry point, returning the process exit code. */
    private interface Body {
        int run(String[] args) throws Exception;
    }

    /** A subcommand: one line of help and its entry point. */
    private record Command(String summary, Body body) {}

    private static Map<String, Command> commands() {
        Map<String, Command> commands = new LinkedHashMap<>();
        commands.put("apiserver", new Command(dev.nodenet.controlplane.ApiServerCommand.SUMMARY,
                args -> dev.nodenet.controlplane.ApiServerCommand.run(args, System.out, System.err)));
        commands.put("node", new Command(NodeCommand.SUMMARY, args -> NodeCommand.run(args, System.out, System.err)));
        commands.put("proxy", new Command(dev.nodenet.proxy.ProxyCommand.SUMMARY,
                args -> dev.nodenet.proxy.ProxyCommand.run(args, System.out, System.err)));
        commands.put("overlay", new Command(dev.nodenet.cni.overlay.OverlayCommand.SUMMARY,
                args -> dev.nodenet.cni.overlay.OverlayCommand.run(args, System.out, System.err)));
        commands.put("install-cni", new Command("Install the CNI plugin executable (type \"nodenet\") into a CNI bin dir (default /opt/cni/bin)",
                args -> dev.nodenet.cni.InstallCni.run(args, System.out, System.err)));
        commands.put("lab", new Command(dev.nodenet.lab.LabCommand.SUMMARY,
                args -> dev.nodenet.lab.LabCommand.run(args, System.out, System.err)));
        commands.put("bench", new Command("Benchmarks, each next to its anchor in the same run: watch-fanout, slice-latency, cni, userspace, iptables", Main::bench));
        commands.put("node-kubeconfig", new Command(dev.nodenet.controlplane.NodeKubeconfigCommand.SUMMARY,
                args -> dev.nodenet.controlplane.NodeKubeconfigCommand.run(args, System.out, System.err)));
        return commands;
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(args, System.out, System.err);
        } catch (Exception e) {
            System.err.println("nodenet: " + e.getMessage());
            code = 1;
        }
        System.exit(code);
    }

    /** {@code ./nodenet bench NAME [flags]}. */
    private static int bench(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println("Usage: ./nodenet bench NAME [flags]   (./nodenet bench NAME --help lists its flags)\n\nBenchmarks:\n"
                    + "  watch-fanout   100 and 1,000 watchers while Services are written at a steady rate; nodenet vs etcd side by side\n"
                    + "  slice-latency  Pod Ready change -> EndpointSlice update at 1k (and 10k) Services x 10 Pods; embedded store vs etcd\n"
                    + "  cni            CNI ADD/DEL latency: our plugin vs the reference bridge + host-local (root)\n"
                    + "  userspace      the userspace proxy vs HAProxy vs direct: HTTP req/s and p99, new connections, bulk TCP, UDP (root)\n"
                    + "  iptables       iptables mode: full/partial sync vs bare iptables-restore, programming latency, daemon RSS (root)");
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (args[0]) {
                case "watch-fanout" -> dev.nodenet.bench.WatchFanout.run(rest, System.out);
                case "slice-latency" -> dev.nodenet.bench.SliceLatency.run(rest, System.out);
                case "cni" -> dev.nodenet.bench.CniLatency.run(rest, System.out);
                case "userspace" -> dev.nodenet.userspace.bench.UserspaceBench.run(rest, System.out);
                case "iptables" -> dev.nodenet.bench.IptablesBench.run(rest, System.out);
                default -> {
                    System.err.println("nodenet bench: unknown benchmark \"" + args[0] + "\"");
                    return 2;
                }
            }
            return 0;
        } catch (dev.nodenet.api.cli.Flags.UsageException e) {
            System.err.println("nodenet bench " + args[0] + ": " + e.getMessage());
            return 2;
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Map<String, Command> commands = commands();
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            usage(commands, args.length == 0 ? err : out);
            return args.length == 0 ? 2 : 0;
        }
        Command command = commands.get(args[0]);
        if (command == null) {
            err.println("nodenet: unknown command \"" + args[0] + "\"");
            usage(commands, err);
            return 2;
        }
        return command.body().run(Arrays.copyOfRange(args, 1, args.length));
    }

    private static void usage(Map<String, Command> commands, PrintStream out) {
        out.println("Usage: ./nodenet COMMAND [flags]   (./nodenet COMMAND --help lists a command's flags)");
        out.println();
        out.println("Commands:");
        commands.forEach((name, c) -> out.printf("  %-16s %s%n", name, c.summary()));
    }
}
