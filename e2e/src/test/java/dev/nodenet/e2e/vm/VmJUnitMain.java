package dev.nodenet.e2e.vm;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The JVM entry point inside the kernel VM: runs the named test classes with the JUnit Platform launcher and writes
 * one line per test (and per failed container) to the results file, which {@link VmTestReport} reads on the host.
 *
 * <pre>{@code java -cp CLASSPATH dev.nodenet.e2e.vm.VmJUnitMain --results FILE CLASS...}</pre>
 *
 * Results file, UTF-8, tab-separated, tabs and newlines inside fields escaped as {@code \t} and {@code \n}:
 * <pre>
 * jvm-start-ms    MILLIS               (process start to main)
 * test            STATUS  NAME  MILLIS  MESSAGE     (STATUS: SUCCESSFUL, FAILED, ABORTED, SKIPPED)
 * container       STATUS  NAME  MILLIS  MESSAGE     (only when a class or its lifecycle methods failed)
 * </pre>
 * Exit status: 0 when at least one test ran and none failed, 1 when something failed, 3 when no test ran.
 *
 * <p>Threading: single-threaded main; the listener is called from JUnit's execution threads.
 */
public final class VmJUnitMain {
    static final String RESULTS_FILE = "junit-results.tsv";

    private VmJUnitMain() {}

    public static void main(String[] args) throws IOException {
        Instant mainStarted = Instant.now();
        Path results = null;
        List<String> classes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--results") && i + 1 < args.length) results = Path.of(args[++i]);
            else if (args[i].startsWith("-")) usage("unknown option " + args[i]);
            else classes.add(args[i]);
        }
        if (results == null || classes.isEmpty()) usage("need --results FILE and at least one class");
        long jvmStartMs = ProcessHandle.current().info().startInstant()
                .map(s -> Duration.between(s, mainStarted).toMillis()).orElse(-1L);

        List<String> lines = new ArrayList<>();
        lines.add("jvm-start-ms\t" + jvmStartMs);
        Collector collector = new Collector(lines);
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(classes.stream().map(c -> selectClass(c)).toList())
                .build();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, collector);
        Files.createDirectories(results.toAbsolutePath().getParent());
        Files.write(results, lines, StandardCharsets.UTF_8);
        System.out.printf("vm-junit: %d tests, %d failed, %d skipped; JVM start %d ms%n",
                collector.tests, collector.failed, collector.skipped, jvmStartMs);
        System.out.flush();
        System.exit(collector.failed > 0 ? 1 : collector.tests == 0 ? 3 : 0);
    }

    private static void usage(String why) {
        System.err.println("usage: VmJUnitMain --results FILE CLASS...  (" + why + ")");
        System.exit(2);
    }

    private static final class Collector implements TestExecutionListener {
        private final List<String> lines;
        private final Map<String, Long> startedNanos = new ConcurrentHashMap<>();
        int tests, failed, skipped;

        Collector(List<String> lines) {
            this.lines = lines;
        }

        @Override
        public void executionStarted(TestIdentifier id) {
            startedNanos.put(id.getUniqueId(), System.nanoTime());
            if (id.isTest()) System.out.println("vm-junit: started " + name(id));
        }

        @Override
        public synchronized void executionSkipped(TestIdentifier id, String reason) {
            if (!id.isTest()) return;
            tests++;
            skipped++;
            lines.add(String.join("\t", "test", "SKIPPED", esc(name(id)), "0", esc(reason)));
            System.out.println("vm-junit: skipped " + name(id) + ": " + reason);
        }

        @Override
        public synchronized void executionFinished(TestIdentifier id, TestExecutionResult result) {
            Long start = startedNanos.remove(id.getUniqueId());
            long ms = start == null ? 0 : (System.nanoTime() - start) / 1_000_000;
            TestExecutionResult.Status status = result.getStatus();
            if (!id.isTest() && status == TestExecutionResult.Status.SUCCESSFUL) return;
            if (id.isTest()) tests++;
            if (status == TestExecutionResult.Status.FAILED) failed++;
            String message = result.getThrowable().map(VmJUnitMain::describe).orElse("");
            lines.add(String.join("\t", id.isTest() ? "test" : "container", status.name(), esc(name(id)),
                    Long.toString(ms), esc(message)));
            System.out.println("vm-junit: " + status + " " + name(id) + " (" + ms + " ms)");
            result.getThrowable().ifPresent(t -> t.printStackTrace(System.err));
        }
    }

    /** ClassName#method for methods, ClassName for classes, else the display name. */
    static String name(TestIdentifier id) {
        TestSource s = id.getSource().orElse(null);
        if (s instanceof MethodSource m) {
            String display = id.getDisplayName();
            String base = m.getClassName() + "#" + m.getMethodName();
            // Parameterised and repeated tests share a method: keep the invocation's display name apart.
            return display.startsWith(m.getMethodName() + "(") ? base : base + " " + display;
        }
        if (s instanceof ClassSource c) return c.getClassName();
        return id.getDisplayName();
    }

    static String describe(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        String trace = w.toString();
        // The first lines carry the assertion message and where it failed; the rest stays on the VM's stderr.
        String[] lines = trace.split("\n");
        return String.join("\n", java.util.Arrays.copyOf(lines, Math.min(lines.length, 8))).strip();
    }

    static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "");
    }

    static String unesc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(n == 't' ? '\t' : n == 'n' ? '\n' : n);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
