package dev.nodenet.e2e;

import dev.nodenet.api.client.KubeClient;
import dev.nodenet.api.client.Resource;
import dev.nodenet.api.model.Service;
import dev.nodenet.lab.Requests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.nodenet.e2e.LabFixture.await;
import static dev.nodenet.e2e.LabFixture.awaitAnswer;
import static dev.nodenet.e2e.LabFixture.awaitAnswerFrom;
import static dev.nodenet.e2e.LabFixture.tcpFromUnderlay;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The end-to-end scenarios, run against one proxy mode on a two-node lab: real kubelets, CNI, node daemons and
 * packets crossing VXLAN between node namespaces. A mode joins with one subclass naming it ({@link IptablesModeTest}).
 * One lab per mode; each scenario has its own namespace and Services; the restart scenarios run last.
 */
@Tag("privileged")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ModeSuite {
    LabFixture fx;

    /** The --proxy-mode under test. */
    abstract String mode();

    /**
     * Whether the mode forwards packets with the client's source address (the kernel modes) or relays connections from
     * its own sockets (userspace: endpoints see the node's address, as with upstream's userspace mode). Scenarios
     * whose point is the client's address check it only where the mode can keep it; everything else runs unchanged.
     */
    boolean keepsClientAddress() {
        return true;
    }

    /**
     * Whether Service traffic keeps flowing while the node daemon is down: true for the kernel modes (the rules stay
     * in the kernel), false for userspace, whose relay lives in the daemon (traffic must recover once it is back).
     */
    boolean dataPathOutlivesTheDaemon() {
        return true;
    }

    @BeforeAll
    void labUp() throws Exception {
        fx = LabFixture.up(mode(), 2);
    }

    @AfterAll
    void labDown() {
        if (fx != null) fx.close();
    }

    static String svc(String name, String extraSpec) {
        return """
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"%s"},
                 "spec":{"selector":{"app":"%s"},"ports":[{"name":"p","port":80,"targetPort":8080,"protocol":"TCP"}]%s}}"""
                .formatted(name, name, extraSpec.isEmpty() ? "" : "," + extraSpec);
    }

    static String podOf(String answer) {
        return answer.split(" ")[0];
    }

    static String clientIpOf(String answer) {
        String addr = answer.split(" ")[1];
        return addr.substring(0, addr.lastIndexOf(':'));
    }

    /** Pod web on node-1 behind Service web (port 80 -> 8080, plus {@code extraSpec}), pod client on node-2; all ready. */
    Service webAndClient(String ns, String extraSpec) throws Exception {
        fx.pod(ns, "web", 1, "web", 8080);
        fx.pod(ns, "client", 2, "client", 8080);
        Service s = fx.service(ns, svc("web", extraSpec));
        fx.awaitReady(ns, "web", "client");
        fx.awaitEndpoints(ns, "web", 1);
        return s;
    }

    @Test
    @Order(1)
    void podToClusterIpAcrossNodes() throws Exception {
        String ns = fx.namespace("cross");
        Service s = webAndClient(ns, "");
        String ip = s.spec().clusterIP();
        String answer = awaitAnswer(() -> fx.tcpFromPod(ns, "client", ip, 80), "client on node-2 -> ClusterIP");
        assertEquals("web", podOf(answer), answer);
        String clientIp = fx.k.get(Resource.PODS, ns, "client").status().podIP();
        if (keepsClientAddress()) assertEquals(clientIp, clientIpOf(answer), "pod-to-pod through a ClusterIP keeps the pod's address (no masquerade inside the cluster CIDR)");
    }

    @Test
    @Order(2)
    void nodeToClusterIp() throws Exception {
        String ns = fx.namespace("node2cip");
        fx.pod(ns, "web", 1, "web", 8080);
        Service s = fx.service(ns, svc("web", ""));
        fx.awaitReady(ns, "web");
        fx.awaitEndpoints(ns, "web", 1);
        String ip = s.spec().clusterIP();
        assertEquals("web", podOf(awaitAnswer(() -> fx.tcpFromNode(2, ip, 80), "node-2 -> ClusterIP")));
        assertEquals("web", podOf(awaitAnswer(() -> fx.tcpFromNode(1, ip, 80), "node-1 -> ClusterIP")));
    }

    @Test
    @Order(3)
    void nodePortFromTheUnderlay() throws Exception {
        String ns = fx.namespace("nodeport");
        fx.pod(ns, "web", 1, "web", 8080);
        Service s = fx.service(ns, svc("web", "\"type\":\"NodePort\""));
        fx.awaitReady(ns, "web");
        fx.awaitEndpoints(ns, "web", 1);
        int nodePort = s.spec().ports().getFirst().nodePort();
        for (int node = 1; node <= 2; node++) {
            String nodeIp = fx.spec.nodeIp(node);
            assertEquals("web", podOf(awaitAnswer(() -> tcpFromUnderlay(nodeIp, nodePort), "underlay -> " + nodeIp + ":" + nodePort)));
        }
    }

    @Test
    @Order(4)
    void externalIps() throws Exception {
        String ns = fx.namespace("extip");
        webAndClient(ns, "\"externalIPs\":[\"203.0.113.10\"]");
        assertEquals("web", podOf(awaitAnswer(() -> fx.tcpFromPod(ns, "client", "203.0.113.10", 80), "pod -> externalIP")));
        assertEquals("web", podOf(awaitAnswer(() -> fx.tcpFromNode(2, "203.0.113.10", 80), "node -> externalIP")));
    }

    @Test
    @Order(5)
    void loadBalancerIngressIp() throws Exception {
        String ns = fx.namespace("lb");
        webAndClient(ns, "\"type\":\"LoadBalancer\"");
        fx.k.patchStatus(Resource.SERVICES, ns, "web", KubeClient.PatchType.MERGE,
                Map.of("status", Map.of("loadBalancer", Map.of("ingress", List.of(Map.of("ip", "203.0.113.20"))))));
        assertEquals("web", podOf(awaitAnswer(() -> fx.tcpFromPod(ns, "client", "203.0.113.20", 80), "pod -> LoadBalancer IP")));
        assertEquals("web", podOf(awaitAnswer(() -> fx.tcpFromNode(2, "203.0.113.20", 80), "node -> LoadBalancer IP")));
    }

    @Test
    @Order(6)
    void sessionAffinityClientIp() throws Exception {
        String ns = fx.namespace("affinity");
        fx.pod(ns, "a1", 1, "web", 8080);
        fx.pod(ns, "a2", 2, "web", 8080);
        fx.pod(ns, "a3", 1, "web", 8080);
        fx.pod(ns, "client", 2, "client", 8080);
        Service s = fx.service(ns, svc("web", "\"sessionAffinity\":\"ClientIP\""));
        fx.awaitReady(ns, "a1", "a2", "a3", "client");
        fx.awaitEndpoints(ns, "web", 3);
        String ip = s.spec().clusterIP();
        String first = podOf(awaitAnswer(() -> fx.tcpFromPod(ns, "client", ip, 80), "affinity first request"));
        for (int i = 0; i < 10; i++) assertEquals(first, podOf(fx.tcpFromPod(ns, "client", ip, 80)), "request " + i + " sticks to " + first);
    }

    @Test
    @Order(7)
    void externalTrafficPolicyLocalKeepsTheSourceAndUsesOnlyLocalEndpoints() throws Exception {
        String ns = fx.namespace("etplocal");
        fx.pod(ns, "web", 1, "web", 8080);
        // A LoadBalancer (a NodePort plus a healthCheckNodePort) with eTP Local.
        Service s = fx.service(ns, svc("web", "\"type\":\"LoadBalancer\",\"externalTrafficPolicy\":\"Local\""));
        fx.awaitReady(ns, "web");
        fx.awaitEndpoints(ns, "web", 1);
        int nodePort = s.spec().ports().getFirst().nodePort();
        String answer = awaitAnswer(() -> tcpFromUnderlay(fx.spec.nodeIp(1), nodePort), "underlay -> node-1 NodePort (local endpoint)");
        assertEquals("web", podOf(answer));
        if (keepsClientAddress()) assertEquals(fx.spec.bridgeIp(), clientIpOf(answer), "eTP Local keeps the client's source address");
        // node-2 has no local endpoint: its NodePort answers nobody, and its health check says so.
        int hc = s.spec().healthCheckNodePort();
        HttpClient http = HttpClient.newHttpClient();
        await(() -> status(http, fx.spec.nodeIp(2), hc) == 503 && status(http, fx.spec.nodeIp(1), hc) == 200, "healthCheckNodePort 200 on node-1, 503 on node-2");
        for (int i = 0; i < 3; i++) assertThrows(IOException.class, () -> tcpFromUnderlay(fx.spec.nodeIp(2), nodePort), "node-2 has no local endpoint");
    }

    static int status(HttpClient http, String ip, int port) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":" + port + "/")).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Test
    @Order(8)
    void internalTrafficPolicyLocal() throws Exception {
        String ns = fx.namespace("itplocal");
        fx.pod(ns, "l1", 1, "web", 8080);
        fx.pod(ns, "l2", 2, "web", 8080);
        fx.pod(ns, "c1", 1, "client", 8080);
        fx.pod(ns, "c2", 2, "client", 8080);
        Service s = fx.service(ns, svc("web", "\"internalTrafficPolicy\":\"Local\""));
        fx.awaitReady(ns, "l1", "l2", "c1", "c2");
        fx.awaitEndpoints(ns, "web", 2);
        String ip = s.spec().clusterIP();
        awaitAnswer(() -> fx.tcpFromPod(ns, "c1", ip, 80), "c1 -> ClusterIP");
        awaitAnswer(() -> fx.tcpFromPod(ns, "c2", ip, 80), "c2 -> ClusterIP");
        for (int i = 0; i < 8; i++) {
            assertEquals("l1", podOf(fx.tcpFromPod(ns, "c1", ip, 80)), "node-1 clients only reach node-1's endpoint");
            assertEquals("l2", podOf(fx.tcpFromPod(ns, "c2", ip, 80)), "node-2 clients only reach node-2's endpoint");
        }
    }

    @Test
    @Order(9)
    void hairpin() throws Exception {
        String ns = fx.namespace("hairpin");
        fx.pod(ns, "self", 1, "web", 8080);
        Service s = fx.service(ns, svc("web", ""));
        fx.awaitReady(ns, "self");
        fx.awaitEndpoints(ns, "web", 1);
        String ip = s.spec().clusterIP();
        assertEquals("self", podOf(awaitAnswer(() -> fx.tcpFromPod(ns, "self", ip, 80), "a pod reaching itself through its Service")));
    }

    @Test
    @Order(10)
    void serviceWithoutEndpointsRefuses() throws Exception {
        String ns = fx.namespace("noendpoints");
        fx.pod(ns, "client", 2, "client", 8080);
        Service s = fx.service(ns, svc("nobody", ""));
        fx.awaitReady(ns, "client");
        String ip = s.spec().clusterIP();
        // Refused (ICMP port unreachable -> ECONNREFUSED), not left to time out.
        await(() -> {
            try {
                fx.tcpFromPod(ns, "client", ip, 80);
                return false;
            } catch (java.net.ConnectException e) {
                return e.getMessage() != null && e.getMessage().contains("refused");
            } catch (IOException e) {
                return false;
            }
        }, "connection refused by a Service without endpoints");
    }

    @Test
    @Order(11)
    void udpServiceAndAnEndpointReplacedUnderARunningClient() throws Exception {
        String ns = fx.namespace("udp");
        fx.pod(ns, "u1", 1, "dns", 8080);
        fx.pod(ns, "client", 2, "client", 8080);
        Service s = fx.service(ns, """
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"dns"},
                 "spec":{"selector":{"app":"dns"},"ports":[{"name":"u","port":53,"targetPort":8080,"protocol":"UDP"}]}}""");
        fx.awaitReady(ns, "u1", "client");
        fx.awaitEndpoints(ns, "dns", 1);
        String ip = s.spec().clusterIP();
        try (DatagramSocket socket = Requests.udpSocket(fx.podNetns(ns, "client"))) {
            assertEquals("u1", podOf(awaitAnswer(() -> Requests.udp(socket, ip, 53, 1000), "UDP ClusterIP")));
            fx.pod(ns, "u2", 2, "dns", 8080);
            fx.awaitReady(ns, "u2");
            fx.deletePod(ns, "u1");
            fx.awaitGone(ns, "u1");
            // Same client socket (same 5-tuple): the proxy must flush the stale conntrack entry to u1.
            assertEquals("u2", podOf(awaitAnswerFrom(() -> Requests.udp(socket, ip, 53, 1000), "u2", "UDP after the endpoint moved")));
        }
    }

    @Test
    @Order(12)
    void rollingReplacementUnderSteadyTrafficLosesNothing() throws Exception {
        String ns = fx.namespace("rolling");
        fx.pod(ns, "r1", 1, "web", 8080);
        fx.pod(ns, "r2", 2, "web", 8080);
        fx.pod(ns, "client", 2, "client", 8080);
        Service s = fx.service(ns, svc("web", ""));
        fx.awaitReady(ns, "r1", "r2", "client");
        fx.awaitEndpoints(ns, "web", 2);
        String ip = s.spec().clusterIP();
        awaitAnswer(() -> fx.tcpFromPod(ns, "client", ip, 80), "before the rollout");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger ok = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Set<String> answeredBy = java.util.concurrent.ConcurrentHashMap.newKeySet();
        String clientNs = fx.podNetns(ns, "client");
        Thread client = Thread.ofPlatform().name("steady-client").start(() -> {
            while (!stop.get()) {
                try {
                    answeredBy.add(podOf(Requests.tcp(clientNs, ip, 80, 3000)));
                    ok.incrementAndGet();
                } catch (IOException e) {
                    failures.add(e.toString());
                }
                LabFixture.sleep(50);
            }
        });
        try {
            String[][] steps = {{"r3", "1", "r1"}, {"r4", "2", "r2"}};
            for (String[] step : steps) {
                fx.pod(ns, step[0], Integer.parseInt(step[1]), "web", 8080);
                fx.awaitReady(ns, step[0]);
                fx.awaitEndpoints(ns, "web", 3);
                fx.deletePod(ns, step[2]);
                fx.awaitGone(ns, step[2]);
                fx.awaitEndpoints(ns, "web", 2);
            }
            LabFixture.sleep(2000);
        } finally {
            stop.set(true);
            client.join();
        }
        assertTrue(failures.isEmpty(), failures.size() + " failed requests of " + (ok.get() + failures.size()) + ": " + failures);
        assertTrue(ok.get() > 20, "steady traffic flowed: " + ok.get());
        assertTrue(answeredBy.containsAll(Set.of("r3", "r4")), "the new pods answered: " + answeredBy);
    }

    @Test
    @Order(100)
    void nodeDaemonRestartedRecoversAndLeavesNothingStale() throws Exception {
        String ns = fx.namespace("daemonrestart");
        Service web = webAndClient(ns, "");
        Service old = fx.service(ns, svc("old", "").replace("\"app\":\"old\"", "\"app\":\"web\"")); // with endpoints: in the nat table
        String ip = web.spec().clusterIP();
        awaitAnswer(() -> fx.tcpFromPod(ns, "client", ip, 80), "before the restart");
        await(() -> natRules(2).contains(ns + "/old"), "old Service programmed on node-2");
        long pid = fx.lab.pid("node-2").orElseThrow();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        await(() -> ProcessHandle.of(pid).isEmpty() || !ProcessHandle.of(pid).get().isAlive(), "node-2 daemon dead");
        if (dataPathOutlivesTheDaemon()) assertEquals("web", podOf(fx.tcpFromPod(ns, "client", ip, 80)), "rules stay in the kernel while the daemon is down");
        fx.k.delete(Resource.SERVICES, ns, "old");
        Service fresh = fx.service(ns, svc("fresh", "").replace("\"app\":\"fresh\"", "\"app\":\"web\""));
        await(() -> fx.lab.pid("node-2").filter(p -> p != pid).isPresent(), "node-2 daemon restarted by the supervisor");
        assertEquals("web", podOf(awaitAnswer(() -> fx.tcpFromPod(ns, "client", ip, 80), "the Service served before the restart")));
        assertEquals("web", podOf(awaitAnswer(() -> fx.tcpFromPod(ns, "client", fresh.spec().clusterIP(), 80), "a Service created while the daemon was down")));
        await(() -> !natRules(2).contains(ns + "/old"), "the Service deleted while the daemon was down is gone from node-2's rules");
        assertFalse(natRules(2).contains(old.spec().clusterIP() + "/32"), "no rule for the old ClusterIP");
    }

    @Test
    @Order(101)
    void controlPlaneRestartedRecovers() throws Exception {
        String ns = fx.namespace("cprestart");
        Service web = webAndClient(ns, "");
        String ip = web.spec().clusterIP();
        awaitAnswer(() -> fx.tcpFromPod(ns, "client", ip, 80), "before the restart");
        long pid = fx.lab.pid("apiserver").orElseThrow();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        await(() -> ProcessHandle.of(pid).isEmpty() || !ProcessHandle.of(pid).get().isAlive(), "API server dead");
        assertEquals("web", podOf(fx.tcpFromPod(ns, "client", ip, 80)), "traffic does not need the control plane");
        await(() -> {
            try {
                fx.k.get(Resource.NAMESPACES, null, ns);
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }, "API server back");
        // New work after the restart reaches every node: a second backend on node-2, then the first goes away.
        fx.pod(ns, "web2", 2, "web", 8080);
        fx.awaitReady(ns, "web2");
        fx.deletePod(ns, "web");
        fx.awaitGone(ns, "web");
        fx.awaitEndpoints(ns, "web", 1);
        String answer = awaitAnswerFrom(() -> fx.tcpFromPod(ns, "client", ip, 80), "web2", "after the control plane restart");
        assertEquals("web2", podOf(answer));
        for (int i = 0; i < 5; i++) assertEquals("web2", podOf(fx.tcpFromPod(ns, "client", ip, 80)), "the deleted pod's endpoint is gone");
    }

    @Test
    @Order(102)
    void aRemovedNodeLeavesNothingBehind() throws Exception {
        String ns = fx.namespace("noderemoved");
        fx.pod(ns, "r1", 1, "web", 8080);
        fx.pod(ns, "r2", 2, "web", 8080);
        fx.pod(ns, "client", 1, "client", 8080);
        Service s = fx.service(ns, svc("web", ""));
        fx.awaitReady(ns, "r1", "r2", "client");
        fx.awaitEndpoints(ns, "web", 2);
        String ip = s.spec().clusterIP();
        awaitAnswerFrom(() -> fx.tcpFromPod(ns, "client", ip, 80), "r2", "the node-2 endpoint before the removal");
        String r2Ip = fx.k.get(Resource.PODS, ns, "r2").status().podIP();
        String node2Cidr = fx.k.get(Resource.NODES, null, "node-2").spec().podCIDR();
        assertTrue(LabFixture.sh("ip", "-n", fx.spec.nodeNetns(1), "route", "show", node2Cidr).contains("nodenet.1"), "route to node-2's pods");

        fx.lab.removeNode("node-2", java.time.Duration.ofSeconds(120));
        fx.awaitEndpoints(ns, "web", 1);
        await(() -> LabFixture.sh("ip", "-n", fx.spec.nodeNetns(1), "route", "show", node2Cidr).isBlank(), "node-1's route to node-2's pods removed");
        await(() -> !natRules(1).contains(r2Ip + ":8080"), "node-1's rules forget the removed node's endpoint");
        for (int i = 0; i < 8; i++) assertEquals("r1", podOf(awaitAnswer(() -> fx.tcpFromPod(ns, "client", ip, 80), "after the removal")));
        assertFalse(LabFixture.sh("bridge", "-n", fx.spec.nodeNetns(1), "fdb", "show", "dev", "nodenet.1").contains("dst " + fx.spec.nodeIp(2)),
                "no VXLAN FDB entry towards the removed node");
        assertTrue(java.util.Arrays.stream(LabFixture.sh("ip", "netns", "list").split("\n")).noneMatch(l -> l.split(" ")[0].equals(fx.spec.nodeNetns(2))),
                "the node's namespace is gone");
    }

    String natRules(int node) throws Exception {
        // Whichever iptables variant the proxy detected holds the rules: read both.
        return LabFixture.sh("ip", "netns", "exec", fx.spec.nodeNetns(node), "iptables-save", "-t", "nat")
                + LabFixture.sh("ip", "netns", "exec", fx.spec.nodeNetns(node), "iptables-legacy-save", "-t", "nat");
    }

    static Set<String> set(String... s) {
        return new HashSet<>(List.of(s));
    }
}
