package dev.nodenet.cni;

import dev.nodenet.netlink.NetNs;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A benchmark program (not a test): ADD and DEL latency of the installed {@code nodenet} plugin under several JVM
 * flag sets, against the reference {@code bridge} + {@code host-local} plugins, in the same run, interleaved per
 * iteration so machine load hits every variant alike. Each ADD gets a fresh container namespace; the plugins' host is a
 * lab namespace (the root namespace is never touched). Needs root, jars (an AOT/CDS archive cannot use class
 * directories) and {@code /usr/lib/cni} from Debian's containernetworking-plugins.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp TEST_CLASSES:JARS dev.nodenet.cni.CniLatencyBench JARS [ITERATIONS]</pre>
 */
public final class CniLatencyBench {
    private record Variant(String name, List<String> command, String type) {}

    public static void main(String[] args) throws Exception {
        String jars = args[0];
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        Path work = Files.createTempDirectory("nodenet-cni-bench");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> tuned = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1"));
        tuned.addAll(InstallCni.COMMON_FLAGS);
        Path jsa = work.resolve("app.jsa");
        Path aot = work.resolve("app.aot");
        List<String> training = new ArrayList<>(tuned);
        training.addAll(List.of("-XX:ArchiveClassesAtExit=" + jsa, "-cp", jars, CniMain.class.getName(), "--aot-training"));
        Lab.exec(training.toArray(String[]::new));
        List<String> c1Aot = new ArrayList<>(tuned);
        c1Aot.addAll(List.of("-XX:AOTCacheOutput=" + aot, "-cp", jars, CniMain.class.getName(), "--aot-training"));
        Lab.exec(c1Aot.toArray(String[]::new));
        Path xintAot = work.resolve("xint.aot");
        if (!InstallCni.recordAotCache(Path.of(java), jars, xintAot, System.err)) {
            throw new IllegalStateException("no AOT cache");
        }
        List<Variant> variants = new ArrayList<>();
        variants.add(new Variant("reference bridge+host-local", List.of("/usr/lib/cni/bridge"), "bridge"));
        variants.add(new Variant("java, default flags", List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", jars,
                CniMain.class.getName()), "nodenet"));
        variants.add(new Variant("C1+SerialGC", with(tuned, "-cp", jars, CniMain.class.getName()), "nodenet"));
        variants.add(new Variant("C1+SerialGC+AppCDS", with(tuned, "-XX:SharedArchiveFile=" + jsa, "-cp", jars,
                CniMain.class.getName()), "nodenet"));
        variants.add(new Variant("C1+SerialGC+AOTCache", with(tuned, "-XX:AOTCache=" + aot, "-cp", jars,
                CniMain.class.getName()), "nodenet"));
        List<String> installed = new ArrayList<>(List.of(java));
        installed.addAll(InstallCni.JVM_FLAGS);
        variants.add(new Variant("Xint+SerialGC+AOTCache (installed)", with(installed, "-XX:AOTCache=" + xintAot, "-cp",
                jars, CniMain.class.getName()), "nodenet"));

        try (Lab lab = new Lab(work)) {
            Map<Variant, List<Double>> addMs = new LinkedHashMap<>(), delMs = new LinkedHashMap<>();
            Map<Variant, Long> cpuTicks = new LinkedHashMap<>();
            for (int v = 0; v < variants.size(); v++) {
                addMs.put(variants.get(v), new ArrayList<>());
                delMs.put(variants.get(v), new ArrayList<>());
            }
            for (int i = -2; i < iterations; i++) { // two warm-up rounds (page cache) not counted
                for (int v = 0; v < variants.size(); v++) {
                    Variant variant = variants.get(v);
                    String conf = "{\"cniVersion\":\"1.0.0\",\"name\":\"bench" + v + "\",\"type\":\"" + variant.type()
                            + "\",\"bridge\":\"nnbench" + v + "\",\"isGateway\":true,\"isDefaultGateway\":true,"
                            + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + work.resolve("ipam")
                            + "\",\"ranges\":[[{\"subnet\":\"10.9" + v + ".0.0/16\"}]]}}";
                    String c = lab.container();
                    String id = "bench" + v + "x" + (i + 2);
                    long ticks = childCpuTicks();
                    double add = time(lab.hostNs, variant, Lab.env("ADD", id, c, "eth0"), conf);
                    double del = time(lab.hostNs, variant, Lab.env("DEL", id, c, "eth0"), conf);
                    if (i >= 0) cpuTicks.merge(variant, childCpuTicks() - ticks, Long::sum);
                    lab.deleteNetns(c);
                    if (i >= 0) {
                        addMs.get(variant).add(add);
                        delMs.get(variant).add(del);
                    }
                }
            }
            System.out.printf("%d iterations, %d CPUs, load average %s%n", iterations,
                    Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).strip());
            System.out.printf("%-36s %10s %10s %10s %10s %14s%n", "variant", "ADD p50", "ADD p99", "DEL p50",
                    "DEL p99", "CPU/ADD+DEL");
            for (Variant variant : variants) {
                System.out.printf("%-36s %8.1fms %8.1fms %8.1fms %8.1fms %12.0fms%n", variant.name(),
                        pct(addMs.get(variant), 50), pct(addMs.get(variant), 99),
                        pct(delMs.get(variant), 50), pct(delMs.get(variant), 99),
                        cpuTicks.get(variant) * 10.0 / iterations);
            }
        } finally {
            Lab.exec("rm", "-rf", work.toString());
        }
    }

    /** User+system CPU of this process's reaped children, in clock ticks (USER_HZ, 100 on Linux). */
    private static long childCpuTicks() throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[13]) + Long.parseLong(f[14]); // fields 16 cutime and 17 cstime
    }

    private static List<String> with(List<String> base, String... more) {
        List<String> out = new ArrayList<>(base);
        out.addAll(List.of(more));
        return out;
    }

    /** Runs the plugin as a child process started from a thread inside the host namespace; returns milliseconds. */
    private static double time(NetNs host, Variant variant, Map<String, String> env, String conf) throws Exception {
        return host.call(() -> {
            ProcessBuilder pb = new ProcessBuilder(variant.command());
            pb.environment().putAll(env);
            pb.environment().put("CNI_PATH", "/usr/lib/cni");
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            long start = System.nanoTime();
            Process p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(conf.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(variant.name() + " " + env.get("CNI_COMMAND") + " failed: " + out);
            }
            return (System.nanoTime() - start) / 1e6;
        });
    }

    private static double pct(List<Double> values, int percentile) {
        List<Double> s = values.stream().sorted().toList();
        int idx = (int) Math.ceil(percentile / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(idx, s.size() - 1)));
    }
}
