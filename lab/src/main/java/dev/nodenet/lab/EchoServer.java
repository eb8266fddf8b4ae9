package dev.nodenet.lab;

import dev.nodenet.netlink.NetNs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The lab's built-in workload, whatever image a Pod names: on each declared port (8080 when none) a TCP and a UDP
 * server inside the pod's network namespace that answer with the pod's name and the client address they see,
 * {@code "<pod> <client-ip>:<client-port>\n"} — like agnhost netexec's {@code /hostname} and {@code /clientip} in one.
 * TCP answers every line; a request starting with an HTTP method gets one HTTP/1.1 200 answer (so {@code curl}
 * works) and the connection closes. UDP answers every datagram.
 *
 * <p>Sockets are created on a short-lived platform thread switched into the pod's namespace ({@link NetNs#call}) and
 * keep that namespace; accept and receive loops then run on virtual threads in this JVM. {@link #close} stops all.
 */
final class EchoServer implements AutoCloseable {
    static final int DEFAULT_PORT = 8080;
    private final String podName;
    private final List<ServerSocket> tcp = new ArrayList<>();
    private final List<DatagramSocket> udp = new ArrayList<>();
    private final List<Socket> connections = new ArrayList<>();
    private volatile boolean closed;

    private EchoServer(String podName) {
        this.podName = podName;
    }

    /** Opens the servers in {@code netns} on {@code ports}; on failure nothing stays open. */
    static EchoServer start(NetNs netns, String podName, List<Integer> ports) throws IOException {
        EchoServer s = new EchoServer(podName);
        try {
            netns.run(() -> {
                for (int port : ports) {
                    ServerSocket ss = new ServerSocket();
                    ss.setReuseAddress(true);
                    s.tcp.add(ss);
                    ss.bind(new InetSocketAddress("0.0.0.0", port), 128);
                    s.udp.add(new DatagramSocket(new InetSocketAddress("0.0.0.0", port)));
                }
                return null;
            });
        } catch (IOException | RuntimeException e) {
            s.close();
            throw new IOException("pod " + podName + ": cannot open echo ports " + ports + ": " + e.getMessage(), e);
        }
        for (ServerSocket ss : s.tcp) Thread.ofVirtual().name("echo-tcp-" + podName).start(() -> s.acceptLoop(ss));
        for (DatagramSocket ds : s.udp) Thread.ofVirtual().name("echo-udp-" + podName).start(() -> s.udpLoop(ds));
        return s;
    }

    String answerFor(java.net.InetAddress client, int port) {
        return podName + " " + client.getHostAddress() + ":" + port + "\n";
    }

    private void acceptLoop(ServerSocket ss) {
        while (!closed) {
            try {
                Socket c = ss.accept();
                synchronized (connections) {
                    if (closed) {
                        c.close();
                        return;
                    }
                    connections.add(c);
                }
                Thread.ofVirtual().start(() -> serve(c));
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private void serve(Socket c) {
        try (c) {
            c.setSoTimeout(60_000);
            String answer = answerFor(c.getInetAddress(), c.getPort());
            BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = c.getOutputStream();
            String line;
            while ((line = in.readLine()) != null) {
                if (line.matches("(GET|HEAD|POST|PUT) \\S+ HTTP/1\\.[01]")) {
                    String header;
                    while ((header = in.readLine()) != null && !header.isEmpty()) {
                        // skip the request headers
                    }
                    byte[] body = answer.getBytes(StandardCharsets.UTF_8);
                    String head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
                    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                    if (!line.startsWith("HEAD")) out.write(body);
                    out.flush();
                    return;
                }
                out.write(answer.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException ignored) {
            // the client went away
        } finally {
            synchronized (connections) {
                connections.remove(c);
            }
        }
    }

    private void udpLoop(DatagramSocket ds) {
        byte[] buf = new byte[2048];
        while (!closed) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                ds.receive(p);
                byte[] answer = answerFor(p.getAddress(), p.getPort()).getBytes(StandardCharsets.UTF_8);
                ds.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    /** Closes listeners and open connections (clients see a reset or EOF, as when a container stops). */
    @Override
    public void close() {
        closed = true;
        for (ServerSocket ss : tcp) closeQuietly(ss);
        for (DatagramSocket ds : udp) ds.close();
        synchronized (connections) {
            for (Socket c : connections) closeQuietly(c);
            connections.clear();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing
        }
    }
}
