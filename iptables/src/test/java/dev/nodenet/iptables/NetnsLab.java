package dev.nodenet.iptables;

import dev.nodenet.netlink.NetNs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A three-namespace lab: "node" (where the proxy programs iptables) with a veth to "pod" (10.244.1.2, gateway
 * 10.244.1.1; a second address 10.244.1.3 plays a second pod) and a veth to "client" (192.168.50.2; the node is
 * 192.168.50.1 and routes through it by default). Echo servers in the pod: TCP 8080 on all addresses answers
 * "pod:&lt;line&gt;"; TCP 8081 (IPv4) answers "&lt;pod address that served&gt; &lt;client address it saw&gt;" (IPv4 and IPv6: the pod also has fd00:10:244:1::2, the node fd00:50::1); UDP 5353 on each pod address answers "&lt;address&gt;:&lt;datagram&gt;".
 * Everything is removed by {@link #close()}.
 */
final class NetnsLab implements AutoCloseable {
    static final String POD_IP = "10.244.1.2", POD_IP2 = "10.244.1.3", NODE_IP = "192.168.50.1", CLIENT_IP = "192.168.50.2";
    static final String POD_IP6 = "fd00:10:244:1::2", NODE_IP6 = "fd00:50::1";

    final String nodeName, podName, clientName;
    final NetNs node, pod, client;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    NetnsLab() throws Exception {
        String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        nodeName = "nn-node-" + id;
        podName = "nn-pod-" + id;
        clientName = "nn-cli-" + id;
        for (String n : List.of(nodeName, podName, clientName)) sh("ip", "netns", "add", n);
        try {
            sh("ip", "-n", nodeName, "link", "add", "vpod", "type", "veth", "peer", "name", "eth0", "netns", podName);
            sh("ip", "-n", nodeName, "link", "add", "vext", "type", "veth", "peer", "name", "eth0", "netns", clientName);
            sh("ip", "-n", nodeName, "addr", "add", "10.244.1.1/24", "dev", "vpod");
            sh("ip", "-n", nodeName, "addr", "add", NODE_IP + "/24", "dev", "vext");
            for (String n : List.of(nodeName, podName, clientName)) sh("ip", "-n", n, "link", "set", "lo", "up");
            sh("ip", "-n", nodeName, "link", "set", "vpod", "up");
            sh("ip", "-n", nodeName, "link", "set", "vext", "up");
            sh("ip", "-n", podName, "addr", "add", POD_IP + "/24", "dev", "eth0");
            sh("ip", "-n", podName, "addr", "add", POD_IP2 + "/24", "dev", "eth0");
            sh("ip", "-n", podName, "link", "set", "eth0", "up");
            sh("ip", "-n", podName, "route", "add", "default", "via", "10.244.1.1");
            sh("ip", "-n", clientName, "addr", "add", CLIENT_IP + "/24", "dev", "eth0");
            sh("ip", "-n", clientName, "link", "set", "eth0", "up");
            sh("ip", "-n", clientName, "route", "add", "default", "via", NODE_IP);
            sh("ip", "-n", nodeName, "route", "add", "default", "via", CLIENT_IP);
            sh("ip", "netns", "exec", nodeName, "sysctl", "-qw", "net.ipv4.ip_forward=1");
            sh("ip", "netns", "exec", nodeName, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
            // IPv6 twins of the above; nodad: usable at once, no duplicate address detection wait
            sh("ip", "-n", nodeName, "addr", "add", "fd00:10:244:1::1/64", "dev", "vpod", "nodad");
            sh("ip", "-n", nodeName, "addr", "add", NODE_IP6 + "/64", "dev", "vext", "nodad");
            sh("ip", "-n", podName, "addr", "add", POD_IP6 + "/64", "dev", "eth0", "nodad");
            sh("ip", "-n", podName, "-6", "route", "add", "default", "via", "fd00:10:244:1::1");
            sh("ip", "-n", clientName, "addr", "add", "fd00:50::2/64", "dev", "eth0", "nodad");
            sh("ip", "-n", clientName, "-6", "route", "add", "default", "via", NODE_IP6);
            sh("ip", "-n", nodeName, "-6", "route", "add", "default", "via", "fd00:50::2");
            node = NetNs.named(nodeName);
            pod = NetNs.named(podName);
            client = NetNs.named(clientName);
            startEchoServers();
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    private void startEchoServers() throws IOException {
        ServerSocket tcp = pod.call(() -> new ServerSocket(8080, 50, InetAddress.ofLiteral("::")));
        closeables.add(tcp);
        Thread.ofPlatform().daemon().name("lab-tcp-echo").start(() -> {
            while (!tcp.isClosed()) {
                try {
                    Socket s = tcp.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s; var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                             var out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
                            out.println("pod:" + in.readLine());
                        } catch (IOException ignored) {
                            // client went away
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        // TCP 8081: "<local address> <peer address>" — which pod address served, and the source address it saw
        ServerSocket who = pod.call(() -> new ServerSocket(8081, 50, InetAddress.ofLiteral("0.0.0.0")));
        closeables.add(who);
        Thread.ofPlatform().daemon().name("lab-tcp-who").start(() -> {
            while (!who.isClosed()) {
                try (Socket s = who.accept(); var out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
                    out.println(s.getLocalAddress().getHostAddress() + " " + s.getInetAddress().getHostAddress());
                } catch (IOException e) {
                    if (who.isClosed()) return;
                }
            }
        });
        for (String ip : List.of(POD_IP, POD_IP2)) {
            DatagramSocket udp = pod.call(() -> new DatagramSocket(new InetSocketAddress(InetAddress.ofLiteral(ip), 5353)));
            closeables.add(udp);
            Thread.ofPlatform().daemon().name("lab-udp-echo-" + ip).start(() -> {
                byte[] buf = new byte[1500];
                while (!udp.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        udp.receive(p);
                        byte[] reply = (ip + ":" + new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                        udp.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }
    }

    /** Sends a line over TCP from {@code from} and returns the reply line; throws on refusal or timeout. */
    /** Connects from {@code from} to the 8081 echo (through whatever rules apply) and returns "served-by seen-source". */
    static String who(NetNs from, String ip, int port) throws IOException {
        return from.call(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.ofLiteral(ip), port), 3000);
                s.setSoTimeout(3000);
                return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
            }
        });
    }

    static String tcp(NetNs from, String ip, int port, String line) throws IOException {
        return from.call(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.ofLiteral(ip), port), 2000);
                s.setSoTimeout(2000);
                new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8).println(line);
                return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
            }
        });
    }

    /**
     * Sends a UDP datagram from {@code from} (from source port {@code sourcePort}, 0 for any) and returns the reply,
     * or null when it was rejected (EPERM from a local REJECT, ICMP unreachable) or unanswered.
     */
    static String udp(NetNs from, String ip, int port, int sourcePort, String text) throws IOException {
        return from.call(() -> {
            try (DatagramSocket s = new DatagramSocket(null)) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(sourcePort));
                s.setSoTimeout(700);
                byte[] b = text.getBytes(StandardCharsets.UTF_8);
                try {
                    s.send(new DatagramPacket(b, b.length, InetAddress.ofLiteral(ip), port));
                } catch (java.net.SocketException e) {
                    return null;
                }
                byte[] buf = new byte[1500];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(p);
                } catch (java.net.SocketTimeoutException | java.net.PortUnreachableException e) {
                    return null;
                }
                return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            }
        });
    }

    /** Runs a command, failing with its output if it fails; returns stdout. */
    static String sh(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) throw new IOException(String.join(" ", command) + " failed: " + out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return out;
    }

    /** iptables-save and ip6tables-save output (nft and legacy) inside the node namespace. */
    String nodeRules() throws IOException {
        StringBuilder out = new StringBuilder();
        for (String tool : List.of("iptables-nft-save", "iptables-legacy-save", "ip6tables-nft-save", "ip6tables-legacy-save")) {
            out.append(sh("ip", "netns", "exec", nodeName, tool));
        }
        return out.toString();
    }

    @Override
    public void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        for (NetNs n : new NetNs[] {node, pod, client}) if (n != null) n.close();
        for (String n : List.of(nodeName, podName, clientName)) {
            try {
                sh("ip", "netns", "del", n);
            } catch (IOException ignored) {
                // never created
            }
        }
    }
}
