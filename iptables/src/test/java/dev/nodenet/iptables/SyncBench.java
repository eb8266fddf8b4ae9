package dev.nodenet.iptables;

import dev.nodenet.netlink.NetNs;
import dev.nodenet.proxy.Changes;
import dev.nodenet.proxy.EndpointInfo;
import dev.nodenet.proxy.IpFamily;
import dev.nodenet.proxy.Metrics;
import dev.nodenet.proxy.NodeInfo;
import dev.nodenet.proxy.ProxyConfig;
import dev.nodenet.proxy.ProxyState;
import dev.nodenet.proxy.ServiceInfo;
import dev.nodenet.proxy.ServicePortName;
import dev.nodenet.proxy.ServicePortState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * A benchmark program (not a test): full and partial sync time of the iptables backend at S services x 10 endpoints,
 * against a bare iptables-nft-restore of the same ruleset into an empty namespace (the anchor's floor: kube-proxy
 * pays at least that). Runs in throwaway namespaces. Usage: SyncBench [nft|legacy] [S ...] (default nft 1000 5000 10000).
 * Note: iptables-nft-restore 1.8.9 is far slower with --noflush (which kube-proxy and we must use, to leave other
 * software's rules alone) than without; the bare column uses --noflush too, so the comparison is like for like.
 */
public final class SyncBench {
    public static void main(String[] args) throws Exception {
        int first = args.length > 0 && !Character.isDigit(args[0].charAt(0)) ? 1 : 0;
        IptablesBackend.Variant variant = first == 1 ? IptablesBackend.Variant.valueOf(args[0].toUpperCase(java.util.Locale.ROOT)) : IptablesBackend.Variant.NFT;
        int[] sizes = args.length == first ? new int[] {1000, 5000, 10000}
                : java.util.Arrays.stream(args, first, args.length).mapToInt(Integer::parseInt).toArray();
        System.out.println("iptables-" + variant.suffix() + ", S services x 10 endpoints, every third a NodePort");
        System.out.printf("%-7s %-8s %-10s %-14s %-16s %-14s %-14s%n", "S", "lines", "render", "our full sync",
                "our full resync", "our partial", "bare restore");
        for (int s : sizes) row(s, variant);
    }

    static ProxyState state(int services, int changedIndex) {
        TreeMap<ServicePortName, ServicePortState> map = new TreeMap<>();
        for (int i = 0; i < services; i++) {
            ServicePortName n = new ServicePortName("bench", "svc-" + i, "http", "TCP");
            String clusterIP = "172.16." + (i / 250) + "." + (i % 250 + 1);
            List<EndpointInfo> eps = new ArrayList<>();
            for (int e = 0; e < 10; e++) {
                int k = i * 10 + e + (i == changedIndex ? 7 : 0);
                eps.add(new EndpointInfo("10." + (100 + k / 62500) + "." + (k / 250 % 250) + "." + (k % 250 + 1), 8080,
                        true, true, false, "node-b", false, Set.of()));
            }
            ServiceInfo info = new ServiceInfo(n, List.of(clusterIP), 80, i % 3 == 0 ? 30000 + i % 2700 : 0, List.of(), List.of(),
                    List.of(), 0, false, false, 0, false);
            map.put(n, ServicePortState.of(info, eps, null));
        }
        return new ProxyState(NodeInfo.of("node-a", List.of("192.168.0.2")), map);
    }

    static void row(int services, IptablesBackend.Variant variant) throws Exception {
        ProxyConfig c = States.config();
        ProxyState state = state(services, -1);
        Renderer renderer = new Renderer(RenderOptions.of(c, IpFamily.IPv4, state.node()));
        renderer.render(state, null, Set.of()); // warm-up: the daemon renders many times
        long t0 = System.nanoTime();
        Renderer.Rendered r = renderer.render(state, null, Set.of());
        double render = secs(t0);
        String ns = "nn-bench-" + Long.toHexString(System.nanoTime() & 0xffffff);
        String bare = ns + "-b";
        NetnsLab.sh("ip", "netns", "add", ns);
        NetnsLab.sh("ip", "netns", "add", bare);
        Path file = Files.createTempFile("nn-bench", ".rules");
        try (NetNs netns = NetNs.named(ns)) {
            IptablesBackend backend = new IptablesBackend(c, new Metrics(), netns, variant, List.of(IpFamily.IPv4));
            t0 = System.nanoTime();
            backend.sync(state, Changes.fullSync());
            double full = secs(t0);
            t0 = System.nanoTime();
            backend.sync(state, Changes.fullSync());
            double resync = secs(t0);
            ProxyState changed = state(services, services / 2);
            t0 = System.nanoTime();
            backend.sync(changed, new Changes(false, Set.of(new ServicePortName("bench", "svc-" + services / 2, "http", "TCP"))));
            double partial = secs(t0);
            Files.writeString(file, r.text());
            t0 = System.nanoTime();
            NetnsLab.sh("sh", "-c", "ip netns exec " + bare + " iptables-" + variant.suffix() + "-restore --noflush < " + file);
            double bareRestore = secs(t0);
            System.out.printf("%-7d %-8d %-10s %-14s %-16s %-14s %-14s%n", services, r.lines(), fmt(render), fmt(full),
                    fmt(resync), fmt(partial), fmt(bareRestore));
        } finally {
            Files.deleteIfExists(file);
            NetnsLab.sh("ip", "netns", "del", ns);
            NetnsLab.sh("ip", "netns", "del", bare);
        }
    }

    static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static String fmt(double s) {
        return String.format("%.3f s", s);
    }
}
