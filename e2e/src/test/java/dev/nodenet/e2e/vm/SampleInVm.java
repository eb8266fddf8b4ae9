package dev.nodenet.e2e.vm;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** A trivial class that {@link VmJUnitTest} runs inside the VM: one test passes, one fails when asked to. */
@InKernelVm
class SampleInVm {
    @Test
    void seesTheVmKernelAndTheSystemPropertiesItWasGiven() throws Exception {
        assertEquals("ipvs", System.getProperty("nodenet.e2e.mode"));
        assertEquals("kernel-vm", Files.readString(Path.of("/proc/sys/kernel/hostname")).strip());
        assertNotEquals(System.getProperty("nodenet.hostKernel"), System.getProperty("os.version"));
    }

    @Test
    void failsWhenAsked() {
        if (Boolean.getBoolean("nodenet.sample.fail")) fail("failing as asked\tsecond line\nthird line");
    }
}
