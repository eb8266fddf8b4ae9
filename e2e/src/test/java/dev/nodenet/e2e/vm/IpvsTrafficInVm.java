package dev.nodenet.e2e.vm;

import dev.nodenet.netlink.GenericNetlink;
import dev.nodenet.netlink.GenlFamily;
import dev.nodenet.netlink.NetNs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IPVS for real, inside the kernel VM ({@link IpvsInKernelVmTest} runs it there): the VM's root namespace plays the
 * node, with the Service IP on a {@code kube-ipvs0} dummy device as kube-proxy's IPVS mode does; a client namespace
 * (a pod) opens TCP connections to the virtual service; a server namespace holds two real servers. IPVS in NAT
 * ("masquerading") mode must spread the connections round-robin and keep the client's address visible to the servers.
 */
@InKernelVm
@Tag("privileged")
@Tag("kernel-vm")
class IpvsTrafficInVm {
    private static final String VIP = "10.96.0.10";
    private static final int VPORT = 80, RPORT = 8080;
    private static final String CLIENT_IP = "10.250.1.2", NODE_TO_CLIENT = "10.250.1.1";
    private static final String NODE_TO_SERVERS = "10.250.2.1";
    private static final List<String> REAL_SERVERS = List.of("10.250.2.2", "10.250.2.3");

    private final String suffix = Long.toString(ProcessHandle.current().pid() % 100000);
    private final String clientNs = "ipvs-client-" + suffix, serverNs = "ipvs-server-" + suffix;
    private final String clientVeth = "kvc" + suffix, serverVeth = "kvs" + suffix;
    private final List<ServerSocket> servers = new ArrayList<>();

    /** Every exec costs about half a second under emulation: one {@code ip -batch} per namespace. */
    @BeforeEach
    void topology() throws Exception {
        ipBatch(null, false, """
                netns add %1$s
                netns add %2$s
                link add %3$s type veth peer name eth0 netns %1$s
                link add %4$s type veth peer name eth0 netns %2$s
                addr add %5$s/24 dev %3$s
                addr add %6$s/24 dev %4$s
                link set %3$s up
                link set %4$s up
                link add kube-ipvs0 type dummy
                addr add %7$s/32 dev kube-ipvs0
                """.formatted(clientNs, serverNs, clientVeth, serverVeth, NODE_TO_CLIENT, NODE_TO_SERVERS, VIP));
        // This machine's kernel has no dummy device either; kube-proxy's IPVS mode binds Service IPs to one.
        ipBatch(clientNs, false, """
                link set lo up
                addr add %s/24 dev eth0
                link set eth0 up
                route add default via %s
                """.formatted(CLIENT_IP, NODE_TO_CLIENT));
        ipBatch(serverNs, false, """
                link set lo up
                addr add %s/24 dev eth0
                addr add %s/24 dev eth0
                link set eth0 up
                route add default via %s
                """.formatted(REAL_SERVERS.get(0), REAL_SERVERS.get(1), NODE_TO_SERVERS));
        // The VM is throw-away; forwarding in its root namespace is what a node has.
        Files.writeString(Path.of("/proc/sys/net/ipv4/ip_forward"), "1");
    }

    @AfterEach
    void removeTopology() throws Exception {
        for (ServerSocket s : servers) s.close();
        run("ipvsadm", "-D", "-t", VIP + ":" + VPORT);
        ipBatch(null, true, """
                link del kube-ipvs0
                link del %s
                link del %s
                netns del %s
                netns del %s
                """.formatted(clientVeth, serverVeth, clientNs, serverNs));
    }

    @Test
    void genericNetlinkResolvesTheIpvsFamily() {
        try (GenericNetlink genl = GenericNetlink.open()) {
            GenlFamily ipvs = genl.resolveFamily("IPVS");
            assertEquals("IPVS", ipvs.name());
            assertTrue(ipvs.id() > 0x10, "IPVS family id " + ipvs.id());
            assertEquals(1, ipvs.version(), "IPVS genl version");
        }
    }

    @Test
    void tcpThroughTheVirtualServiceReachesBothRealServersRoundRobin() throws Exception {
        try (NetNs server = NetNs.named(serverNs); NetNs client = NetNs.named(clientNs)) {
            for (String rs : REAL_SERVERS) {
                ServerSocket ss = server.call(() -> new ServerSocket(RPORT, 50,
                        java.net.InetAddress.getByName(rs)));
                servers.add(ss);
                Thread.ofVirtual().name("real-server-" + rs).start(() -> serve(ss, rs));
            }
            sh("ipvsadm", "-A", "-t", VIP + ":" + VPORT, "-s", "rr");
            for (String rs : REAL_SERVERS) {
                sh("ipvsadm", "-a", "-t", VIP + ":" + VPORT, "-r", rs + ":" + RPORT, "-m");
            }
            Map<String, Integer> answersByServer = new HashMap<>();
            for (int i = 0; i < 4; i++) {
                String answer = client.call(() -> exchange(VIP, VPORT));
                String[] f = answer.split(" ");
                assertEquals(CLIENT_IP, f[1], "NAT mode must keep the client's address: " + answer);
                answersByServer.merge(f[0], 1, Integer::sum);
            }
            assertEquals(Map.of(REAL_SERVERS.get(0), 2, REAL_SERVERS.get(1), 2), answersByServer,
                    "round robin over two real servers");
            // IPVS's own connection table (its counters lag behind an estimator timer): each real server got two
            // connections from the client to the virtual service.
            String conns = sh("ipvsadm", "-L", "-n", "-c");
            for (String rs : REAL_SERVERS) {
                // Columns: pro expire state source virtual destination.
                long n = conns.lines().map(l -> l.trim().split("\\s+")).filter(f -> f.length == 6
                        && f[3].startsWith(CLIENT_IP + ":") && f[4].equals(VIP + ":" + VPORT)
                        && f[5].equals(rs + ":" + RPORT)).count();
                assertEquals(2, n, "IPVS connections client -> " + VIP + " -> " + rs + ":\n" + conns);
            }
        }
    }

    /** Answers each connection with "SERVER_IP CLIENT_IP". */
    private static void serve(ServerSocket ss, String self) {
        while (!ss.isClosed()) {
            try (Socket s = ss.accept(); OutputStream out = s.getOutputStream()) {
                out.write((self + " " + s.getInetAddress().getHostAddress() + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                if (!ss.isClosed()) System.err.println("real server " + self + ": " + e);
            }
        }
    }

    private static String exchange(String ip, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), 10_000);
            s.setSoTimeout(10_000);
            BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line = r.readLine();
            if (line == null) throw new IOException("no answer from " + ip + ":" + port);
            return line;
        }
    }

    /** Runs a command; fails the test with its output unless it exits 0. */
    private static String sh(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        if (rc != 0) throw new AssertionError(String.join(" ", argv) + " exited " + rc + ": " + out);
        return out;
    }

    /** {@code ip [-n NS] -batch -} of {@code commands}; {@code cleanup}: go on past errors and do not fail. */
    private static void ipBatch(String ns, boolean cleanup, String commands) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("ip"));
        if (ns != null) argv.addAll(List.of("-n", ns));
        if (cleanup) argv.add("-force");
        argv.addAll(List.of("-batch", "-"));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(commands.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        if (rc != 0 && !cleanup) throw new AssertionError(String.join(" ", argv) + " exited " + rc + ": " + out
                + "\ncommands:\n" + commands);
    }

    /** Runs a clean-up command; failures are fine (the thing may not exist). */
    private static void run(String... argv) throws IOException, InterruptedException {
        new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
    }
}
