package dev.nodenet.iptables;

import dev.nodenet.netlink.NetNs;
import dev.nodenet.proxy.NodeNamespaces;
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

/**
 * The shared {@link NodeNamespaces} topology (IPv4 and IPv6) with echo servers in the pod: TCP 8080 on all addresses
 * answers "pod:&lt;line&gt;"; TCP 8081 (IPv4) answers "&lt;pod address that served&gt; &lt;client address it saw&gt;";
 * UDP 5353 on each pod address answers "&lt;address&gt;:&lt;datagram&gt;". Everything is removed by {@link #close()}.
 */
final class NetnsLab implements AutoCloseable {
    static final String POD_IP = NodeNamespaces.POD_IP, POD_IP2 = NodeNamespaces.POD_IP2, NODE_IP = NodeNamespaces.NODE_IP,
            CLIENT_IP = NodeNamespaces.CLIENT_IP, POD_IP6 = NodeNamespaces.POD_IP6, NODE_IP6 = NodeNamespaces.NODE_IP6;

    private final NodeNamespaces namespaces;
    final String nodeName, clientName;
    final NetNs node, pod, client;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    NetnsLab() throws Exception {
        namespaces = new NodeNamespaces("", true);
        nodeName = namespaces.nodeName;
        clientName = namespaces.clientName;
        node = namespaces.node();
        pod = namespaces.pod();
        client = namespaces.client();
        try {
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

    /** Sends a line over TCP from {@code from} and returns the reply line; throws on refusal or timeout. */
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
        return NodeNamespaces.sh(command);
    }

    /** iptables-save and ip6tables-save output (nft and legacy) inside the node namespace. */
    String nodeRules() throws IOException {
        return namespaces.nodeRules("iptables-nft-save", "iptables-legacy-save", "ip6tables-nft-save", "ip6tables-legacy-save");
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
        namespaces.close();
    }
}
