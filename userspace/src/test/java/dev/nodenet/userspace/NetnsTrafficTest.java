package dev.nodenet.userspace;

import static dev.nodenet.userspace.Lab.NODE_IP;
import static dev.nodenet.userspace.Lab.POD1;
import static dev.nodenet.userspace.Lab.POD2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodenet.proxy.Changes;
import dev.nodenet.proxy.EndpointInfo;
import dev.nodenet.proxy.Metrics;
import dev.nodenet.proxy.NodeInfo;
import dev.nodenet.proxy.ProxyConfig;
import dev.nodenet.proxy.ProxyState;
import dev.nodenet.proxy.ServiceInfo;
import dev.nodenet.proxy.ServicePortName;
import dev.nodenet.proxy.ServicePortState;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real traffic through the userspace proxy running for a "node" network namespace (listeners and portal rules live
 * there, never in the root namespace); the backend is driven with states as the proxy core would.
 */
@Tag("privileged")
class NetnsTrafficTest {
    static final String CIP = "10.96.0.10", UDP_CIP = "10.96.0.53";
    static final ServicePortName WEB = new ServicePortName("demo", "web", "http", "TCP");
    static final ServicePortName DNS = new ServicePortName("demo", "dns", "dns", "UDP");

    Lab lab;
    Metrics metrics;

    UserspaceBackend backend;

