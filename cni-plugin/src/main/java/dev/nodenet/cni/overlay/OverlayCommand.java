package dev.nodenet.cni.overlay;

import dev.nodenet.api.cli.Flags;
import dev.nodenet.api.client.KubeClient;
import dev.nodenet.api.client.KubeConfig;
import dev.nodenet.netlink.IpPrefix;

import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./nodenet overlay}: runs the overlay agent alone (the node daemon runs it next to the proxy). Flags follow
 * flannel's and kube-proxy's names where they exist.
 */
public final class OverlayCommand {
    private OverlayCommand() {}

    public static final String SUMMARY = "VXLAN overlay agent: this node's podCIDR -> CNI config; peer Nodes -> VXLAN FDB/neighbour/route";

    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Flags flags = new Flags("overlay", SUMMARY + ".");
        Flags.Flag<String> kubeconfig = flags.string("kubeconfig", "", "Path to a kubeconfig (default: in-cluster service account).");
        Flags.Flag<String> nodeName = flags.string("hostname-override", "", "This node's Node name (default: the host name).");
        Flags.Flag<String> clusterCidr = flags.string("cluster-cidr", "10.244.0.0/16", "The pod network of the whole cluster.");
        Flags.Flag<String> publicIp = flags.string("public-ip", "", "This node's underlay address (default: the Node's InternalIP, else the default route's source).");
        Flags.Flag<String> cniConfDir = flags.string("cni-conf-dir", "/etc/cni/net.d", "Where to write " + HostFiles.CONFLIST_NAME + ".");
        Flags.Flag<String> subnetFile = flags.string("subnet-file", "/run/nodenet/subnet.env", "Where to write subnet.env.");
        Flags.Flag<String> ipamDataDir = flags.string("cni-ipam-data-dir", "", "host-local IPAM's dataDir written into the conflist (default: the plugin's, /var/lib/cni/networks); "
                + "nodes sharing one filesystem need one each.");
        Flags.Flag<Boolean> ipMasq = flags.bool("ip-masq", true, "Masquerade pod traffic that leaves the cluster CIDR.");
        Flags.Flag<Duration> resync = flags.duration("resync-period", Duration.ofSeconds(5), "How often kernel state is reconciled without API changes.");
        try {
            if (!flags.parse(args)) {
                flags.usage(out);
                return 0;
            }
            if (!flags.positional().isEmpty()) throw new Flags.UsageException("unexpected argument: " + flags.positional().getFirst());
            checkCidr("--cluster-cidr", clusterCidr.get());
            if (!publicIp.get().isEmpty()) checkIp("--public-ip", publicIp.get());
            if (!ipamDataDir.get().isEmpty() && !ipamDataDir.get().startsWith("/")) {
                throw new Flags.UsageException("--cni-ipam-data-dir must be an absolute path: " + ipamDataDir.get());
            }
            if (resync.get().isZero() || resync.get().isNegative()) throw new Flags.UsageException("--resync-period must be positive");
        } catch (Flags.UsageException e) {
            err.println("nodenet overlay: " + e.getMessage());
            return 2;
        }
        String node = nodeName.get().isEmpty() ? InetAddress.getLocalHost().getHostName().toLowerCase() : nodeName.get();
        KubeConfig kc;
        try {
            kc = kubeconfig.get().isEmpty() ? KubeConfig.inCluster() : KubeConfig.load(Path.of(kubeconfig.get()));
        } catch (RuntimeException e) {
            err.println("nodenet overlay: " + e.getMessage());
            return 1;
        }
        OverlayConfig c = new OverlayConfig(node, clusterCidr.get(), publicIp.get().isEmpty() ? null : publicIp.get(), "nodenet.1", 1, 8472,
                "cni0", Path.of(cniConfDir.get()), Path.of(subnetFile.get()), ipMasq.get(), resync.get(), null,
                ipamDataDir.get().isEmpty() ? null : Path.of(ipamDataDir.get()));
        OverlayAgent agent = OverlayAgent.start(c, new KubeClient(kc), null);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            stopped.countDown();
        }, "overlay-shutdown"));
        err.println("nodenet overlay: running for node " + node + " (cluster CIDR " + c.clusterCidr() + ")");
        stopped.await();
        return 0;
    }

    static void checkCidr(String flag, String value) {
        try {
            IpPrefix p = IpPrefix.parse(value);
            if (!p.equals(p.network())) throw new IllegalArgumentException("host bits set");
        } catch (RuntimeException e) {
            throw new Flags.UsageException("invalid " + flag + " \"" + value + "\": " + e.getMessage());
        }
    }

    static void checkIp(String flag, String value) {
        try {
            IpPrefix.parseAddress(value);
        } catch (RuntimeException e) {
            throw new Flags.UsageException("invalid " + flag + " \"" + value + "\": not an IP address");
        }
    }
}
