package dev.nodenet.cni.overlay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodenet.api.client.KubeClient;
import dev.nodenet.api.client.KubeConfig;
import dev.nodenet.api.client.Resource;
import dev.nodenet.api.codec.Json;
import dev.nodenet.api.model.Node;
import dev.nodenet.controlplane.server.ApiServer;
import dev.nodenet.netlink.NetNs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two "nodes" (network namespaces on one underlay bridge), each with a pod behind a cni0 bridge and an overlay agent
 * fed by a real API server: pods ping each other across the VXLAN tunnel; a deleted device is repaired; a removed
 * peer's entries go away.
 */
@Tag("privileged")
class TwoNodeOverlayTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    final String underlay = "ou-" + id, node1 = "on1-" + id, node2 = "on2-" + id, pod1 = "op1-" + id, pod2 = "op2-" + id;
    final List<String> namespaces = new ArrayList<>();
    final List<AutoCloseable> closeables = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception ignored) {
                // keep cleaning
            }
        }
        for (String ns : namespaces) sh("ip", "netns", "del", ns);
    }

    @Test
    void podsOnTwoNodesTalkOverVxlan() throws Exception {
        buildTopology();
        ApiServer server = ApiServer.start(ApiServer.Config.defaults(dir.resolve("api")).withPort(0));
        closeables.add(server);
        KubeClient client = new KubeClient(KubeConfig.load(server.kubeconfig()));
        for (int i = 1; i <= 2; i++) {
            Node n = Json.read("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"node-" + i + "\"},\"spec\":{\"podCIDR\":\"10.244." + i
                    + ".0/24\"},\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"192.168.77." + i + "\"}]}}", Node.class);
            client.create(Resource.NODES, null, n);
        }
        OverlayAgent a1 = agent(client, 1), a2 = agent(client, 2);
        await(() -> a1.ready() && a2.ready(), "agents ready: " + a1.lastProblem() + " / " + a2.lastProblem());
        await(() -> sh("ip", "-n", node1, "route", "show", "10.244.2.0/24").contains("nodenet.1"), "route to the peer subnet");

        assertEquals(0, exit("ip", "netns", "exec", pod1, "ping", "-c", "2", "-W", "2", "10.244.2.2"), "pod 1 reaches pod 2 across nodes");
        assertEquals(0, exit("ip", "netns", "exec", pod2, "ping", "-c", "2", "-W", "2", "10.244.1.2"), "and back");

        JsonNode vx = JSON.readTree(sh("ip", "-n", node1, "-d", "-j", "link", "show", "nodenet.1")).get(0);
        JsonNode info = vx.path("linkinfo").path("info_data");
        assertEquals(1, info.path("id").asInt());
        assertEquals(8472, info.path("port").asInt());
        assertFalse(info.path("learning").asBoolean(true), "learning off");
        assertEquals(1450, vx.path("mtu").asInt(), "MTU = underlay 1500 - 50");
        String mac2 = Peer.vtepMacFor("node-2").toString();
        assertTrue(sh("bridge", "-n", node1, "fdb", "show", "dev", "nodenet.1").contains(mac2 + " dst 192.168.77.2"), "FDB entry to the peer VTEP");
        assertTrue(sh("ip", "-n", node1, "neigh", "show", "dev", "nodenet.1").contains("10.244.2.0 lladdr " + mac2 + " PERMANENT"));
        assertTrue(sh("ip", "-n", node1, "route", "show", "10.244.2.0/24").contains("via 10.244.2.0 dev nodenet.1 onlink"));
        Node published = client.get(Resource.NODES, null, "node-1");
        assertEquals("192.168.77.1", published.metadata().annotations().get(Peer.PUBLIC_IP));
        String conflist = Files.readString(dir.resolve("cni1").resolve(HostFiles.CONFLIST_NAME));
        assertTrue(conflist.contains("\"subnet\": \"10.244.1.0/24\"") && conflist.contains("\"mtu\": 1450"), conflist);
        assertTrue(Files.readString(dir.resolve("subnet1.env")).contains("NODENET_SUBNET=10.244.1.1/24"));
        assertTrue(sh("ip", "netns", "exec", node1, "iptables-save", "-t", "nat").contains("-A POSTROUTING -j NODENET-POSTRTG"));

        // Someone deletes the device: the next pass recreates it with every peer entry.
        sh("ip", "-n", node1, "link", "del", "nodenet.1");
        await(() -> sh("ip", "-n", node1, "route", "show", "10.244.2.0/24").contains("nodenet.1"), "device and route repaired");
        assertEquals(0, exit("ip", "netns", "exec", pod1, "ping", "-c", "1", "-W", "2", "10.244.2.2"), "traffic flows again after repair");

        // A peer leaves the cluster: its entries go.
        client.delete(Resource.NODES, null, "node-2");
        await(() -> sh("ip", "-n", node1, "route", "show", "10.244.2.0/24").isBlank()
                && !sh("bridge", "-n", node1, "fdb", "show", "dev", "nodenet.1").contains(mac2), "peer entries removed");

        a1.cleanup();
        assertTrue(sh("ip", "-n", node1, "link", "show", "nodenet.1").contains("does not exist"), "clean-up removes the device");
        assertFalse(sh("ip", "netns", "exec", node1, "iptables-save").contains("NODENET-"), "clean-up removes our chains");
    }

    private OverlayAgent agent(KubeClient client, int i) {
        String ns = i == 1 ? node1 : node2;
        OverlayConfig c = OverlayConfig.defaults("node-" + i).withFiles(dir.resolve("cni" + i), dir.resolve("subnet" + i + ".env"))
                .withNetns(ns).withResyncPeriod(Duration.ofMillis(500));
        NetNs netns = NetNs.named(ns);
        closeables.add(netns);
        OverlayAgent a = OverlayAgent.start(c, client, netns);
        closeables.add(a);
        return a;
    }

    private void buildTopology() throws IOException {
        for (String ns : List.of(underlay, node1, node2, pod1, pod2)) {
            sh("ip", "netns", "add", ns);
            namespaces.add(ns);
            sh("ip", "-n", ns, "link", "set", "lo", "up");
        }
        sh("ip", "-n", underlay, "link", "add", "br0", "type", "bridge");
        sh("ip", "-n", underlay, "link", "set", "br0", "up");
        for (int i = 1; i <= 2; i++) {
            String node = i == 1 ? node1 : node2, pod = i == 1 ? pod1 : pod2;
            sh("ip", "-n", underlay, "link", "add", "u" + i, "type", "veth", "peer", "name", "eth0", "netns", node);
            sh("ip", "-n", underlay, "link", "set", "u" + i, "master", "br0", "up");
            sh("ip", "-n", node, "addr", "add", "192.168.77." + i + "/24", "dev", "eth0");
            sh("ip", "-n", node, "link", "set", "eth0", "up");
            sh("ip", "-n", node, "link", "add", "cni0", "type", "bridge");
            sh("ip", "-n", node, "addr", "add", "10.244." + i + ".1/24", "dev", "cni0");
            sh("ip", "-n", node, "link", "set", "cni0", "up");
            sh("ip", "-n", node, "link", "add", "vp" + i, "type", "veth", "peer", "name", "eth0", "netns", pod);
            sh("ip", "-n", node, "link", "set", "vp" + i, "master", "cni0", "up");
            sh("ip", "-n", pod, "addr", "add", "10.244." + i + ".2/24", "dev", "eth0");
            sh("ip", "-n", pod, "link", "set", "eth0", "up");
            sh("ip", "-n", pod, "route", "add", "default", "via", "10.244." + i + ".1");
        }
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for: " + what);
            Thread.sleep(100);
        }
    }

    static int exit(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static String sh(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
