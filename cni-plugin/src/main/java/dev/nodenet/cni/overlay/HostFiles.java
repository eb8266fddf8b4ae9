package dev.nodenet.cni.overlay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The files the overlay leaves for others: the CNI conflist a container runtime reads (bridge {@code cni0}, our IPAM
 * on this node's subnet, hairpin on, MTU = underlay − 50) and a flannel-style {@code subnet.env}. Written atomically
 * (temp file + rename) and only when the content changes, so a runtime never reads half a file. Called on the agent's
 * reconcile thread.
 */
final class HostFiles {
    static final String CONFLIST_NAME = "10-nodenet.conflist";

    /** A JSON string literal (paths are user input: quotes and backslashes must not break the conflist). */
    private static String jsonString(String v) {
        return dev.nodenet.api.codec.Json.mapper().getNodeFactory().textNode(v).toString();
    }

    private HostFiles() {}

    static String conflist(OverlayConfig c, String podCidr, int mtuBytes) {
        return """
                {
                  "cniVersion": "1.1.0",
                  "name": "nodenet",
                  "plugins": [
                    {
                      "type": "nodenet",
                      "bridge": "%s",
                      "isGateway": true,
                      "isDefaultGateway": true,
                      "hairpinMode": true,
                      "ipMasq": false,
                      "mtu": %d,
                      "ipam": {
                        "type": "host-local",%s
                        "ranges": [[{"subnet": "%s"}]]
                      }
                    }
                  ]
                }
                """.formatted(c.bridge(), mtuBytes,
                c.ipamDataDir() == null ? "" : "\n        \"dataDir\": " + jsonString(c.ipamDataDir().toString()) + ",", podCidr);
    }

    static String subnetEnv(OverlayConfig c, String podCidr, int mtuBytes) {
        String gatewayCidr = podCidr.replaceFirst("\\.0/(\\d+)$", ".1/$1");
        return "NODENET_NETWORK=" + c.clusterCidr() + "\nNODENET_SUBNET=" + gatewayCidr + "\nNODENET_MTU=" + mtuBytes
                + "\nNODENET_IPMASQ=" + c.ipMasq() + "\n";
    }

    /** Writes {@code content} to {@code file} unless it already holds exactly that; true when it wrote. */
    static boolean writeIfChanged(Path file, String content) throws IOException {
        if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(content)) return false;
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }
}
