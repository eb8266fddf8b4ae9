package dev.nodenet.e2e.vm;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Runs {@link IpvsTrafficInVm} where it can pass: inside the kernel VM, whose kernel has IP_VS. */
@Tag("privileged")
@Tag("kernel-vm")
class IpvsInKernelVmTest {
    @Test
    void ipvsCarriesTcpInTheKernelVm() {
        VmTestReport report = KernelVm.builder().build().runTests(List.of(IpvsTrafficInVm.class),
                Map.of("nodenet.e2e.mode", "ipvs"), Duration.ofMinutes(8));
        report.assertAllPassed();
        assertEquals(2, report.tests().size(), report.vm().stdout());
        System.out.printf("kernel-vm timing: boot %d ms, JVM start %d ms, IPVS class %d ms (command), total %d ms%n",
                report.vm().bootTime().toMillis(), report.jvmStartTime().toMillis(),
                report.vm().commandTime().toMillis(), report.vm().totalTime().toMillis());
    }
}
