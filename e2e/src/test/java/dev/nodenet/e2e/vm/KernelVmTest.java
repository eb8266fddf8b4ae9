package dev.nodenet.e2e.vm;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The VM boots, runs a command and hands back its output and exit status; a timeout kills it. Each test boots one VM. */
@Tag("privileged")
@Tag("kernel-vm")
class KernelVmTest {
    private final KernelVm vm = KernelVm.builder().memoryMb(1024).build();

    @Test
    void commandRunsOnTheVmKernelAndItsOutputStatusAndFilesComeBack() throws Exception {
        KernelVm.Result r = vm.run(List.of("sh", "-c", """
                uname -r
                echo "to stderr" >&2
                grep -q '^ip_vs ' /proc/modules && echo ip_vs-loaded
                ip -o link show | wc -l
                echo "written in the VM" > /vm-out/result.txt
                touch /etc/vm-overlay-write-stays-in-the-vm
                """), Duration.ofMinutes(3));
        assertEquals(0, r.exitCode(), r::describe);
        assertFalse(r.timedOut());
        List<String> lines = r.stdout().lines().toList();
        String vmKernel = lines.getFirst();
        assertNotEquals(System.getProperty("os.version"), vmKernel, "the command ran on this machine's kernel");
        assertTrue(vmKernel.endsWith("-amd64"), "not Debian's stock kernel: " + vmKernel);
        assertEquals("ip_vs-loaded", lines.get(1), r::describe);
        assertEquals("1", lines.get(2).strip(), "only lo in the VM: " + r.stdout());
        assertEquals("to stderr\n", r.stderr().lines().filter(l -> !l.startsWith("kernel-vm: timing"))
                .map(l -> l + "\n").reduce("", String::concat));
        assertFalse(r.stdout().contains("\r"), "tty line endings leaked into the output");
        assertEquals("written in the VM\n", Files.readString(r.outDir().resolve("result.txt")));
        assertFalse(Files.exists(Path.of("/etc/vm-overlay-write-stays-in-the-vm")), "the VM wrote to the host");
        assertNotNull(r.bootTime(), r::describe);
        assertNotNull(r.commandTime(), r::describe);
        System.out.printf("kernel-vm timing: boot %d ms, command %d ms, total %d ms%n",
                r.bootTime().toMillis(), r.commandTime().toMillis(), r.totalTime().toMillis());
    }

    @Test
    void aFailingCommandsStatusComesBack() {
        KernelVm.Result r = vm.run(List.of("sh", "-c", "echo failing >&2; exit 42"), Duration.ofMinutes(3));
        assertEquals(42, r.exitCode(), r::describe);
        assertFalse(r.timedOut());
        assertTrue(r.stderr().contains("failing"), r::describe);
    }

    @Test
    void aTimeoutKillsTheVmAndSaysSo() {
        KernelVm.Result r = vm.run(List.of("sleep", "3600"), Duration.ofSeconds(45));
        assertTrue(r.timedOut(), r::describe);
        assertEquals(KernelVm.EXIT_TIMED_OUT, r.exitCode());
        assertTrue(r.totalTime().compareTo(Duration.ofSeconds(45)) >= 0, r::describe);
        // The console log path is unique to this run and on qemu's command line: no qemu may be left with it.
        String marker = r.consoleLog().toString();
        assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").contains(marker)),
                "a qemu of this run is still alive");
    }
}
