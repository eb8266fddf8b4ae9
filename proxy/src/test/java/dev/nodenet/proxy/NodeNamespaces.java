package dev.nodenet.proxy;

import dev.nodenet.netlink.NetNs;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The network-namespace topology every proxy mode's traffic tests use: a "node" (where the mode programs the kernel)
 * with a veth to a "pod" namespace (10.244.1.2 and 10.244.1.3 — two pods — behind gateway 10.244.1.1) and a veth to
 * a "client" outside (192.168.50.2; the node is 192.168.50.1 and routes through the client by default, so
 * node-originated traffic to Service IPs reaches the OUTPUT hook). With {@code ipv6}, the same again in
 * fd00:10:244:1::/64 and fd00:50::/64. Namespace names are unique per instance; {@link #close()} removes them and
 * everything in them. Used from one test thread; the {@link NetNs} handles may be used from any.
 */
public final class NodeNamespaces implements AutoCloseable {
    public static final String POD_IP = "10.244.1.2", POD_IP2 = "10.244.1.3", NODE_IP = "192.168.50.1", CLIENT_IP = "192.168.50.2";
    public static final String POD_IP6 = "fd00:10:244:1::2", NODE_IP6 = "fd00:50::1";

    public final String nodeName, podName, clientName;
    private NetNs node, pod, client;

    /** @param prefix a short tag in the namespace names ({@code nn-PREFIXnode-<random>}), to tell suites apart */
    public NodeNamespaces(String prefix, boolean ipv6) throws IOException {
        String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        nodeName = "nn-" + prefix + "node-" + id;
        podName = "nn-" + prefix + "pod-" + id;
        clientName = "nn-" + prefix + "cli-" + id;
        try {
            for (String n : List.of(nodeName, podName, clientName)) sh("ip", "netns", "add", n);
            sh("ip", "-n", nodeName, "link", "add", "vpod", "type", "veth", "peer", "name", "eth0", "netns", podName);
            sh("ip", "-n", nodeName, "link", "add", "vext", "type", "veth", "peer", "name", "eth0", "netns", clientName);
            sh("ip", "-n", nodeName, "addr", "add", "10.244.1.1/24", "dev", "vpod");
            sh("ip", "-n", nodeName, "addr", "add", NODE_IP + "/24", "dev", "vext");
            sh("ip", "-n", podName, "addr", "add", POD_IP + "/24", "dev", "eth0");
            sh("ip", "-n", podName, "addr", "add", POD_IP2 + "/24", "dev", "eth0");
            sh("ip", "-n", clientName, "addr", "add", CLIENT_IP + "/24", "dev", "eth0");
            for (String n : List.of(nodeName, podName, clientName)) sh("ip", "-n", n, "link", "set", "lo", "up");
            for (String dev : List.of("vpod", "vext")) sh("ip", "-n", nodeName, "link", "set", dev, "up");
            sh("ip", "-n", podName, "link", "set", "eth0", "up");
            sh("ip", "-n", clientName, "link", "set", "eth0", "up");
            sh("ip", "-n", podName, "route", "add", "default", "via", "10.244.1.1");
            sh("ip", "-n", clientName, "route", "add", "default", "via", NODE_IP);
            sh("ip", "-n", nodeName, "route", "add", "default", "via", CLIENT_IP);
            sh("ip", "netns", "exec", nodeName, "sysctl", "-qw", "net.ipv4.ip_forward=1");
            if (ipv6) {
                sh("ip", "netns", "exec", nodeName, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
                // nodad: usable at once, no duplicate address detection wait
                sh("ip", "-n", nodeName, "addr", "add", "fd00:10:244:1::1/64", "dev", "vpod", "nodad");
                sh("ip", "-n", nodeName, "addr", "add", NODE_IP6 + "/64", "dev", "vext", "nodad");
                sh("ip", "-n", podName, "addr", "add", POD_IP6 + "/64", "dev", "eth0", "nodad");
                sh("ip", "-n", podName, "-6", "route", "add", "default", "via", "fd00:10:244:1::1");
                sh("ip", "-n", clientName, "addr", "add", "fd00:50::2/64", "dev", "eth0", "nodad");
                sh("ip", "-n", clientName, "-6", "route", "add", "default", "via", NODE_IP6);
                sh("ip", "-n", nodeName, "-6", "route", "add", "default", "via", "fd00:50::2");
            }
            node = NetNs.named(nodeName);
            pod = NetNs.named(podName);
            client = NetNs.named(clientName);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    public NetNs node() {
        return node;
    }

    public NetNs pod() {
        return pod;
    }

    public NetNs client() {
        return client;
    }

    /** The output of each of {@code saveTools} (iptables-nft-save, ...) run in the node namespace, concatenated. */
    public String nodeRules(String... saveTools) throws IOException {
        StringBuilder out = new StringBuilder();
        for (String tool : saveTools) out.append(sh("ip", "netns", "exec", nodeName, tool));
        return out.toString();
    }

    /** Runs a command in this machine's namespace through the proxy's {@link Exec}; returns stdout, throws on failure. */
    public static String sh(String... command) throws IOException {
        Exec.Result r = new Exec(null).run(List.of(command), null);
        if (!r.ok()) throw new IOException(String.join(" ", command) + " failed: " + r.stderr() + r.stdout());
        return r.stdout();
    }

    @Override
    public void close() {
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
