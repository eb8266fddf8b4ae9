package dev.nodenet.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.api.codec.Json;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What one lab is: where its files live, its name prefix (every netns and link it makes starts with it), node count,
 * proxy mode, underlay subnet, API port, pod network and the command that launches {@code ./nodenet} children.
 * Saved as {@code <dir>/lab.json} by {@code lab up}, so {@code status}, {@code exec}, {@code down} and the supervisor
 * all read the same facts. Immutable; any thread.
 *
 * @param dir          the lab's state directory (logs, API server data, per-node files, pod records)
 * @param name         prefix of every kernel object: bridge {@code NAME0}, node netns {@code NAME-node-I}, pod netns
 *                     {@code NAME-p-HASH}; 2–6 lowercase letters/digits
 * @param nodes        number of nodes, 1..{@link #MAX_NODES}
 * @param mode         the node daemons' {@code --proxy-mode}
 * @param underlayCidr IPv4 subnet of the underlay bridge: .1 is the bridge (API server), .1I is node I
 * @param apiPort      the API server's HTTPS port on the bridge address
 * @param clusterCidr  the pod network (each node gets a /24 of it)
 * @param launcher     the command that runs {@code nodenet} (java ... dev.nodenet.cli.Main), arguments follow
 * @param cniAot       install the CNI plugin with its JDK AOT cache (faster ADDs, slower {@code lab up})
 */
public record LabSpec(Path dir, String name, int nodes, String mode, String underlayCidr, int apiPort, String clusterCidr,
                      List<String> launcher, boolean cniAot) {
    public static final int MAX_NODES = 8;
    /** Every mode the node daemon knows; whether this build implements it is the daemon's answer. */
    public static final Set<String> KNOWN_MODES = Set.of("iptables", "ipvs", "nftables", "userspace");
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{1,5}");

    public LabSpec {
        dir = dir.toAbsolutePath().normalize();
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid lab name \"" + name + "\": 2-6 lowercase letters or digits, starting with a letter");
        }
        if (nodes < 1 || nodes > MAX_NODES) throw new IllegalArgumentException("--nodes must be between 1 and " + MAX_NODES + ", got " + nodes);
        if (!KNOWN_MODES.contains(mode)) {
            throw new IllegalArgumentException("unknown proxy mode \"" + mode + "\" (known: " + String.join(", ", KNOWN_MODES.stream().sorted().toList()) + ")");
        }
        int len = prefixLength(underlayCidr);
        if (len < 8 || len > 27) throw new IllegalArgumentException("--underlay-cidr must be an IPv4 subnet between /8 and /27, got " + underlayCidr);
        if (apiPort < 1 || apiPort > 65535) throw new IllegalArgumentException("--api-port must be in 1..65535, got " + apiPort);
        if (launcher.isEmpty()) throw new IllegalArgumentException("empty launcher");
        launcher = List.copyOf(launcher);
    }

    /** The underlay bridge in the root namespace. */
    public String bridge() {
        return name + "0";
    }

    public String nodeName(int i) {
        return "node-" + i;
    }

    public List<String> nodeNames() {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) out.add(nodeName(i));
        return out;
    }

    /** Node index of a node name, or -1. */
    public int nodeIndex(String nodeName) {
        for (int i = 1; i <= nodes; i++) if (nodeName(i).equals(nodeName)) return i;
        return -1;
    }

    /** The node's network namespace; also the name of its veth's root end. */
    public String nodeNetns(int i) {
        return name + "-node-" + i;
    }

    /** A pod's network namespace: the lab prefix and a hash of namespace/name (stable, ≤ 15 characters). */
    public String podNetns(String namespace, String podName) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((namespace + "/" + podName).getBytes(StandardCharsets.UTF_8));
            return name + "-p-" + HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String bridgeIp() {
        return address(1);
    }

    public String nodeIp(int i) {
        return address(10 + i);
    }

    public int underlayPrefixLength() {
        return prefixLength(underlayCidr);
    }

    public String apiUrl() {
        return "https://" + bridgeIp() + ":" + apiPort;
    }

    public Path apiDataDir() {
        return dir.resolve("apiserver");
    }

    /** The admin kubeconfig the user's kubectl uses. */
    public Path kubeconfig() {
        return apiDataDir().resolve("admin.kubeconfig");
    }

    public Path nodeDir(int i) {
        return dir.resolve("nodes").resolve(nodeName(i));
    }

    public Path cniConfDir(int i) {
        return nodeDir(i).resolve("net.d");
    }

    public Path cniBinDir() {
        return dir.resolve("cni").resolve("bin");
    }

    public Path logDir() {
        return dir.resolve("logs");
    }

    public Path runDir() {
        return dir.resolve("run");
    }

    public Path podsDir() {
        return runDir().resolve("pods");
    }

    public Path readyFile() {
        return runDir().resolve("ready");
    }

    /** One file per node removed with {@code lab remove-node}. */
    public Path removedDir() {
        return runDir().resolve("removed");
    }

    /** Written when a child refused its command line (it is not restarted); lab up reports it. */
    public Path failedFile() {
        return runDir().resolve("failed");
    }

    public Path pidFile(String child) {
        return runDir().resolve(child + ".pid");
    }

    public static Path specFile(Path dir) {
        return dir.resolve("lab.json");
    }

    public void save() throws IOException {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("name", name).put("nodes", nodes).put("mode", mode).put("underlayCidr", underlayCidr).put("apiPort", apiPort)
                .put("clusterCidr", clusterCidr).put("cniAot", cniAot);
        launcher.forEach(o.putArray("launcher")::add);
        Files.createDirectories(dir);
        Files.writeString(specFile(dir), o.toPrettyString() + "\n");
    }

    /** Reads {@code <dir>/lab.json}; IOException when there is none or it is damaged. */
    public static LabSpec load(Path dir) throws IOException {
        Path f = specFile(dir);
        JsonNode o = Json.mapper().readTree(Files.readString(f));
        try {
            List<String> launcher = new ArrayList<>();
            o.path("launcher").forEach(n -> launcher.add(n.asText()));
            return new LabSpec(dir, o.path("name").asText(), o.path("nodes").asInt(), o.path("mode").asText(), o.path("underlayCidr").asText(),
                    o.path("apiPort").asInt(), o.path("clusterCidr").asText(), launcher, o.path("cniAot").asBoolean());
        } catch (IllegalArgumentException e) {
            throw new IOException(f + " is damaged: " + e.getMessage(), e);
        }
    }

    /** True when the IPv4 subnet {@code cidr} shares addresses with the underlay. */
    public boolean underlayOverlaps(String cidr) {
        int len = Math.min(prefixLengthOf(cidr), underlayPrefixLength());
        long mask = len == 0 ? 0 : (0xffffffffL << (32 - len)) & 0xffffffffL;
        return (toInt(cidr.split("/")[0]) & mask) == (toInt(underlayCidr.split("/")[0]) & mask);
    }

    private static int prefixLengthOf(String cidr) {
        return Integer.parseInt(cidr.split("/")[1]);
    }

    private static long toInt(String ip) {
        long v = 0;
        for (String part : ip.split("\\.")) v = v << 8 | Integer.parseInt(part);
        return v;
    }

    private String address(int hostNumber) {
        String[] parts = underlayCidr.split("/");
        try {
            byte[] b = InetAddress.getByName(parts[0]).getAddress();
            int v = ((b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff)) + hostNumber;
            return ((v >>> 24) & 0xff) + "." + ((v >>> 16) & 0xff) + "." + ((v >>> 8) & 0xff) + "." + (v & 0xff);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static int prefixLength(String cidr) {
        String[] parts = cidr.split("/");
        if (parts.length != 2 || !parts[0].matches("\\d{1,3}(\\.\\d{1,3}){3}")) throw new IllegalArgumentException("not an IPv4 CIDR: \"" + cidr + "\"");
        int len;
        try {
            len = Integer.parseInt(parts[1]);
            if (!(InetAddress.getByName(parts[0]) instanceof Inet4Address a)) throw new IllegalArgumentException("not IPv4");
            byte[] b = a.getAddress();
            int v = (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
            if (len < 0 || len > 32 || (len < 32 && (v & (-1 >>> len)) != 0)) throw new IllegalArgumentException("host bits set");
        } catch (IOException | NumberFormatException e) {
            throw new IllegalArgumentException("not an IPv4 CIDR: \"" + cidr + "\"");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a valid IPv4 CIDR \"" + cidr + "\": " + e.getMessage());
        }
        return len;
    }
}