    @BeforeEach
    void setUp() throws Exception {
        lab = new Lab();
        ProxyConfig d = ProxyConfig.defaults("node-a");
        ProxyConfig config = new ProxyConfig("userspace", "", "", "node-a", List.of(), false, 14, "", "", "", List.of(), true,
                "", "", Duration.ofSeconds(30), Duration.ZERO, false, 0, lab.nodeName, Duration.ofMillis(250));
        metrics = new Metrics();
        backend = new UserspaceBackend(config, metrics, lab.node, new Relays.Options(1, config.udpIdleTimeout()));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (backend != null) {
                backend.cleanup();
                backend.close();
            }
        } finally {
            if (lab != null) lab.close();
        }
    }

    static EndpointInfo ep(String ip, int port) {
        return new EndpointInfo(ip, port, true, true, false, "node-a", true, Set.of());
    }

    static ServicePortState web(int nodePort, int stickySeconds, EndpointInfo... eps) {
        return ServicePortState.of(new ServiceInfo(WEB, List.of(CIP), 80, nodePort, List.of(), List.of(), List.of(),
                stickySeconds, false, false, 0, false), List.of(eps), null);
    }

    static ServicePortState dns(EndpointInfo... eps) {
        return ServicePortState.of(new ServiceInfo(DNS, List.of(UDP_CIP), 53, 0, List.of(), List.of(), List.of(),
                0, false, false, 0, false), List.of(eps), null);
    }

    void sync(ServicePortState... services) throws Exception {
        TreeMap<ServicePortName, ServicePortState> map = new TreeMap<>();
        for (ServicePortState s : services) map.put(s.info().name(), s);
        backend.sync(new ProxyState(NodeInfo.of("node-a", List.of("10.244.1.1", NODE_IP)), map), Changes.fullSync());
    }

    @Test
    void clusterIpTcpFromAPodAndFromTheNodeRoundRobin() throws Exception {
        sync(web(0, 0, ep(POD1, 8080), ep(POD2, 8080)));
        Set<String> served = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            String reply = Lab.ask(lab.pod, CIP, 80, "hello");
            assertTrue(reply.endsWith(":hello"), reply);
            served.add(reply.substring(0, reply.indexOf(':')));
        }
        assertEquals(Set.of(POD1, POD2), served, "round-robin reaches both endpoints");
        assertTrue(Lab.ask(lab.node, CIP, 80, "from-node").endsWith(":from-node"));
        assertTrue(metrics.render().contains("kubeproxy_userspace_connections_total{service_port=\"demo/web:http\",protocol=\"TCP\"} 5"),
                metrics.render());
        // 4 x "hello\n" + "from-node\n" in; each answer is "<pod ip>:" + that, then "bye <pod ip>\n"
        try {
            eventually("bytes counted", () -> bytes("in") == 4 * 6 + 10 && bytes("out") == 4 * (11 + 6 + 15) + (11 + 10 + 15));
        } catch (AssertionError e) {
            throw new AssertionError("bytes counted: in " + bytes("in") + ", out " + bytes("out"), e);
        }
    }

    @Test
    void nodePortFromAnotherNamespaceAndFromTheNode() throws Exception {
        sync(web(30080, 0, ep(POD1, 8080)));
        assertEquals(POD1 + ":np", Lab.ask(lab.client, NODE_IP, 30080, "np"));
        assertEquals(POD1 + ":np-local", Lab.ask(lab.node, NODE_IP, 30080, "np-local"));
    }

    @Test
    void clientIpAffinityKeepsAClientOnOneEndpoint() throws Exception {
        sync(web(0, 600, ep(POD1, 8080), ep(POD2, 8080)));
        String first = Lab.ask(lab.pod, CIP, 80, "a");
        for (int i = 0; i < 4; i++) assertEquals(first.substring(0, first.indexOf(':')) + ":a", Lab.ask(lab.pod, CIP, 80, "a"));
    }

    @Test
    void withoutEndpointsTheClientIsRefusedAtOnce() throws Exception {
        sync(web(30080, 0));
        long start = System.nanoTime();
        assertThrows(ConnectException.class, () -> Lab.ask(lab.pod, CIP, 80, "x"));
        assertThrows(ConnectException.class, () -> Lab.ask(lab.client, NODE_IP, 30080, "x"));
        assertThrows(ConnectException.class, () -> Lab.ask(lab.node, CIP, 80, "x"));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 2500, "refused, not timed out");
    }

    @Test
    void aFailedEndpointIsSkippedBeforeTheClientNotices() throws Exception {
        // nothing listens on POD1:9 (refused at once): every connection must still be served by POD2
        sync(web(0, 0, ep(POD1, 9), ep(POD2, 8080)));
        for (int i = 0; i < 4; i++) assertEquals(POD2 + ":x", Lab.ask(lab.pod, CIP, 80, "x"));
        assertTrue(metrics.render().contains("kubeproxy_userspace_endpoint_connect_failures_total{service_port=\"demo/web:http\",protocol=\"TCP\"} "),
                metrics.render());
    }

    @Test
    void halfCloseTravelsBothWays() throws Exception {
        sync(web(0, 0, ep(POD1, 8080)));
        try (Lab.Conn c = Lab.connect(lab.pod, CIP, 80)) {
            c.socket.getOutputStream().write("one\ntwo\n".getBytes());
            c.socket.shutdownOutput(); // the server answers "bye" only after it sees our FIN
            assertEquals(POD1 + ":one", c.in.readLine());
            assertEquals(POD1 + ":two", c.in.readLine());
            assertEquals("bye " + POD1, c.in.readLine());
            assertNull(c.in.readLine(), "then the server's FIN arrives");
        }
    }

    @Test
    void bulkTransfersArriveIntactBothWays() throws Exception {
        ServicePortName bulkName = new ServicePortName("demo", "bulk", "", "TCP");
        sync(ServicePortState.of(new ServiceInfo(bulkName, List.of("10.96.0.82"), 8082, 0, List.of(), List.of(), List.of(),
                0, false, false, 0, false), List.of(ep(POD1, 8082)), null));
        try (Lab.Conn c = Lab.connect(lab.pod, "10.96.0.82", 8082)) {
            c.socket.setSoTimeout(30_000);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    byte[] chunk = new byte[64 * 1024];
                    for (long off = 0; off < Lab.BULK_BYTES; off += chunk.length) {
                        for (int i = 0; i < chunk.length; i++) chunk[i] = Lab.pattern(off + i);
                        c.socket.getOutputStream().write(chunk);
                    }
                    c.socket.shutdownOutput();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            var in = new java.io.DataInputStream(new java.io.BufferedInputStream(c.socket.getInputStream()));
            StringBuilder line = new StringBuilder();
            for (int b; (b = in.read()) != '\n' && b >= 0; ) line.append((char) b);
            assertEquals(Integer.toString(Lab.BULK_BYTES), line.toString(), "the endpoint got every byte we sent");
            byte[] buf = new byte[64 * 1024];
            long off = 0;
            for (int n; (n = in.read(buf)) > 0; off += n) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] != Lab.pattern(off + i)) throw new AssertionError("byte " + (off + i) + " differs");
                }
            }
            assertEquals(Lab.BULK_BYTES, off, "and we got every byte it sent, then its FIN");
            writer.join();
        }
        String bulkIn = "kubeproxy_userspace_bytes_total{service_port=\"demo/bulk\",protocol=\"TCP\",direction=\"in\"} " + Lab.BULK_BYTES;
        eventually("bulk bytes counted", () -> metrics.render().contains(bulkIn));
    }

    @Test
    void establishedConnectionsSurviveEndpointAndServiceChanges() throws Exception {
        sync(web(0, 0, ep(POD1, 8080)));
        int port = backend.listenerPort(WEB);
        try (Lab.Conn c = Lab.connect(lab.pod, CIP, 80)) {
            assertEquals(POD1 + ":1", c.ask("1"));
            sync(web(30080, 0, ep(POD2, 8080), ep(POD1, 8080)), dns(ep(POD1, 5353)));
            assertEquals(port, backend.listenerPort(WEB), "a Service port keeps its listener across syncs");
            assertEquals(POD1 + ":2", c.ask("2"));
            sync(web(30080, 0, ep(POD2, 8080)));
            assertEquals(POD1 + ":3", c.ask("3"), "even to an endpoint that left: nothing cuts established connections");
            assertEquals(POD2 + ":new", Lab.ask(lab.pod, CIP, 80, "new"), "new connections go to the new endpoint set");
        }
    }

    @Test
    void listenersOfRemovedServicePortsClose() throws Exception {
        sync(web(0, 0, ep(POD1, 8080)), dns(ep(POD1, 5353)));
        int port = backend.listenerPort(WEB);
        sync(dns(ep(POD1, 5353)));
        assertEquals(0, backend.listenerPort(WEB));
        // the port is free again inside the node namespace
        lab.node.call(() -> {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.ofLiteral("0.0.0.0"), port));
            }
            return null;
        });
        assertThrows(IOException.class, () -> Lab.ask(lab.pod, CIP, 80, "x"), "no rule: nothing answers");
    }

    @Test
    void udpRepliesComeFromTheServiceAddressAndFollowAReplacedEndpoint() throws Exception {
        sync(dns(ep(POD1, 5353)));
        try (DatagramSocket s = Lab.udpSocket(lab.pod, UDP_CIP, 53)) {
            // the socket is connected to the ClusterIP: a reply from any other address would be dropped by the kernel
            assertEquals(POD1 + ":a", Lab.udpAsk(s, "a"));
            assertEquals(POD1 + ":b", Lab.udpAsk(s, "b"));
            sync(dns(ep(POD2, 5353)));
            eventually("the running client reaches the new endpoint", () -> (POD2 + ":c").equals(Lab.udpAsk(s, "c")));
        }
        try (DatagramSocket s = Lab.udpSocket(lab.node, UDP_CIP, 53)) {
            assertEquals(POD2 + ":host", Lab.udpAsk(s, "host"), "node-originated UDP works too");
        }
        try (DatagramSocket s = Lab.udpSocket(lab.client, NODE_IP, 53)) {
            assertNull(Lab.udpAsk(s, "no-nodeport"));
        }
    }

    @Test
    void udpSessionsEndAfterTheIdleTimeout() throws Exception {
        sync(dns(ep(POD1, 5353), ep(POD2, 5353)));
        try (DatagramSocket s = Lab.udpSocket(lab.pod, UDP_CIP, 53)) {
            String first = Lab.udpAsk(s, "x");
            assertEquals(first, Lab.udpAsk(s, "x"), "one session: one endpoint");
            Thread.sleep(800); // > --udp-timeout (250 ms) and its check period
            assertNotEquals(first, Lab.udpAsk(s, "x"), "a new session after the idle timeout: the next endpoint");
        }
    }

    @Test
    void cleanupLeavesNoChains() throws Exception {
        sync(web(30080, 0, ep(POD1, 8080)), dns());
        String rules = lab.nodeRules();
        for (String chain : List.of("KUBE-PORTALS-CONTAINER", "KUBE-PORTALS-HOST", "KUBE-NODEPORT-CONTAINER", "KUBE-NODEPORT-HOST")) {
            assertTrue(rules.contains(":" + chain), rules);
        }
        backend.cleanup();
        String after = lab.nodeRules();
        assertFalse(after.contains("KUBE-"), after);
        assertThrows(IOException.class, () -> Lab.ask(lab.pod, CIP, 80, "x"));
        backend.cleanup(); // nothing there: still fine
    }

    double bytes(String direction) {
        String prefix = "kubeproxy_userspace_bytes_total{service_port=\"demo/web:http\",protocol=\"TCP\",direction=\"" + direction + "\"} ";
        return metrics.render().lines().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()))).sum();
    }

    static void eventually(String what, Callable<Boolean> check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (check.call()) return;
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for: " + what);
    }
}
