package dev.nodenet.iptables;

import static dev.nodenet.iptables.NetnsLab.NODE_IP;
import static dev.nodenet.iptables.NetnsLab.POD_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodenet.api.model.EndpointSlice;
import dev.nodenet.api.model.Service;
import dev.nodenet.proxy.IpFamily;
import dev.nodenet.proxy.Metrics;
import dev.nodenet.proxy.Proxier;
import dev.nodenet.proxy.ProxyConfig;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real packets through rules the proxy programs inside a "node" network namespace (never the root namespace):
 * Services and EndpointSlices are fed to the {@link Proxier} as an informer would. Run once per iptables variant
 * ({@link NetnsTrafficNftTest}, {@link NetnsTrafficLegacyTest}).
 */
@Tag("privileged")
abstract class NetnsTrafficSuite {
    abstract IptablesBackend.Variant variant();

    NetnsLab lab;
    Proxier proxier;
    IptablesBackend backend;
    Metrics metrics;

    @BeforeEach
    void setUp() throws Exception {
        lab = new NetnsLab();
        ProxyConfig d = ProxyConfig.defaults("node-a");
        ProxyConfig config = new ProxyConfig("iptables", "", "", "node-a", List.of("10.244.0.0/16"), false, 14, "ClusterCIDR",
                "", "", List.of(), true, "", "", Duration.ofSeconds(30), Duration.ZERO, false, 0, lab.nodeName);
        metrics = new Metrics();
        backend = new IptablesBackend(config, metrics, lab.node, variant(), List.of(IpFamily.IPv4, IpFamily.IPv6));
        proxier = new Proxier(config, backend, metrics, lab.node, () -> List.of("10.244.1.1", NODE_IP, "fd00:10:244:1::1", NetnsLab.NODE_IP6));
        proxier.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (proxier != null) proxier.close();
            if (backend != null) backend.cleanup();
        } finally {
            if (lab != null) lab.close();
        }
    }

    void apply(Service s, EndpointSlice slice) {
        proxier.serviceHandler().onAdd(s);
        if (slice != null) proxier.endpointSliceHandler().onAdd(slice);
    }

    static void eventually(String what, Callable<Boolean> check) throws Exception {
        eventually(what, Duration.ofSeconds(10), check);
    }

    /** Polls {@code check} every 100 ms until it is true; fails with the last exception after {@code timeout}. */
    static void eventually(String what, Duration timeout, Callable<Boolean> check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (check.call()) return;
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for: " + what, last);
    }

    @Test
    void clusterIPFromNodeAndFromPodIncludingHairpin() throws Exception {
        apply(Objects.service("ns", "web", "ClusterIP", "172.30.0.10", "TCP", 80, 8080, 0),
                Objects.slice("ns", "web", "TCP", 8080, POD_IP));
        eventually("ClusterIP answers from the node", () -> "pod:hi".equals(NetnsLab.tcp(lab.node, "172.30.0.10", 80, "hi")));
        // the pod reaching itself through its Service needs the SEP chain's masquerade (hairpin)
        assertEquals("pod:me", NetnsLab.tcp(lab.pod, "172.30.0.10", 80, "me"));
        String rules = lab.nodeRules();
        assertTrue(rules.contains("KUBE-SVC-"), rules);
        assertTrue(rules.contains("-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"), rules);
    }

    @Test
    void dualStackClusterIPAndNodePort() throws Exception {
        Service s = Objects.service("ns", "ds", "NodePort", "172.30.0.16", "TCP", 80, 8080, 30086);
        s = s.withSpec(new dev.nodenet.api.model.ServiceSpec("NodePort", "172.30.0.16", List.of("172.30.0.16", "fd00:30::16"),
                List.of("IPv4", "IPv6"), "RequireDualStack", s.spec().ports(), null, null, null, null, null, "Cluster", "Cluster",
                null, null, null, null, null, null, null));
        proxier.serviceHandler().onAdd(s);
        proxier.endpointSliceHandler().onAdd(Objects.slice("ns", "ds", "TCP", 8080, POD_IP));
        EndpointSlice v6 = Objects.slice("ns", "ds", "TCP", 8080, NetnsLab.POD_IP6);
        proxier.endpointSliceHandler().onAdd(v6.withMetadata(v6.metadata().withName("ds-v6")).withAddressType("IPv6"));
        eventually("IPv6 ClusterIP answers", () -> "pod:six".equals(NetnsLab.tcp(lab.node, "fd00:30::16", 80, "six")));
        assertEquals("pod:four", NetnsLab.tcp(lab.node, "172.30.0.16", 80, "four"));
        assertEquals("pod:np6", NetnsLab.tcp(lab.client, NetnsLab.NODE_IP6, 30086, "np6"));
        assertEquals("pod:np4", NetnsLab.tcp(lab.client, NODE_IP, 30086, "np4"));
        assertTrue(NetnsLab.sh("ip", "netns", "exec", lab.nodeName, "ip6tables-" + variant().suffix() + "-save").contains("fd00:30::16"));
    }

    @Test
    void clientIpAffinitySticksToOneEndpoint() throws Exception {
        Service plain = Objects.service("ns", "spread", "ClusterIP", "172.30.0.20", "TCP", 80, 8081, 0);
        Service sticky = Objects.service("ns", "sticky", "ClusterIP", "172.30.0.21", "TCP", 80, 8081, 0);
        sticky = sticky.withSpec(sticky.spec().withSessionAffinity("ClientIP")
                .withSessionAffinityConfig(new dev.nodenet.api.model.SessionAffinityConfig(new dev.nodenet.api.model.ClientIPConfig(60, null), null)));
        apply(plain, Objects.slice("ns", "spread", "TCP", 8081, POD_IP, NetnsLab.POD_IP2));
        apply(sticky, Objects.slice("ns", "sticky", "TCP", 8081, POD_IP, NetnsLab.POD_IP2));
        eventually("both Services answer", () -> NetnsLab.who(lab.client, "172.30.0.21", 80) != null && NetnsLab.who(lab.client, "172.30.0.20", 80) != null);
        java.util.Set<String> spread = new java.util.HashSet<>(), stuck = new java.util.HashSet<>();
        for (int i = 0; i < 30; i++) {
            spread.add(NetnsLab.who(lab.client, "172.30.0.20", 80).split(" ")[0]);
            stuck.add(NetnsLab.who(lab.client, "172.30.0.21", 80).split(" ")[0]);
        }
        assertEquals(2, spread.size(), "without affinity both endpoints serve (all 30 on one: p = 2^-29)");
        assertEquals(1, stuck.size(), "ClientIP affinity keeps one client on one endpoint: " + stuck);
        assertTrue(lab.nodeRules().contains("--rcheck --seconds 60"), "the recent match carries the affinity timeout");
    }

    @Test
    void externalTrafficPolicyLocalKeepsTheClientSourceIp() throws Exception {
        Service cluster = Objects.service("ns", "etp-cluster", "NodePort", "172.30.0.22", "TCP", 80, 8081, 30091);
        Service local = Objects.service("ns", "etp-local", "NodePort", "172.30.0.23", "TCP", 80, 8081, 30092);
        local = local.withSpec(local.spec().withExternalTrafficPolicy("Local"));
        EndpointSlice onThisNode = Objects.slice("ns", "etp-local", "TCP", 8081, POD_IP);
        onThisNode = onThisNode.withEndpoints(List.of(new dev.nodenet.api.model.Endpoint(List.of(POD_IP),
                new dev.nodenet.api.model.EndpointConditions(true, true, false), null, "node-a", null, null, null)));
        apply(cluster, Objects.slice("ns", "etp-cluster", "TCP", 8081, POD_IP));
        apply(local, onThisNode);
        eventually("both NodePorts answer", () -> NetnsLab.who(lab.client, NODE_IP, 30092) != null && NetnsLab.who(lab.client, NODE_IP, 30091) != null);
        assertEquals(POD_IP + " " + NetnsLab.CLIENT_IP, NetnsLab.who(lab.client, NODE_IP, 30092),
                "eTP Local: the pod sees the real client address");
        assertEquals(POD_IP + " 10.244.1.1", NetnsLab.who(lab.client, NODE_IP, 30091),
                "eTP Cluster: the client is masqueraded to the node's address on the pod network");
    }

    @Test
    void nodePortFromAnotherNamespace() throws Exception {
        apply(Objects.service("ns", "np", "NodePort", "172.30.0.11", "TCP", 80, 8080, 30080),
                Objects.slice("ns", "np", "TCP", 8080, POD_IP));
        eventually("NodePort answers from the client", () -> "pod:x".equals(NetnsLab.tcp(lab.client, NODE_IP, 30080, "x")));
    }

    @Test
    void externalIPFromAnotherNode() throws Exception {
        // the client namespace routes everything through the node, like a machine on the node's network would
        Service s = Objects.service("ns", "ext", "ClusterIP", "172.30.0.24", "TCP", 80, 8080, 0);
        apply(s.withSpec(s.spec().withExternalIPs(List.of("203.0.113.10"))), Objects.slice("ns", "ext", "TCP", 8080, POD_IP));
        Service who = Objects.service("ns", "ext-who", "ClusterIP", "172.30.0.26", "TCP", 80, 8081, 0);
        apply(who.withSpec(who.spec().withExternalIPs(List.of("203.0.113.11"))), Objects.slice("ns", "ext-who", "TCP", 8081, POD_IP));
        eventually("externalIP answers from the client", () -> "pod:ext".equals(NetnsLab.tcp(lab.client, "203.0.113.10", 80, "ext")));
        eventually("second externalIP answers", () -> NetnsLab.who(lab.client, "203.0.113.11", 80) != null);
        assertEquals(POD_IP + " 10.244.1.1", NetnsLab.who(lab.client, "203.0.113.11", 80), "external traffic is masqueraded (eTP Cluster)");
        // another port on the external IP is not the Service
        assertThrows(java.io.IOException.class, () -> NetnsLab.tcp(lab.client, "203.0.113.10", 81, "x"));
    }

    @Test
    void loadBalancerSourceRangesAdmitListedClientsAndDropTheRest() throws Exception {
        NetnsLab.sh("ip", "-n", lab.clientName, "addr", "add", "192.168.50.3/24", "dev", "eth0");
        Service s = Objects.service("ns", "lb", "LoadBalancer", "172.30.0.25", "TCP", 80, 8080, 30093);
        s = s.withSpec(s.spec().withLoadBalancerSourceRanges(List.of(NetnsLab.CLIENT_IP + "/32")))
                .withStatus(new dev.nodenet.api.model.ServiceStatus(new dev.nodenet.api.model.LoadBalancerStatus(
                        List.of(new dev.nodenet.api.model.LoadBalancerIngress("203.0.113.20", null, null, null))), null));
        apply(s, Objects.slice("ns", "lb", "TCP", 8080, POD_IP));
        eventually("an allowed source reaches the LB IP", () -> "pod:in".equals(tcpFrom(lab.client, NetnsLab.CLIENT_IP, "203.0.113.20", 80, "in")));
        // 192.168.50.3 is outside the ranges: not DNATed, then dropped by KUBE-PROXY-FIREWALL (a timeout, not a refusal)
        assertThrows(java.net.SocketTimeoutException.class, () -> tcpFrom(lab.client, "192.168.50.3", "203.0.113.20", 80, "out"));
        assertTrue(lab.nodeRules().contains("traffic not accepted by KUBE-FW-"), lab.nodeRules());
        // widening the ranges (a partial sync) lets it in
        proxier.serviceHandler().onUpdate(null, s.withSpec(s.spec().withLoadBalancerSourceRanges(List.of("192.168.50.0/24"))));
        eventually("the second source is admitted", () -> "pod:now".equals(tcpFrom(lab.client, "192.168.50.3", "203.0.113.20", 80, "now")));
    }

    /** Like {@link NetnsLab#tcp} from a chosen source address; a dropped SYN ends in SocketTimeoutException. */
    static String tcpFrom(dev.nodenet.netlink.NetNs from, String source, String ip, int port, String line) throws java.io.IOException {
        return from.call(() -> {
            try (java.net.Socket s = new java.net.Socket()) {
                s.bind(new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral(source), 0));
                s.connect(new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral(ip), port), 2000);
                s.setSoTimeout(2000);
                new java.io.PrintWriter(s.getOutputStream(), true, java.nio.charset.StandardCharsets.UTF_8).println(line);
                return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), java.nio.charset.StandardCharsets.UTF_8)).readLine();
            }
        });
    }

    @Test
    void noEndpointsIsRefusedQuickly() throws Exception {
        apply(Objects.service("ns", "empty", "NodePort", "172.30.0.12", "TCP", 80, 8080, 30081), null);
        eventually("rules programmed", () -> lab.nodeRules().contains("ns/empty:p has no endpoints"));
        // refused (ICMP port unreachable from REJECT), well before the 2 s connect timeout a DROP would run into
        for (var target : List.of(List.of("node", "172.30.0.12", "80"), List.of("client", NODE_IP, "30081"))) {
            long start = System.nanoTime();
            assertThrows(ConnectException.class, () -> NetnsLab.tcp(target.get(0).equals("node") ? lab.node : lab.client,
                    target.get(1), Integer.parseInt(target.get(2)), "x"));
            assertTrue(System.nanoTime() - start < Duration.ofMillis(1500).toNanos(), "REJECT, not a timeout: " + target);
        }
        // endpoints appear: a partial sync opens the Service
        proxier.endpointSliceHandler().onAdd(Objects.slice("ns", "empty", "TCP", 8080, POD_IP));
        eventually("Service opens", () -> "pod:now".equals(NetnsLab.tcp(lab.client, NODE_IP, 30081, "now")));
        assertFalse(lab.nodeRules().contains("ns/empty:p has no endpoints"));
    }

    @Test
    void udpRejectionAndStaleConntrackCleanup() throws Exception {
        Service dns = Objects.service("ns", "dns", "ClusterIP", "172.30.0.13", "UDP", 53, 5353, 0);
        apply(dns, null);
        eventually("rules programmed", () -> lab.nodeRules().contains("ns/dns:p has no endpoints"));
        assertNull(NetnsLab.udp(lab.node, "172.30.0.13", 53, 40053, "q0"), "rejected without endpoints");
        proxier.endpointSliceHandler().onAdd(Objects.slice("ns", "dns", "UDP", 5353, NetnsLab.POD_IP));
        // a client keeps its source port (as resolvers do), so its flow stays in conntrack, DNATed to the first pod
        eventually("UDP answers", () -> (NetnsLab.POD_IP + ":q1").equals(NetnsLab.udp(lab.node, "172.30.0.13", 53, 40053, "q1")));
        assertEquals(NetnsLab.POD_IP + ":q2", NetnsLab.udp(lab.pod, "172.30.0.13", 53, 0, "q2"));
        // the endpoint moves; the old pod still answers, so only deleting the conntrack entry moves the flow
        proxier.endpointSliceHandler().onUpdate(null, Objects.slice("ns", "dns", "UDP", 5353, NetnsLab.POD_IP2));
        eventually("the same 5-tuple reaches the new endpoint",
                () -> (NetnsLab.POD_IP2 + ":q3").equals(NetnsLab.udp(lab.node, "172.30.0.13", 53, 40053, "q3")));
    }

    @Test
    void cleanupRemovesEverything() throws Exception {
        apply(Objects.service("ns", "web", "NodePort", "172.30.0.14", "TCP", 80, 8080, 30082),
                Objects.slice("ns", "web", "TCP", 8080, POD_IP));
        eventually("programmed", () -> "pod:a".equals(NetnsLab.tcp(lab.node, "172.30.0.14", 80, "a")));
        proxier.close();
        proxier = null;
        backend.cleanup();
        String rules = lab.nodeRules();
        assertFalse(rules.contains("KUBE-"), rules);
    }

    @Test
    void flushedRulesAreRestoredThroughTheCanary() throws Exception {
        apply(Objects.service("ns", "web", "ClusterIP", "172.30.0.15", "TCP", 80, 8080, 0),
                Objects.slice("ns", "web", "TCP", 8080, POD_IP));
        eventually("programmed", () -> "pod:a".equals(NetnsLab.tcp(lab.node, "172.30.0.15", 80, "a")));
        // a firewall reload wipes everything
        String iptables = "iptables-" + variant().suffix();
        NetnsLab.sh("ip", "netns", "exec", lab.nodeName, iptables, "-t", "mangle", "-F");
        NetnsLab.sh("ip", "netns", "exec", lab.nodeName, iptables, "-t", "mangle", "-X");
        NetnsLab.sh("ip", "netns", "exec", lab.nodeName, iptables, "-t", "nat", "-F");
        proxier.requestSync();
        eventually("restored", () -> "pod:b".equals(NetnsLab.tcp(lab.node, "172.30.0.15", 80, "b")));
        // several full syncs later every jump from a built-in chain is there exactly once
        String rules = NetnsLab.sh("ip", "netns", "exec", lab.nodeName, iptables + "-save");
        for (String jump : List.of("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
                "-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING",
                "-A INPUT -j KUBE-FIREWALL",
                "-A FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD")) {
            assertEquals(1, rules.lines().filter(jump::equals).count(), jump + " in\n" + rules);
        }
    }
}
