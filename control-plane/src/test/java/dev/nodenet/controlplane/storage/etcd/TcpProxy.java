package dev.nodenet.controlplane.storage.etcd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP forwarder in front of a test etcd, so a test can cut one client off (reset its connections and refuse
 * new ones) while etcd keeps serving others. Connections are pumped by virtual threads; {@link #close()} stops all.
 */
final class TcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean open = true;
    private volatile boolean closed;

    TcpProxy(URI target) throws IOException {
        this.target = new InetSocketAddress(InetAddress.getByName(target.getHost()), target.getPort());
        this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread.ofVirtual().name("tcp-proxy-accept").start(this::acceptLoop);
    }

    URI endpoint() { return URI.create("http://127.0.0.1:" + server.getLocalPort()); }

    /** Resets every forwarded connection and refuses (accepts and drops) new ones until {@link #reopen()}. */
    void cut() {
        open = false;
        for (Socket s : sockets) closeQuietly(s);
        sockets.clear();
    }

    void reopen() { open = true; }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (!open) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket upstream = new Socket();
                upstream.connect(target, 1000);
                sockets.add(client);
                sockets.add(upstream);
                Thread.ofVirtual().start(() -> pump(client, upstream));
                Thread.ofVirtual().start(() -> pump(upstream, client));
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buf)) >= 0; ) out.write(buf, 0, n);
        } catch (IOException e) {
            // one side went away: end both below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.setSoLinger(true, 0); // RST, like a crashed peer, rather than an orderly FIN
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        cut();
    }
}
