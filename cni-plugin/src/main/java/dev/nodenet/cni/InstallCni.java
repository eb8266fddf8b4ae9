package dev.nodenet.cni;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code nodenet install-cni [DIR] [--classpath CP] [--no-aot]}: writes the CNI executable {@code DIR/nodenet}
 * (default DIR {@code /opt/cni/bin}), a shell script that execs this JDK's {@code java} on
 * {@link CniMain}, plus {@code DIR/.nodenet-cni.aot}, a JDK 25 AOT cache recorded from a training run
 * ({@link AotTraining}) that roughly halves the plugin's start-up. The classpath defaults to the launcher's
 * ({@code <nodenet.home>/cli/target/nodenet-cli.jar:<nodenet.home>/cli/target/lib/*} when {@code -Dnodenet.home} is
 * set, else this JVM's {@code java.class.path}); rebuilding the jars makes the cache stale, which the JVM detects and
 * then simply runs without it — re-run install-cni after a rebuild.
 *
 * <p>JVM flags, chosen by measurement ({@code CniLatencyBench} in the tests: default flags, C1-only, C1 + AppCDS,
 * C1 + AOT cache, interpreter + AOT cache): the interpreter only ({@code -Xint}: a run is a fraction of a second, too
 * short for JIT compilation to pay for its compiler threads; with the AOT cache this used the least CPU and had the
 * lowest median), Serial GC (cheapest to start), no perf-data file, the AOT cache, and all JVM logging sent to stderr —
 * by default the JVM prints warnings (e.g. a stale cache) on stdout, which is the CNI result channel.
 *
 * <p>Threading: a one-shot command on the caller's thread.
 */
public final class InstallCni {
    static final String EXECUTABLE = "nodenet";
    static final String AOT_FILE = ".nodenet-cni.aot";
    /** Flags every variant measured shares: Serial GC, no perf-data file, JVM logging on stderr, FFM allowed. */
    static final List<String> COMMON_FLAGS = List.of("-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xlog:disable",
            "-Xlog:all=warning:stderr", "--enable-native-access=ALL-UNNAMED");
    /** The installed flags: interpreter only, which measured cheaper than C1 for a sub-second, AOT-cached run. */
    static final List<String> JVM_FLAGS = Stream.concat(Stream.of("-Xint"), COMMON_FLAGS.stream())
            .toList();
    private static final String USAGE = "usage: nodenet install-cni [DIR] [--classpath CP] [--no-aot]\n"
            + "  Writes the CNI plugin executable DIR/" + EXECUTABLE + " (DIR defaults to /opt/cni/bin).\n"
            + "  --classpath CP  classpath of the plugin (default: the nodenet launcher's jars)\n"
            + "  --no-aot        skip recording the JDK AOT cache (slower plugin start-up)\n";

    private InstallCni() {}

    /** Returns the exit code: 0 installed, 2 bad arguments, 1 install failed. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path dir = Path.of("/opt/cni/bin");
        String classpath = null;
        boolean aot = true;
        boolean dirGiven = false;
        for (int k = 0; k < args.length; k++) {
            String a = args[k];
            switch (a) {
                case "-h", "--help" -> {
                    out.print(USAGE);
                    return 0;
                }
                case "--no-aot" -> aot = false;
                case "--classpath" -> {
                    if (k + 1 >= args.length || args[k + 1].isBlank()) return usage(err, "--classpath needs a value");
                    classpath = args[++k];
                }
                default -> {
                    if (a.startsWith("-")) return usage(err, "unknown option " + a);
                    if (dirGiven) return usage(err, "more than one DIR given");
                    if (!a.startsWith("/")) return usage(err, "DIR must be an absolute path: " + a);
                    dir = Path.of(a);
                    dirGiven = true;
                }
            }
        }
        if (classpath == null) classpath = defaultClasspath();
        for (String entry : classpath.split(File.pathSeparator)) {
            Path p = Path.of(entry.endsWith("/*") ? entry.substring(0, entry.length() - 2) : entry);
            if (!Files.exists(p)) {
                err.println("nodenet install-cni: classpath entry " + entry + " does not exist (build nodenet first)");
                return 1;
            }
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        if (Runtime.version().feature() < 25 || !Files.isExecutable(java)) {
            err.println("nodenet install-cni: needs JDK 25+, running on " + Runtime.version() + " at " + java);
            return 1;
        }
        try {
            Files.createDirectories(dir);
            Path cache = dir.resolve(AOT_FILE);
            List<String> flags = new ArrayList<>(JVM_FLAGS);
            if (aot) {
                if (recordAotCache(java, classpath, cache, err)) {
                    flags.add("-XX:AOTCache=" + cache);
                } else {
                    err.println("nodenet install-cni: continuing without an AOT cache (slower start-up)");
                }
            } else {
                Files.deleteIfExists(cache);
            }
            Path target = dir.resolve(EXECUTABLE);
            Path tmp = dir.resolve("." + EXECUTABLE + ".tmp");
            Files.writeString(tmp, script(java, flags, classpath), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            // Rename so a runtime exec'ing the plugin meanwhile sees the old or the new script, never half of one.
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            out.println("installed CNI plugin " + target + (flags.stream().anyMatch(f -> f.startsWith("-XX:AOTCache"))
                    ? " (AOT cache " + cache + ")" : ""));
            return 0;
        } catch (IOException e) {
            err.println("nodenet install-cni: " + e);
            return 1;
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println("nodenet install-cni: " + problem);
        err.print(USAGE);
        return 2;
    }

    static String defaultClasspath() {
        String home = System.getProperty("nodenet.home");
        if (home != null && !home.isEmpty()) {
            return home + "/cli/target/nodenet-cli.jar" + File.pathSeparator + home + "/cli/target/lib/*";
        }
        return System.getProperty("java.class.path");
    }

    /** The executable: POSIX sh, every argument single-quoted. */
    static String script(Path java, List<String> flags, String classpath) {
        StringBuilder b = new StringBuilder("#!/bin/sh\n")
                .append("# nodenet CNI plugin (CNI spec 1.1), written by `nodenet install-cni`.\n")
                .append("exec ").append(quote(java.toString()));
        for (String f : flags) b.append(' ').append(quote(f));
        b.append(" -cp ").append(quote(classpath)).append(' ').append(quote(CniMain.class.getName())).append(" \"$@\"\n");
        return b.toString();
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Runs the training workload under -XX:AOTCacheOutput (JDK 25 one-step AOT cache creation). */
    static boolean recordAotCache(Path java, String classpath, Path cache, PrintStream err) throws IOException {
        Path tmp = cache.resolveSibling(cache.getFileName() + ".tmp");
        List<String> cmd = new ArrayList<>(List.of(java.toString()));
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(List.of("-XX:AOTCacheOutput=" + tmp, "-cp", classpath, CniMain.class.getName(), "--aot-training"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                err.println("nodenet install-cni: AOT training timed out");
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return false;
        }
        // The one-step workflow leaves its intermediate training config next to the output on failure.
        Files.deleteIfExists(tmp.resolveSibling(tmp.getFileName() + ".config"));
        if (p.exitValue() != 0 || !Files.exists(tmp)) {
            err.println("nodenet install-cni: AOT training failed (exit " + p.exitValue() + "): " + output.strip());
            Files.deleteIfExists(tmp);
            return false;
        }
        Files.move(tmp, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }
}
