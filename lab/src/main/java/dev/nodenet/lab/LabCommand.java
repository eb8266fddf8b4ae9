package dev.nodenet.lab;

import dev.nodenet.api.cli.Flags;
import dev.nodenet.api.client.KubeClient;
import dev.nodenet.api.client.Resource;
import dev.nodenet.api.model.Node;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code ./nodenet lab up|status|exec|demo|down}: a multi-node cluster in network namespaces on this machine.
 * Exit codes: 0 success, 1 failure, 2 bad usage. Runs on the caller's thread.
 */
public final class LabCommand {
    public static final String SUMMARY = "A multi-node cluster in network namespaces on this machine: lab up|status|exec|demo|down";
    private static final String USAGE = """
            Usage: ./nodenet lab COMMAND [flags]

              up      [--nodes 2] [--mode iptables] ...   build the lab and return once it is ready (prints the kubeconfig)
              status                                      nodes, pods, modes and health
              exec    NODE|POD -- CMD [ARGS...]           run CMD in that node's or pod's network namespace
              demo    [up flags]                          up if needed, then a Service answering across nodes
              remove-node NODE                            take a node out (pods, daemon, Node object, namespace)
              down                                        stop the lab and remove everything it made

            Every command takes --dir (default <nodenet home>/data/lab); ./nodenet lab up --help lists up's flags.""";

