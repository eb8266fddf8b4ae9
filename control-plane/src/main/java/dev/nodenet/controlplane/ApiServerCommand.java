package dev.nodenet.controlplane;

import dev.nodenet.api.cli.Flags;
import dev.nodenet.controlplane.controller.ControllerConfig;
import dev.nodenet.controlplane.server.ApiServer;
import dev.nodenet.controlplane.service.ServiceNetworkConfig;

import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** {@code ./nodenet apiserver}: flags → {@link ApiServer.Config}, start, log where it listens, run until SIGTERM/SIGINT. */
public final class ApiServerCommand {
    private ApiServerCommand() {}

    public static final String SUMMARY = "Kubernetes-compatible API server (HTTPS, embedded durable store) that kubectl drives";

    /** Entry point for running the API server alone (tests start it as a child process this way). */
    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Flags flags = new Flags("apiserver", SUMMARY + ".\nState (database, certificates, tokens, admin.kubeconfig) lives in --data-dir.");
        Flags.Flag<String> dataDir = flags.string("data-dir", defaultDataDir().toString(), "Directory for the database, PKI, tokens and admin.kubeconfig; created if missing.");
        Flags.Flag<String> bind = flags.string("bind-address", "127.0.0.1", "IP address to listen on (0.0.0.0 for all IPv4 interfaces).");
        Flags.Flag<Integer> port = flags.integer("secure-port", 6443, "HTTPS port (0 picks a free port).");
        Flags.Flag<Duration> minRequestTimeout = flags.duration("min-request-timeout", Duration.ofMinutes(30),
                "Watches without timeoutSeconds last between this and twice this.");
        Flags.Flag<Duration> compaction = flags.duration("compaction-interval", Duration.ofMinutes(5), "How often old revisions are compacted.");
        Flags.Flag<Integer> retain = flags.integer("compaction-retain-revisions", 10_000, "Recent revisions kept available to watches after compaction.");
        List<URI> etcd;
        ServiceNetworkConfig network;
        ControllerConfig controllers;
        Flags.Flag<String> sans = flags.string("tls-san", "", "Extra comma-separated DNS names or IPs for the serving certificate.");
        Flags.Flag<String> serviceRange = flags.string("service-cluster-ip-range", ServiceNetworkConfig.DEFAULT_CLUSTER_IP_RANGE,
                "CIDR(s) Service ClusterIPs come from; a second, IPv6 range makes Services dual-stack (comma-separated).");
        Flags.Flag<String> nodePortRange = flags.string("service-node-port-range", ServiceNetworkConfig.DEFAULT_NODE_PORT_RANGE, "Port range NodePorts come from.");
        Flags.Flag<String> advertise = flags.string("advertise-address", "", "IP the kubernetes Service's endpoints point at (default: the bind address).");
        Flags.Flag<String> clusterCidr = flags.string("cluster-cidr", "10.244.0.0/16",
                "CIDR(s) Node pod CIDRs come from (comma-separated, one per family); empty turns pod CIDR allocation off.");
        Flags.Flag<Integer> maskV4 = flags.integer("node-cidr-mask-size-ipv4", 24, "Prefix length of each Node's IPv4 pod CIDR.");
        Flags.Flag<Integer> maskV6 = flags.integer("node-cidr-mask-size-ipv6", 64, "Prefix length of each Node's IPv6 pod CIDR.");
        Flags.Flag<Integer> maxPerSlice = flags.integer("max-endpoints-per-slice", 100, "Most endpoints the EndpointSlice controller puts in one slice.");
        Flags.Flag<String> etcdServers = flags.string("etcd-servers", "", "Comma-separated etcd client URLs (http://host:port). Empty: the embedded SQLite store in --data-dir.");
        Flags.Flag<String> etcdPrefix = flags.string("etcd-prefix", "/nodenet", "Prefix of every key in etcd, so several clusters can share one etcd.");
        Flags.Flag<String> tokenFile = flags.string("token-auth-file", "", "Static tokens in kube-apiserver's CSV format: token,user,uid,\"group1,group2\". "
                + "Group system:masters is admin; system:node:NAME in system:nodes is a node.");
        try {
            if (!flags.parse(args)) {
                flags.usage(out);
                return 0;
            }
            if (!flags.positional().isEmpty()) throw new Flags.UsageException("unexpected argument: " + flags.positional().getFirst());
            if (port.get() < 0 || port.get() > 65535) throw new Flags.UsageException("invalid --secure-port " + port.get() + ": must be 0-65535");
            if (retain.get() < 1) throw new Flags.UsageException("invalid --compaction-retain-revisions " + retain.get() + ": must be at least 1");
            if (compaction.get().isZero() || compaction.get().isNegative()) throw new Flags.UsageException("invalid --compaction-interval: must be positive");
            if (!isIpLiteral(bind.get())) throw new Flags.UsageException("invalid --bind-address \"" + bind.get() + "\": must be an IP address");
            etcd = parseEtcdServers(etcdServers.get());
            try {
                network = ServiceNetworkConfig.parse(serviceRange.get(), nodePortRange.get());
            } catch (IllegalArgumentException e) {
                throw new Flags.UsageException(e.getMessage());
            }
            try {
                controllers = ControllerConfig.defaults().withMaxEndpointsPerSlice(maxPerSlice.get())
                        .withClusterCidrs(clusterCidr.get().isBlank() ? List.of() : Arrays.stream(clusterCidr.get().split(",")).map(String::strip).toList())
                        .withNodeCidrMaskSizes(maskV4.get(), maskV6.get());
            } catch (IllegalArgumentException e) {
                throw new Flags.UsageException(e.getMessage());
            }
            if (!advertise.get().isEmpty() && !isIpLiteral(advertise.get())) throw new Flags.UsageException("invalid --advertise-address \"" + advertise.get() + "\": must be an IP address");
            if (!etcdPrefix.get().startsWith("/")) throw new Flags.UsageException("invalid --etcd-prefix \"" + etcdPrefix.get() + "\": must start with /");
        } catch (Flags.UsageException e) {
            err.println("nodenet apiserver: " + e.getMessage());
            return 2;
        }
        List<String> extra = sans.get().isBlank() ? List.of() : Arrays.stream(sans.get().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        ApiServer.Config config = new ApiServer.Config(Path.of(dataDir.get()), bind.get(), port.get(), minRequestTimeout.get(),
                Duration.ofSeconds(30), compaction.get(), retain.get(), extra, tokenFile.get().isEmpty() ? null : Path.of(tokenFile.get()), etcd, etcdPrefix.get(), network, advertise.get().isEmpty() ? null : advertise.get(), controllers,
                Duration.ofSeconds(15));
        ApiServer server;
        try {
            server = ApiServer.start(config);
        } catch (java.io.IOException | RuntimeException e) {
            err.println("nodenet apiserver: cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "apiserver-shutdown"));
        err.println("nodenet apiserver: serving on " + server.url() + " (data in " + config.dataDir().toAbsolutePath() + ")");
        err.println("nodenet apiserver: kubeconfig at " + server.kubeconfig() + "  ->  export KUBECONFIG=" + server.kubeconfig());
        stopped.await();
        return 0;
    }

    static List<URI> parseEtcdServers(String value) {
        if (value.isBlank()) return List.of();
        List<URI> uris = new java.util.ArrayList<>();
        for (String part : value.split(",")) {
            String t = part.strip();
            try {
                URI u = new URI(t);
                if (!"http".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 1 || (u.getPath() != null && !u.getPath().isEmpty() && !u.getPath().equals("/"))) {
                    throw new URISyntaxException(t, "want http://host:port (TLS to etcd is not supported yet)");
                }
                uris.add(u);
            } catch (URISyntaxException e) {
                throw new Flags.UsageException("invalid --etcd-servers entry \"" + t + "\": " + e.getReason());
            }
        }
        return List.copyOf(uris);
    }

    private static boolean isIpLiteral(String s) {
        return s.matches("\\d{1,3}(\\.\\d{1,3}){3}") && Arrays.stream(s.split("\\.")).allMatch(o -> Integer.parseInt(o) <= 255)
                || s.contains(":") && s.matches("[0-9a-fA-F:.]+");
    }

    /** {@code <repo>/data/apiserver} when run through ./nodenet, else {@code ./nodenet-data/apiserver}. */
    static Path defaultDataDir() {
        String home = System.getProperty("nodenet.home");
        return home != null ? Path.of(home, "data", "apiserver") : Path.of("nodenet-data", "apiserver");
    }
}
