package dev.nodenet.cni;

import dev.nodenet.netlink.NetNs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The workload {@link InstallCni} runs once under {@code -XX:AOTCacheOutput} so the JVM can record which classes an
 * invocation loads and links: every command of a real attachment (ADD with masquerading, CHECK, STATUS, GC, DEL,
 * VERSION) and a rejected input. It runs as a real plugin would, but entirely inside two fresh anonymous network
 * namespaces ("host" and "container") that disappear when it ends, with its IPAM data in a temporary directory — so
 * nothing on the machine changes. Without the privileges to create namespaces only the namespace-free commands run.
 *
 * <p>Threading: runs on the caller's thread; host-side work on a thread inside the anonymous "host" namespace.
 */
final class AotTraining {
    private AotTraining() {}

    static void run(PrintStream log) throws IOException {
        Path dir = Files.createTempDirectory("nodenet-cni-training");
        try {
            String conf = "{\"cniVersion\":\"1.1.0\",\"name\":\"training\",\"type\":\"nodenet\",\"bridge\":\"nntrain0\","
                    + "\"isDefaultGateway\":true,\"ipMasq\":true,\"hairpinMode\":true,\"ipam\":{\"type\":\"host-local\","
                    + "\"dataDir\":\"" + dir + "\",\"ranges\":[[{\"subnet\":\"10.250.0.0/24\"}],[{\"subnet\":\"fd00:250::/64\"}]],"
                    + "\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}";
            invoke(Map.of("CNI_COMMAND", "VERSION"), "{\"cniVersion\":\"1.1.0\"}");
            invoke(env("ADD", "/nonexistent"), conf.replace("\"1.1.0\"", "\"9.9.9\""));
            NetNs host, container;
            try {
                host = NetNs.createAnonymous();
                container = NetNs.createAnonymous();
            } catch (RuntimeException e) {
                log.println("nodenet: AOT training without namespaces (" + e.getMessage() + ")");
                return;
            }
            try (host; container) {
                String netns = container.path().toString();
                host.run(() -> {
                    String result = invoke(env("ADD", netns), conf);
                    String withPrev = conf.substring(0, conf.length() - 1) + ",\"prevResult\":" + result + "}";
                    invoke(env("CHECK", netns), withPrev);
                    invoke(env("STATUS", netns), conf);
                    invoke(env("GC", netns), conf.replace("\"ipam\":",
                            "\"cni.dev/valid-attachments\":[{\"containerID\":\"training\",\"ifname\":\"eth0\"}],\"ipam\":"));
                    invoke(env("DEL", netns), withPrev);
                    return null;
                });
            }
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private static Map<String, String> env(String command, String netns) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", "training");
        env.put("CNI_NETNS", netns);
        env.put("CNI_IFNAME", "eth0");
        env.put("CNI_PATH", "/nonexistent");
        return env;
    }

    private static String invoke(Map<String, String> env, String stdin) {
        var out = new java.io.ByteArrayOutputStream();
        CniMain.run(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(OutputStream.nullOutputStream()));
        return out.toString(StandardCharsets.UTF_8).strip();
    }
}
