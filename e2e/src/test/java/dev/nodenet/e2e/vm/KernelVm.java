package dev.nodenet.e2e.vm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs commands, or JUnit test classes of this repository, as root inside a throw-away VM that boots Debian's stock
 * kernel through {@code scripts/kernel-vm}: the kernel this machine lacks (IP_VS, dummy, ipip, ...). The guest sees
 * this machine's files read-only under a tmpfs overlay, so the JDK, the test classpath and tools like {@code ip} and
 * {@code ipvsadm} are there; a host directory is shared read-write at {@value #GUEST_OUT_DIR} for results.
 *
 * <pre>{@code
 * KernelVm vm = KernelVm.builder().build();
 * KernelVm.Result r = vm.run(List.of("sh", "-c", "lsmod | grep ip_vs"), Duration.ofMinutes(1));
 * VmTestReport rep = vm.runTests(List.of(IpvsModeTest.class), Map.of("nodenet.e2e.mode", "ipvs"), Duration.ofMinutes(10));
 * rep.assertAllPassed();
 * }</pre>
 *
 * <p>Threading: immutable and thread-safe; every {@code run} boots its own VM (the script keeps concurrent runs apart
 * and shares its kernel cache between them), so runs may overlap. {@code run} blocks the calling thread for the
 * whole VM lifetime; it reads the VM's output on two virtual threads of its own.
 */
public final class KernelVm {
    /** Where the guest sees the run's output directory. */
    public static final String GUEST_OUT_DIR = "/vm-out";
    /** The script's exit status when its --timeout killed the VM. */
    public static final int EXIT_TIMED_OUT = 124;
    /** The script's exit status when the VM could not run the command at all. */
    public static final int EXIT_VM_FAILED = 125;

    private static final Pattern TIMING = Pattern.compile(
            "kernel-vm: timing boot_ms=(\\d+|-) command_ms=(\\d+|-) total_ms=(\\d+)");
    /** Time the script may spend outside the VM: installing qemu and downloading the kernel on first use. */
    private static final Duration SETUP_ALLOWANCE = Duration.ofMinutes(15);

    private final Path script;
    private final int memoryMb;
    private final int cpus;
    private final List<String> modules;
    private final Map<String, String> env;
    private final boolean echoOutput;

    private KernelVm(Builder b) {
        this.script = b.script != null ? b.script : findScript();
        this.memoryMb = b.memoryMb;
        this.cpus = b.cpus;
        this.modules = b.modules == null ? null : List.copyOf(b.modules);
        this.env = Map.copyOf(b.env);
        this.echoOutput = b.echoOutput;
    }

    /** True inside a VM started by {@code scripts/kernel-vm} (it sets {@code KERNEL_VM=1}). */
    public static boolean isInside() {
        return "1".equals(System.getenv("KERNEL_VM"));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What a VM run produced. Durations are null when the run did not get that far (or the VM failed to start). */
    public record Result(int exitCode, String stdout, String stderr, boolean timedOut, Duration bootTime,
                         Duration commandTime, Duration totalTime, Path outDir, Path consoleLog) {
        /** The kernel console log of the run (boot messages, panics); empty if none was written. */
        public String console() {
            try {
                return Files.exists(consoleLog) ? Files.readString(consoleLog, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A multi-line account for assertion messages: status, timing, stderr. */
        public String describe() {
            return "kernel-vm exit " + exitCode + (timedOut ? " (timed out)" : "") + ", boot " + bootTime
                    + ", command " + commandTime + ", total " + totalTime + "\n--- stderr ---\n" + stderr
                    + "--- console log: " + consoleLog + " ---";
        }
    }

    /**
     * Runs {@code command} (an argv; use {@code sh -c} for shell syntax) in a fresh VM with a fresh, empty output
     * directory; returns when the VM is gone. {@code timeout} bounds the VM's life, boot included: when it passes,
     * the VM is killed and the result says {@link Result#timedOut()}.
     */
    public Result run(List<String> command, Duration timeout) {
        try {
            return run(command, timeout, Files.createTempDirectory(runFilesRoot(), "out-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path runFilesRoot;

    /**
     * One temporary directory per JVM for output directories and console logs, removed when the JVM exits (they
     * stay readable through a whole test run; {@code -Dnodenet.kernelVm.keep=true} keeps them for a post-mortem).
     */
    private static synchronized Path runFilesRoot() throws IOException {
        if (runFilesRoot == null) {
            Path root = Files.createTempDirectory("kernel-vm-runs-");
            if (!Boolean.getBoolean("nodenet.kernelVm.keep")) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root), "kernel-vm-cleanup"));
            }
            runFilesRoot = root;
        }
        return runFilesRoot;
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // Best effort at JVM exit: a temp directory left behind is harmless.
        }
    }

    /** {@link #run(List, Duration)} with the output directory given ({@value #GUEST_OUT_DIR} in the guest). */
    public Result run(List<String> command, Duration timeout, Path outDir) {
        Objects.requireNonNull(command, "command");
        if (command.isEmpty()) throw new IllegalArgumentException("empty command");
        for (String arg : command) {
            if (arg == null) throw new IllegalArgumentException("null argument in command " + command);
        }
        long timeoutSeconds = timeout.toSeconds();
        if (timeoutSeconds < 1) throw new IllegalArgumentException("timeout must be at least 1 s, got " + timeout);
        try {
            Path consoleLog = Files.createTempFile(runFilesRoot(), "console-", ".log");
            List<String> argv = new ArrayList<>(List.of(script.toString(), "--timing",
                    "--timeout", Long.toString(timeoutSeconds), "--mem", Integer.toString(memoryMb),
                    "--cpus", Integer.toString(cpus), "--out", outDir.toString(),
                    "--console-log", consoleLog.toString()));
            if (modules != null) argv.addAll(List.of("--modules", String.join(" ", modules)));
            env.forEach((k, v) -> argv.addAll(List.of("--env", k + "=" + v)));
            argv.add("--");
            argv.addAll(command);
            Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            StringBuilder out = new StringBuilder(), err = new StringBuilder();
            Thread outReader = pump(p.getInputStream(), out, echoOutput ? System.out : null);
            Thread errReader = pump(p.getErrorStream(), err, echoOutput ? System.err : null);
            int exit;
            try {
                if (!p.waitFor(timeoutSeconds + SETUP_ALLOWANCE.toSeconds(), TimeUnit.SECONDS)) {
                    // The script enforces the timeout itself; this only guards against the script hanging.
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    throw new IllegalStateException("scripts/kernel-vm did not end " + SETUP_ALLOWANCE
                            + " after its own timeout; killed it. stderr so far:\n" + err);
                }
                exit = p.exitValue();
                outReader.join();
                errReader.join();
            } catch (InterruptedException e) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the kernel VM ran; killed it", e);
            }
            String stderr;
            synchronized (err) {
                stderr = err.toString();
            }
            String stdout;
            synchronized (out) {
                stdout = out.toString();
            }
            Matcher m = TIMING.matcher(stderr);
            Duration boot = null, cmd = null, total = null;
            if (m.find()) {
                boot = millis(m.group(1));
                cmd = millis(m.group(2));
                total = millis(m.group(3));
            }
            boolean timedOut = exit == EXIT_TIMED_OUT && stderr.contains("kernel-vm: timed out");
            return new Result(exit, stdout, stderr, timedOut, boot, cmd, total, outDir, consoleLog);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + script, e);
        }
    }

    /**
     * Runs the JUnit test classes inside a VM, in one JVM of this machine's JDK with this JVM's test classpath, with
     * {@code systemProperties} set (e.g. {@code nodenet.e2e.mode=ipvs}); returns what each test did.
     */
    public VmTestReport runTests(List<Class<?>> testClasses, Map<String, String> systemProperties, Duration timeout) {
        if (testClasses.isEmpty()) throw new IllegalArgumentException("no test classes");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // C1 only and the serial collector: under emulation, JIT and GC threads cost more than they return.
        cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
                "--enable-native-access=ALL-UNNAMED"));
        new LinkedHashMap<>(systemProperties).forEach((k, v) -> {
            if (k.isEmpty() || k.contains("=")) throw new IllegalArgumentException("bad system property name '" + k + "'");
            cmd.add("-D" + k + "=" + v);
        });
        cmd.addAll(List.of("-cp", testClassPath(), VmJUnitMain.class.getName(),
                "--results", GUEST_OUT_DIR + "/" + VmJUnitMain.RESULTS_FILE));
        for (Class<?> c : testClasses) cmd.add(c.getName());
        Result r = run(cmd, timeout);
        return VmTestReport.read(r);
    }

    /**
     * Surefire runs tests from a manifest-only jar; it keeps the real classpath in this property. Both forms work in
     * the guest (same paths), the real one survives the booter jar's deletion.
     */
    static String testClassPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    private static Duration millis(String s) {
        return s.equals("-") ? null : Duration.ofMillis(Long.parseLong(s));
    }

    private static Thread pump(InputStream in, StringBuilder sink, PrintStream echo) {
        return Thread.ofVirtual().name("kernel-vm-output").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (sink) {
                        sink.append(line).append('\n');
                    }
                    if (echo != null) echo.println("[kernel-vm] " + line);
                }
            } catch (IOException e) {
                synchronized (sink) {
                    sink.append("(reading the VM's output failed: ").append(e).append(")\n");
                }
            }
        });
    }

    /** {@code scripts/kernel-vm} of this checkout: {@code -Dnodenet.kernelVm.script}, else found above user.dir. */
    static Path findScript() {
        String configured = System.getProperty("nodenet.kernelVm.script");
        if (configured != null) return Path.of(configured).toAbsolutePath();
        for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("scripts/kernel-vm");
            if (Files.isExecutable(candidate)) return candidate;
        }
        throw new IllegalStateException("no executable scripts/kernel-vm above " + System.getProperty("user.dir")
                + "; set -Dnodenet.kernelVm.script");
    }

    /** Options of the VM. Not thread-safe; build once. */
    public static final class Builder {
        private Path script;
        private int memoryMb = 2048;
        private int cpus = 2;
        private List<String> modules;
        private final Map<String, String> env = new LinkedHashMap<>();
        private boolean echoOutput = true;

        private Builder() {}

        public Builder memoryMb(int memoryMb) {
            if (memoryMb < 256) throw new IllegalArgumentException("memoryMb must be >= 256, got " + memoryMb);
            this.memoryMb = memoryMb;
            return this;
        }

        public Builder cpus(int cpus) {
            if (cpus < 1) throw new IllegalArgumentException("cpus must be >= 1, got " + cpus);
            this.cpus = cpus;
            return this;
        }

        /** Modules loaded before the command, instead of the script's default set (others load on demand). */
        public Builder modules(List<String> modules) {
            for (String m : modules) {
                if (!m.matches("[A-Za-z0-9_-]+")) throw new IllegalArgumentException("bad module name '" + m + "'");
            }
            this.modules = List.copyOf(modules);
            return this;
        }

        /** An environment variable for the command. */
        public Builder env(String name, String value) {
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) throw new IllegalArgumentException("bad variable name '" + name + "'");
            env.put(name, Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Copy the VM's output lines to System.out/err as they come, prefixed "[kernel-vm] " (default on). */
        public Builder echoOutput(boolean echoOutput) {
            this.echoOutput = echoOutput;
            return this;
        }

        /** The script to use instead of this checkout's {@code scripts/kernel-vm}. */
        public Builder script(Path script) {
            this.script = script;
            return this;
        }

        public KernelVm build() {
            return new KernelVm(this);
        }
    }
}