    private LabCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, Lab.launcherForThisJvm());
    }

    /** {@code launcher}: the command that runs {@code nodenet} for the lab's children (tests pass their classpath's). */
    public static int run(String[] args, PrintStream out, PrintStream err, List<String> launcher) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            (args.length == 0 ? err : out).println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "up" -> up(rest, out, err, launcher, false);
                case "demo" -> up(rest, out, err, launcher, true);
                case "down" -> down(rest, out, err);
                case "status" -> status(rest, out, err);
                case "exec" -> exec(rest, out, err);
                case "remove-node" -> removeNode(rest, out);
                case "supervise" -> supervise(rest, err);
                default -> {
                    err.println("nodenet lab: unknown command \"" + args[0] + "\"\n" + USAGE);
                    yield 2;
                }
            };
        } catch (Flags.UsageException | IllegalArgumentException e) {
            err.println("nodenet lab " + args[0] + ": " + e.getMessage());
            return 2;
        } catch (IllegalStateException e) {
            err.println("nodenet lab " + args[0] + ": " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("nodenet lab " + args[0] + ": " + e.getMessage());
            return 1;
        }
    }

    static Path defaultDir() {
        String home = System.getProperty("nodenet.home");
        return (home != null ? Path.of(home) : Path.of("").toAbsolutePath()).resolve("data").resolve("lab");
    }

    private static int up(String[] args, PrintStream out, PrintStream err, List<String> launcher, boolean demo) throws Exception {
        Flags f = new Flags("lab " + (demo ? "demo" : "up"), demo ? "Bring the lab up if it is not running, then run the demo."
                : "Build the lab: underlay bridge, control plane, N node namespaces each running the node daemon; return once ready.");
        var dir = f.string("dir", defaultDir().toString(), "The lab's state directory.");
        var nodes = f.integer("nodes", 2, "Number of nodes (1.." + LabSpec.MAX_NODES + ").");
        var mode = f.string("mode", "iptables", "The node daemons' --proxy-mode: iptables (userspace, ipvs, nftables when this build has them).");
        var name = f.string("name", "nnlab", "Prefix of every network namespace and link the lab makes (bridge NAME0, NAME-node-I, NAME-p-HASH).");
        var underlay = f.string("underlay-cidr", "172.29.0.0/24", "Underlay subnet: .1 is the bridge and API server, .11, .12 ... the nodes.");
        var apiPort = f.integer("api-port", 6443, "The API server's port on the bridge address.");
        var clusterCidr = f.string("cluster-cidr", "10.244.0.0/16", "The pod network; each node gets a /24 of it.");
        var aot = f.bool("cni-aot", true, "Install the CNI plugin with its JDK AOT cache (faster pod start, ~slower lab up).");
        var timeout = f.duration("timeout", Duration.ofMinutes(5), "How long to wait for the lab to become ready.");
        if (!f.parse(args)) {
            f.usage(out);
            return 0;
        }
        if (!f.positional().isEmpty()) throw new Flags.UsageException("unexpected argument: " + f.positional().getFirst());
        Path d = Path.of(dir.get()).toAbsolutePath();
        Lab lab;
        if (demo && Lab.running(d)) {
            lab = Lab.attach(d);
            out.println("lab: using the running lab in " + d);
        } else {
            LabSpec spec = new LabSpec(d, name.get(), nodes.get(), mode.get(), underlay.get(), apiPort.get(), clusterCidr.get(), launcher, aot.get());
            lab = Lab.up(spec, out, timeout.get());
            LabSpec s = lab.spec();
            out.println("lab: ready: " + s.nodes() + " node(s), mode " + s.mode() + ", API server " + s.apiUrl());
            for (int i = 1; i <= s.nodes(); i++) {
                out.println("lab:   " + s.nodeName(i) + "  " + s.nodeIp(i) + "  netns " + s.nodeNetns(i) + "  (curl " + s.nodeIp(i) + ":10249/proxyMode)");
            }
            out.println("lab: kubeconfig: " + s.kubeconfig());
            out.println("lab:   export KUBECONFIG=" + s.kubeconfig() + "; kubectl run web --image=nodenet/echo --port=8080; kubectl expose pod web --port=80 --target-port=8080");
            out.println("lab: ./nodenet lab status | exec NODE|POD -- CMD | down");
        }
        if (demo) Demo.run(lab, out);
        return 0;
    }

    private static Flags dirFlags(String command, String what) {
        return new Flags("lab " + command, what);
    }

    private static int down(String[] args, PrintStream out, PrintStream err) throws IOException {
        Flags f = dirFlags("down", "Stop the lab and remove every namespace, link, process and file it made.");
        var dir = f.string("dir", defaultDir().toString(), "The lab's state directory.");
        var name = f.string("name", "", "The lab's name prefix (default: from DIR/lab.json, else nnlab).");
        if (!f.parse(args)) {
            f.usage(out);
            return 0;
        }
        if (!f.positional().isEmpty()) throw new Flags.UsageException("unexpected argument: " + f.positional().getFirst());
        Path d = Path.of(dir.get()).toAbsolutePath();
        String labName = name.get();
        if (labName.isEmpty()) {
            try {
                labName = LabSpec.load(d).name();
            } catch (IOException e) {
                labName = "nnlab";
            }
        }
        if (!Files.exists(d) && Underlay.existing(new LabSpec(d, labName, 1, "iptables", "172.29.0.0/24", 6443, "10.244.0.0/16", List.of("x"), false)).isEmpty()) {
            out.println("lab: no lab is running (nothing in " + d + ", no network namespaces or links named " + labName + "*)");
            return 0;
        }
        List<String> problems = Lab.down(d, labName, out);
        if (!problems.isEmpty()) {
            err.println("lab: could not remove:");
            problems.forEach(p -> err.println("lab:   " + p));
            return 1;
        }
        out.println("lab: down; nothing left");
        return 0;
    }

    private static Lab attached(Path d) throws IOException {
        if (!Files.exists(LabSpec.specFile(d))) throw new IllegalStateException("no lab in " + d + " (start one with ./nodenet lab up)");
        return Lab.attach(d);
    }

    private static int status(String[] args, PrintStream out, PrintStream err) throws IOException {
        Flags f = dirFlags("status", "Nodes, pods, modes and health of the lab.");
        var dir = f.string("dir", defaultDir().toString(), "The lab's state directory.");
        if (!f.parse(args)) {
            f.usage(out);
            return 0;
        }
        if (!f.positional().isEmpty()) throw new Flags.UsageException("unexpected argument: " + f.positional().getFirst());
        Lab lab = attached(Path.of(dir.get()).toAbsolutePath());
        LabSpec s = lab.spec();
        boolean up = lab.pid("supervisor").isPresent();
        out.println("lab " + s.name() + ": " + (up ? (Files.exists(s.readyFile()) ? "ready" : "starting") : "NOT RUNNING (supervisor gone; ./nodenet lab down)")
                + ", " + s.nodes() + " node(s), mode " + s.mode() + ", dir " + s.dir());
        out.println("  API server   " + s.apiUrl() + "  " + pidText(lab, "apiserver") + "   kubeconfig " + s.kubeconfig());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        KubeClient admin = null;
        try {
            admin = lab.admin();
        } catch (RuntimeException e) {
            out.println("  (cannot read the kubeconfig: " + e.getMessage() + ")");
        }
        out.printf("  %-8s %-14s %-14s %-16s %-22s %-10s %s%n", "NODE", "IP", "NETNS", "POD CIDR", "DAEMON", "PROXYMODE", "HEALTHZ");
        for (int i = 1; i <= s.nodes(); i++) {
            if (lab.removed(s.nodeName(i))) {
                out.printf("  %-8s %-14s removed%n", s.nodeName(i), s.nodeIp(i));
                continue;
            }
            String cidr = "?";
            if (admin != null) {
                try {
                    Node n = admin.get(Resource.NODES, null, s.nodeName(i));
                    cidr = n.spec() == null || n.spec().podCIDR() == null ? "<none>" : n.spec().podCIDR();
                } catch (RuntimeException e) {
                    cidr = "<unknown>";
                }
            }
            int health = Supervisor.healthz(http, s.nodeIp(i));
            out.printf("  %-8s %-14s %-14s %-16s %-22s %-10s %s%n", s.nodeName(i), s.nodeIp(i), s.nodeNetns(i), cidr, pidText(lab, s.nodeName(i)),
                    proxyMode(http, s.nodeIp(i)), health < 0 ? "unreachable" : String.valueOf(health));
        }
        List<PodRecord> pods = PodRecord.all(s.podsDir());
        out.println("  pods running: " + pods.size());
        if (!pods.isEmpty()) out.printf("  %-16s %-24s %-8s %-15s %s%n", "NAMESPACE", "NAME", "NODE", "IP", "NETNS");
        for (PodRecord p : pods) out.printf("  %-16s %-24s %-8s %-15s %s%n", p.namespace(), p.name(), p.node(), p.ip(), p.netns());
        return up ? 0 : 1;
    }

    private static String pidText(Lab lab, String child) {
        return lab.pid(child).map(p -> "pid " + p + " running").orElse("not running");
    }

    private static String proxyMode(HttpClient http, String ip) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":10249/proxyMode")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body().strip() : "HTTP " + r.statusCode();
        } catch (IOException e) {
            return "-";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "-";
        }
    }

    private static int exec(String[] args, PrintStream out, PrintStream err) throws Exception {
        Flags f = dirFlags("exec", "Run a command in a node's or pod's network namespace with this machine's tools: lab exec NODE|POD -- CMD [ARGS...]");
        var dir = f.string("dir", defaultDir().toString(), "The lab's state directory.");
        if (!f.parse(args)) {
            f.usage(out);
            return 0;
        }
        List<String> pos = f.positional();
        if (pos.size() < 2) throw new Flags.UsageException("usage: ./nodenet lab exec NODE|POD -- CMD [ARGS...]");
        Lab lab = attached(Path.of(dir.get()).toAbsolutePath());
        String target = pos.getFirst();
        Optional<String> netns = lab.netnsOf(target);
        if (netns.isEmpty()) {
            List<String> names = new ArrayList<>(lab.spec().nodeNames());
            PodRecord.all(lab.spec().podsDir()).forEach(p -> names.add(p.namespace() + "/" + p.name()));
            err.println("nodenet lab exec: no node or running pod named \"" + target + "\" in the lab (known: " + String.join(", ", names)
                    + "; a pod name in several namespaces needs NAMESPACE/NAME)");
            return 2;
        }
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns.get()));
        cmd.addAll(pos.subList(1, pos.size()));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        return p.waitFor();
    }

    private static int removeNode(String[] args, PrintStream out) throws Exception {
        Flags f = dirFlags("remove-node", "Take a node out of the cluster as when its machine leaves: lab remove-node NODE");
        var dir = f.string("dir", defaultDir().toString(), "The lab's state directory.");
        if (!f.parse(args)) {
            f.usage(out);
            return 0;
        }
        if (f.positional().size() != 1) throw new Flags.UsageException("usage: ./nodenet lab remove-node NODE");
        Lab lab = attached(Path.of(dir.get()).toAbsolutePath());
        lab.removeNode(f.positional().getFirst(), Duration.ofSeconds(120));
        out.println("lab: " + f.positional().getFirst() + " removed: its pods, daemon, Node object and network namespace are gone");
        return 0;
    }

    private static int supervise(String[] args, PrintStream err) throws Exception {
        Flags f = dirFlags("supervise", "Internal: the lab's background process (started by lab up).");
        var dir = f.string("dir", defaultDir().toString(), "The lab's state directory.");
        if (!f.parse(args)) return 0;
        LabSpec spec = LabSpec.load(Path.of(dir.get()).toAbsolutePath());
        return Supervisor.run(spec, System.out);
    }
}
