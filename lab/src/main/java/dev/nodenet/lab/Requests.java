package dev.nodenet.lab;

import dev.nodenet.netlink.NetNs;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Client requests from inside a lab network namespace (a pod's or a node's), to the lab's echo workload: sockets are
 * made on a platform thread switched into the namespace ({@link NetNs#call}). Public for the e2e suite. Any thread.
 */
public final class Requests {
    private Requests() {}

    /** One TCP exchange: sends a line, returns the echo's answer line ({@code "<pod> <client-ip>:<port>"}). */
    public static String tcp(String netns, String ip, int port, int timeoutMs) throws IOException {
        try (NetNs ns = NetNs.named(netns)) {
            return ns.call(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(ip, port), timeoutMs);
                    s.setSoTimeout(timeoutMs);
                    s.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
                    s.getOutputStream().flush();
                    StringBuilder sb = new StringBuilder();
                    int c;
                    while ((c = s.getInputStream().read()) >= 0 && c != '\n') sb.append((char) c);
                    if (c < 0 && sb.isEmpty()) throw new IOException("connection to " + ip + ":" + port + " closed without an answer");
                    return sb.toString();
                }
            });
        }
    }

    /** One UDP exchange from a fresh socket: a datagram out, the answer back. */
    public static String udp(String netns, String ip, int port, int timeoutMs) throws IOException {
        try (NetNs ns = NetNs.named(netns)) {
            return ns.call(() -> {
                try (DatagramSocket s = new DatagramSocket()) {
                    return udp(s, ip, port, timeoutMs);
                }
            });
        }
    }

    /** A UDP socket bound inside {@code netns} (for clients that keep their source port); caller closes it. */
    public static DatagramSocket udpSocket(String netns) throws IOException {
        try (NetNs ns = NetNs.named(netns)) {
            return ns.call(() -> new DatagramSocket());
        }
    }

    /** One UDP exchange on an existing socket. */
    public static String udp(DatagramSocket s, String ip, int port, int timeoutMs) throws IOException {
        byte[] out = "hello".getBytes(StandardCharsets.UTF_8);
        s.setSoTimeout(timeoutMs);
        s.send(new DatagramPacket(out, out.length, new InetSocketAddress(ip, port)));
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        return new String(buf, 0, p.getLength(), StandardCharsets.UTF_8).strip();
    }
}
