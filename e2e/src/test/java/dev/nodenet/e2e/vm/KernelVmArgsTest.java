package dev.nodenet.e2e.vm;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input to the harness and the script is refused before any VM starts (no root, no qemu needed). */
class KernelVmArgsTest {
    @Test
    void scriptRejectsBadOptionsWithUsageAndStatus2() throws Exception {
        List<List<String>> bad = List.of(
                List.of("--mem", "lots", "--", "true"),
                List.of("--mem", "16", "--", "true"),
                List.of("--cpus", "0", "--", "true"),
                List.of("--timeout", "-5", "--", "true"),
                List.of("--env", "1BAD=x", "--", "true"),
                List.of("--modules", "ip_vs ../evil", "--", "true"),
                List.of("--frobnicate", "--", "true"),
                List.of("--timeout"),
                List.of("--"));
        for (List<String> args : bad) {
            List<String> argv = new ArrayList<>(List.of(KernelVm.findScript().toString()));
            argv.addAll(args);
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(2, p.waitFor(), args + " -> " + out);
            assertTrue(out.contains("usage: kernel-vm"), args + " -> " + out);
        }
    }

    @Test
    void harnessRejectsBadInput() throws IOException {
        KernelVm vm = KernelVm.builder().build();
        assertThrows(IllegalArgumentException.class, () -> vm.run(List.of(), Duration.ofSeconds(10)));
        assertThrows(IllegalArgumentException.class, () -> vm.run(List.of("true"), Duration.ofMillis(10)));
        assertThrows(IllegalArgumentException.class, () -> vm.runTests(List.of(), Map.of(), Duration.ofSeconds(10)));
        assertThrows(IllegalArgumentException.class,
                () -> vm.runTests(List.of(KernelVmArgsTest.class), Map.of("a=b", "c"), Duration.ofSeconds(10)));
        assertThrows(IllegalArgumentException.class, () -> KernelVm.builder().memoryMb(10));
        assertThrows(IllegalArgumentException.class, () -> KernelVm.builder().cpus(0));
        assertThrows(IllegalArgumentException.class, () -> KernelVm.builder().modules(List.of("ip_vs; reboot")));
        assertThrows(IllegalArgumentException.class, () -> KernelVm.builder().env("NOT-A-NAME", "x"));
    }

    @Test
    void resultsFileFieldsSurviveTabsNewlinesAndBackslashes() {
        String s = "a\tb\nc\\nd\\";
        assertEquals(s, VmJUnitMain.unesc(VmJUnitMain.esc(s)));
        assertTrue(!VmJUnitMain.esc(s).contains("\t") && !VmJUnitMain.esc(s).contains("\n"));
    }
}
