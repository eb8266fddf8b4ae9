package dev.nodenet.userspace;

import dev.nodenet.netlink.NetNs;
import dev.nodenet.proxy.NodeNamespaces;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
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
 * The shared {@link NodeNamespaces} topology (IPv4) — "node" is where the userspace proxy listens and programs its
 * portal rules — with servers in the pod, on each pod address:
 * <ul>
 *   <li>TCP 8080: answers each line with "&lt;pod address&gt;:&lt;line&gt;"; when the client half-closes, sends
 *       "bye &lt;pod address&gt;" and closes (so a half-close must travel through the proxy and back).</li>
 *   <li>TCP 8082 (on 10.244.1.2): bulk both ways — reads until the client's FIN, answers with the byte count on a
 *       line, then sends {@link #BULK_BYTES} bytes of {@link #pattern} and closes.</li>
 *   <li>UDP 5353: answers a datagram with "&lt;pod address&gt;:&lt;datagram&gt;".</li>
 * </ul>
 * Everything is removed by {@link #close()}.
 */
final class Lab implements AutoCloseable {
    static final String POD1 = NodeNamespaces.POD_IP, POD2 = NodeNamespaces.POD_IP2, NODE_IP = NodeNamespaces.NODE_IP,
            CLIENT_IP = NodeNamespaces.CLIENT_IP;

    private final NodeNamespaces namespaces;
    final String nodeName;
    final NetNs node, pod, client;
    private final List<AutoCloseable> servers = new ArrayList<>();

    Lab() throws Exception {
        namespaces = new NodeNamespaces("us", false);
        nodeName = namespaces.nodeName;
        node = namespaces.node();
        pod = namespaces.pod();
        client = namespaces.client();
        try {
            startBulkServer();
            for (String ip : List.of(POD1, POD2)) {
                startTcpServer(ip);
                startUdpServer(ip);
            }
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** A TCP server in the pod namespace: {@code session} runs on a virtual thread per accepted connection. */
    private void serve(String ip, int port, Session session) throws IOException {
        ServerSocket server = pod.call(() -> new ServerSocket(port, 200, InetAddress.ofLiteral(ip)));
        servers.add(server);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            session.run(s);
                        } catch (IOException ignored) {
                            // client went away
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @FunctionalInterface
    private interface Session {
        void run(Socket s) throws IOException;
    }

    private void startTcpServer(String ip) throws IOException {
        serve(ip, 8080, s -> {
            var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            for (String line; (line = in.readLine()) != null; ) out.write((ip + ":" + line + "\n").getBytes(StandardCharsets.UTF_8));
            out.write(("bye " + ip + "\n").getBytes(StandardCharsets.UTF_8)); // after the client's FIN
        });
    }

    static final int BULK_BYTES = 8 << 20;

    /** The byte at {@code offset} of a bulk stream. */
    static byte pattern(long offset) {
        return (byte) (offset * 31 + (offset >>> 13));
    }

    private void startBulkServer() throws IOException {
        serve(POD1, 8082, s -> {
            long count = s.getInputStream().transferTo(OutputStream.nullOutputStream());
            OutputStream out = s.getOutputStream();
            out.write((count + "\n").getBytes(StandardCharsets.UTF_8));
            byte[] chunk = new byte[64 * 1024];
            for (long off = 0; off < BULK_BYTES; off += chunk.length) {
                for (int i = 0; i < chunk.length; i++) chunk[i] = pattern(off + i);
                out.write(chunk);
            }
        });
    }

    private void startUdpServer(String ip) throws IOException {
        DatagramSocket udp = pod.call(() -> new DatagramSocket(new InetSocketAddress(InetAddress.ofLiteral(ip), 5353)));
        servers.add(udp);
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[2048];
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

    /** A TCP connection opened from inside {@code from} (the socket stays in that namespace). */
    static Conn connect(NetNs from, String ip, int port) throws IOException {
        Socket s = from.call(() -> {
            Socket sock = new Socket();
            try {
                sock.connect(new InetSocketAddress(InetAddress.ofLiteral(ip), port), 3000);
            } catch (IOException e) {
                sock.close();
                throw e;
            }
            return sock;
        });
        s.setSoTimeout(5000);
        return new Conn(s);
    }

    /** One line each way over a fresh connection; returns the reply. */
    static String ask(NetNs from, String ip, int port, String line) throws IOException {
        try (Conn c = connect(from, ip, port)) {
            return c.ask(line);
        }
    }

    /** A client TCP connection with line-oriented helpers. */
    static final class Conn implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        String ask(String line) throws IOException {
            socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            return in.readLine();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A UDP socket opened in {@code from}, connected to ip:port (so it accepts replies only from that address). */
    static DatagramSocket udpSocket(NetNs from, String ip, int port) throws IOException {
        DatagramSocket s = from.call(() -> new DatagramSocket(new InetSocketAddress(0)));
        s.connect(new InetSocketAddress(InetAddress.ofLiteral(ip), port));
        s.setSoTimeout(1000);
        return s;
    }

    /** Sends {@code text} and returns the reply, or null when none came within the socket's timeout. */
    static String udpAsk(DatagramSocket s, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        s.send(new DatagramPacket(b, b.length));
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            s.receive(p);
        } catch (java.net.SocketTimeoutException | java.net.PortUnreachableException e) {
            return null;
        }
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
    }

    /** iptables-save in the node namespace (both variants). */
    String nodeRules() throws IOException {
        return namespaces.nodeRules("iptables-nft-save", "iptables-legacy-save");
    }

    @Override
    public void close() {
        for (AutoCloseable c : servers) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        namespaces.close();
    }
}
