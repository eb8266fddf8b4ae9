package dev.nodenet.lab;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodenet.api.codec.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A pod the lab kubelet runs, as recorded in {@code <dir>/run/pods/<netns>.json}: what {@code lab exec POD} and
 * {@code lab status} read without asking the API server. Written by the pod's kubelet worker only.
 */
record PodRecord(String namespace, String name, String uid, String node, String ip, String netns, String containerId) {

    void save(Path podsDir) throws IOException {
        Files.createDirectories(podsDir);
        Path tmp = podsDir.resolve("." + netns + ".tmp");
        Files.writeString(tmp, Json.write(Map.of("namespace", namespace, "name", name, "uid", uid, "node", node, "ip", ip,
                "netns", netns, "containerId", containerId)));
        Files.move(tmp, podsDir.resolve(netns + ".json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    void remove(Path podsDir) throws IOException {
        Files.deleteIfExists(podsDir.resolve(netns + ".json"));
    }

    static List<PodRecord> all(Path podsDir) {
        List<PodRecord> out = new ArrayList<>();
        if (!Files.isDirectory(podsDir)) return out;
        try (Stream<Path> s = Files.list(podsDir)) {
            for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
                try {
                    JsonNode o = Json.mapper().readTree(Files.readString(p));
                    out.add(new PodRecord(o.path("namespace").asText(), o.path("name").asText(), o.path("uid").asText(), o.path("node").asText(),
                            o.path("ip").asText(), o.path("netns").asText(), o.path("containerId").asText()));
                } catch (IOException ignored) {
                    // removed while we read it
                }
            }
        } catch (IOException ignored) {
            // no pods
        }
        out.sort(Comparator.comparing(PodRecord::namespace).thenComparing(PodRecord::name));
        return out;
    }
}
