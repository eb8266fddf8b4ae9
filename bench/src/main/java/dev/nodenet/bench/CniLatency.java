package dev.nodenet.bench;

import dev.nodenet.api.cli.Flags;
import dev.nodenet.cni.InstallCni;
import dev.nodenet.netlink.NetNs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./nodenet bench cni}: CNI ADD and DEL latency of our plugin as {@code ./nodenet install-cni} installs it (and
 * without its AOT cache), next to Debian's reference {@code bridge} + {@code host-local} on the same kind of conflist,
 * in the same run, interleaved per iteration so machine load hits every variant alike. Each ADD gets a fresh container
 * namespace; the plugins' host side is a throw-away namespace (the root namespace is never touched). Needs root and
 * the containernetworking-plugins package; run through ./nodenet so the plugin is installed from the built jars.
 */
public final class CniLatency {
    private CniLatency() {}

    private record Variant(String name, String binary, String type, String cniPath) {}

    public static void run(String[] args, PrintStream out) throws Exception {
        Flags flags = new Flags("bench cni", "CNI ADD/DEL latency: our plugin vs the reference bridge + host-local.");
        Flags.Flag<Integer> iterations = flags.integer("iterations", 30, "Measured ADD+DEL pairs per variant (after 2 warm-up rounds).");
        Flags.Flag<String> reference = flags.string("reference-dir", "/usr/lib/cni", "Where the reference plugins are.");
        if (!flags.parse(args)) {
            flags.usage(out);
            return;
        }
        if (iterations.get() < 1 || iterations.get() > 1000) throw new Flags.UsageException("--iterations must be 1-1000");
        if (!Files.isExecutable(Path.of(reference.get(), "bridge"))) {
            throw new Flags.UsageException("no reference bridge plugin in " + reference.get() + " (apt-get install containernetworking-plugins)");
        }
        Path work = Files.createTempDirectory("nodenet-bench-cni");
        String host = "nn-bench-cni-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        List<String> namespaces = new ArrayList<>();
        try {
            List<Variant> variants = new ArrayList<>();
            variants.add(new Variant("reference bridge + host-local", Path.of(reference.get(), "bridge").toString(), "bridge", reference.get()));
            variants.add(new Variant("nodenet (installed: AOT cache, -Xint)", install(work.resolve("aot"), false), "nodenet", work.resolve("aot").toString()));
            variants.add(new Variant("nodenet without AOT cache", install(work.resolve("plain"), true), "nodenet", work.resolve("plain").toString()));
            exec("ip", "netns", "add", host);
            namespaces.add(host);
            Map<Variant, List<Double>> add = new LinkedHashMap<>(), del = new LinkedHashMap<>();
            for (Variant v : variants) {
                add.put(v, new ArrayList<>());
                del.put(v, new ArrayList<>());
            }
            try (NetNs hostNs = NetNs.named(host)) {
                for (int i = -2; i < iterations.get(); i++) {
                    for (int k = 0; k < variants.size(); k++) {
                        Variant v = variants.get(k);
                        String conf = "{\"cniVersion\":\"1.0.0\",\"name\":\"bench" + k + "\",\"type\":\"" + v.type() + "\",\"bridge\":\"nnbench" + k
                                + "\",\"isGateway\":true,\"isDefaultGateway\":true,\"ipam\":{\"type\":\"host-local\",\"dataDir\":\""
                                + work.resolve("ipam") + "\",\"ranges\":[[{\"subnet\":\"10.9" + k + ".0.0/16\"}]]}}";
                        String c = host + "-c";
                        exec("ip", "netns", "add", c);
                        namespaces.add(c);
                        Map<String, String> env = Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "bench" + k + "x" + (i + 2),
                                "CNI_NETNS", "/var/run/netns/" + c, "CNI_IFNAME", "eth0", "CNI_PATH", v.cniPath());
                        double a = time(hostNs, v, env, conf);
                        Map<String, String> delEnv = new LinkedHashMap<>(env);
                        delEnv.put("CNI_COMMAND", "DEL");
                        double d = time(hostNs, v, delEnv, conf);
                        exec("ip", "netns", "del", c);
                        namespaces.remove(c);
                        if (i >= 0) {
                            add.get(v).add(a);
                            del.get(v).add(d);
                        }
                    }
                }
            }
            out.printf("CNI ADD/DEL latency, %d iterations per variant, fresh container netns each, %d CPUs, load average %s%n",
                    iterations.get(), Runtime.getRuntime().availableProcessors(), WatchFanout.loadAverage());
            out.printf("%-40s %10s %10s %10s %10s%n", "variant", "ADD p50", "ADD p99", "DEL p50", "DEL p99");
            for (Variant v : variants) {
                out.printf("%-40s %8.1fms %8.1fms %8.1fms %8.1fms%n", v.name(), pct(add.get(v), 50), pct(add.get(v), 99), pct(del.get(v), 50), pct(del.get(v), 99));
            }
            out.println("Same conflist shape (bridge, isGateway, isDefaultGateway, host-local /16) for every variant. Ours is a JVM started per call:");
            out.println("start-up dominates; the installed flags (-Xint, Serial GC, JDK AOT cache) were picked by measurement (see README).");
        } finally {
            for (String ns : namespaces) exec("ip", "netns", "del", ns);
            exec("rm", "-rf", work.toString());
        }
    }

    private static String install(Path dir, boolean noAot) throws IOException {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of(dir.toString()));
        if (noAot) args.add("--no-aot");
        int rc = InstallCni.run(args.toArray(String[]::new), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        if (rc != 0) throw new IOException("install-cni failed: " + err);
        return dir.resolve("nodenet").toString();
    }

    /** Runs one plugin call as a child process started from a thread inside the host namespace; milliseconds. */
    private static double time(NetNs host, Variant v, Map<String, String> env, String conf) throws Exception {
        return host.call(() -> {
            ProcessBuilder pb = new ProcessBuilder(v.binary());
            pb.environment().putAll(env);
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            long start = System.nanoTime();
            Process p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(conf.getBytes(StandardCharsets.UTF_8));
            }
            String result = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(v.name() + " " + env.get("CNI_COMMAND") + " failed: " + result);
            }
            return (System.nanoTime() - start) / 1e6;
        });
    }

    private static double pct(List<Double> values, int percentile) {
        List<Double> s = values.stream().sorted().toList();
        int idx = (int) Math.ceil(percentile / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(idx, s.size() - 1)));
    }

    private static void exec(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor(30, TimeUnit.SECONDS);
    }
}
