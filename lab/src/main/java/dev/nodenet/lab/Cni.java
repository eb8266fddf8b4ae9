package dev.nodenet.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.api.codec.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Calls the installed CNI plugin the way a container runtime does (libcni): reads the first {@code *.conflist} of the
 * node's conf dir, and for each plugin in it execs {@code CNI_PATH/<type>} with {@code CNI_COMMAND},
 * {@code CNI_CONTAINERID}, {@code CNI_NETNS}, {@code CNI_IFNAME}, {@code CNI_ARGS} (the K8S_POD_* keys a kubelet
 * passes) and the plugin's config (with the list's name and cniVersion, plus prevResult) on stdin. The process runs in
 * the node's network namespace ({@code ip netns exec}): the plugin builds the host side (cni0, veth) where it runs.
 * Any thread; each call is one process.
 */
final class Cni {
    private final String nodeNetns;
    private final Path confDir;
    private final Path binDir;

    Cni(String nodeNetns, Path confDir, Path binDir) {
        this.nodeNetns = nodeNetns;
        this.confDir = confDir;
        this.binDir = binDir;
    }

    /** The conflist a runtime would use, or null while the network is not ready (the overlay has not written it). */
    Path conflist() {
        if (!Files.isDirectory(confDir)) return null;
        try (Stream<Path> s = Files.list(confDir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".conflist")).sorted().findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** ADD; returns the pod's first IP address (without prefix length). */
    String add(String containerId, String podNetnsPath, String namespace, String podName) throws IOException {
        JsonNode result = invoke("ADD", containerId, podNetnsPath, namespace, podName);
        JsonNode ips = result.path("ips");
        if (!ips.isArray() || ips.isEmpty()) throw new IOException("CNI ADD for " + namespace + "/" + podName + " returned no IP: " + result);
        return ips.get(0).path("address").asText().replaceFirst("/\\d+$", "");
    }

    void del(String containerId, String podNetnsPath, String namespace, String podName) throws IOException {
        invoke("DEL", containerId, podNetnsPath, namespace, podName);
    }

    private JsonNode invoke(String command, String containerId, String netnsPath, String namespace, String podName) throws IOException {
        Path list = conflist();
        if (list == null) throw new IOException("network not ready: no CNI config in " + confDir);
        JsonNode conf = Json.mapper().readTree(Files.readString(list));
        List<JsonNode> plugins = new ArrayList<>();
        conf.path("plugins").forEach(plugins::add);
        if (command.equals("DEL")) java.util.Collections.reverse(plugins);
        JsonNode prev = null;
        for (JsonNode plugin : plugins) {
            ObjectNode stdin = ((ObjectNode) plugin.deepCopy());
            stdin.put("name", conf.path("name").asText()).put("cniVersion", conf.path("cniVersion").asText());
            if (prev != null && command.equals("ADD")) stdin.set("prevResult", prev);
            String type = plugin.path("type").asText();
            if (!type.matches("[A-Za-z0-9_.-]+")) throw new IOException("bad plugin type \"" + type + "\" in " + list);
            Map<String, String> env = Map.of("CNI_COMMAND", command, "CNI_CONTAINERID", containerId, "CNI_NETNS", netnsPath,
                    "CNI_IFNAME", "eth0", "CNI_PATH", binDir.toString(),
                    "CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAMESPACE=" + namespace + ";K8S_POD_NAME=" + podName + ";K8S_POD_INFRA_CONTAINER_ID=" + containerId);
            Sh.Result r = Sh.run(List.of("ip", "netns", "exec", nodeNetns, binDir.resolve(type).toString()), env, stdin.toString());
            if (!r.ok()) throw new IOException("CNI " + command + " (" + type + ") for " + namespace + "/" + podName + " failed: " + r.out().strip());
            if (command.equals("ADD")) {
                String out = r.out().strip();
                prev = Json.mapper().readTree(out.substring(Math.max(0, out.indexOf('{'))));
            }
        }
        return prev == null ? Json.mapper().createObjectNode() : prev;
    }
}
