package dev.nodenet.e2e.vm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link KernelVm#runTests} run did: one {@link Outcome} per test (and per failed class), the JVM's start-up
 * time inside the VM, and the VM run itself. Immutable.
 */
public record VmTestReport(KernelVm.Result vm, Duration jvmStartTime, List<Outcome> outcomes) {
    /** One test (or a failed container): status SUCCESSFUL, FAILED, ABORTED or SKIPPED. */
    public record Outcome(boolean test, String status, String name, Duration time, String message) {}

    static VmTestReport read(KernelVm.Result vm) {
        Path file = vm.outDir().resolve(VmJUnitMain.RESULTS_FILE);
        if (!Files.exists(file)) {
            throw new AssertionError("the VM wrote no test results (" + file + "): the JVM did not start or "
                    + "crashed.\n" + vm.describe() + "\n--- stdout ---\n" + vm.stdout());
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Duration jvmStart = null;
        List<Outcome> outcomes = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split("\t", -1);
            switch (f[0]) {
                case "jvm-start-ms" -> jvmStart = Long.parseLong(f[1]) < 0 ? null : Duration.ofMillis(Long.parseLong(f[1]));
                case "test", "container" -> outcomes.add(new Outcome(f[0].equals("test"), f[1],
                        VmJUnitMain.unesc(f[2]), Duration.ofMillis(Long.parseLong(f[3])), VmJUnitMain.unesc(f[4])));
                default -> throw new IllegalStateException("bad line in " + file + ": " + line);
            }
        }
        return new VmTestReport(vm, jvmStart, List.copyOf(outcomes));
    }

    public List<Outcome> tests() {
        return outcomes.stream().filter(Outcome::test).toList();
    }

    public List<Outcome> failures() {
        return outcomes.stream().filter(o -> o.status().equals("FAILED")).toList();
    }

    public List<String> passed() {
        return tests().stream().filter(o -> o.status().equals("SUCCESSFUL")).map(Outcome::name).toList();
    }

    /** Throws an AssertionError naming every failed, aborted or skipped test unless at least one test ran and all passed. */
    public void assertAllPassed() {
        List<Outcome> bad = outcomes.stream().filter(o -> !o.status().equals("SUCCESSFUL")).toList();
        if (!bad.isEmpty() || tests().isEmpty() || vm.exitCode() != 0) {
            StringBuilder b = new StringBuilder("tests in the kernel VM did not all pass (" + tests().size()
                    + " tests, VM exit " + vm.exitCode() + "):\n");
            for (Outcome o : bad) b.append("  ").append(o.status()).append(' ').append(o.name()).append(": ")
                    .append(o.message().replace("\n", "\n      ")).append('\n');
            b.append(vm.describe());
            throw new AssertionError(b.toString());
        }
    }
}
