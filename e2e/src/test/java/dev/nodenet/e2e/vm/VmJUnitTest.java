package dev.nodenet.e2e.vm;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A JUnit class of this repository runs inside the VM, with system properties, and every outcome comes back. */
@Tag("privileged")
@Tag("kernel-vm")
class VmJUnitTest {
    @Test
    void testClassRunsInTheVmAndPassesAndFailuresComeBack() {
        VmTestReport report = KernelVm.builder().modules(List.of()).build().runTests(List.of(SampleInVm.class),
                Map.of("nodenet.e2e.mode", "ipvs", "nodenet.sample.fail", "true",
                        "nodenet.hostKernel", System.getProperty("os.version")),
                Duration.ofMinutes(5));
        String account = report.vm().describe() + "\n" + report.vm().stdout();
        assertEquals(List.of(SampleInVm.class.getName() + "#seesTheVmKernelAndTheSystemPropertiesItWasGiven"),
                report.passed(), account);
        assertEquals(1, report.failures().size(), account);
        VmTestReport.Outcome failure = report.failures().getFirst();
        assertEquals(SampleInVm.class.getName() + "#failsWhenAsked", failure.name());
        assertTrue(failure.message().contains("failing as asked\tsecond line\nthird line"), failure.message());
        assertEquals(1, report.vm().exitCode(), account);
        AssertionError e = assertThrows(AssertionError.class, report::assertAllPassed);
        assertTrue(e.getMessage().contains("FAILED " + SampleInVm.class.getName() + "#failsWhenAsked"), e.getMessage());
        assertNotNull(report.jvmStartTime(), account);
        System.out.printf("kernel-vm timing: boot %d ms, JVM start %d ms, trivial JUnit class %d ms (command), total %d ms%n",
                report.vm().bootTime().toMillis(), report.jvmStartTime().toMillis(),
                report.vm().commandTime().toMillis(), report.vm().totalTime().toMillis());
    }
}
