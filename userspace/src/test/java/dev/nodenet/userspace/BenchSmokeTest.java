package dev.nodenet.userspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodenet.userspace.bench.UserspaceBench;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code ./nodenet bench userspace --duration 1s}: the whole benchmark runs and prints a number for every cell. */
@Tag("privileged")
class BenchSmokeTest {
    @Test
    void oneSecondRunPrintsTheTable() throws Exception {
        for (String tool : List.of("wrk", "iperf3", "haproxy", "nginx")) {
            Assumptions.assumeTrue(onPath(tool), tool + " is not installed (scripts/install-deps)");
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        UserspaceBench.run(new String[] {"--duration", "1s", "--connections", "4", "--udp-clients", "1"}, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        List<String> rows = out.lines().filter(l -> l.startsWith("direct") || l.startsWith("HAProxy") || l.startsWith("nodenet")).toList();
        assertEquals(3, rows.size(), out);
        for (String row : rows) {
            String[] cells = row.substring(26).trim().split("\\s+");
            assertEquals(8, cells.length, row);
            assertTrue(Double.parseDouble(cells[0]) > 0, "keep-alive requests/s: " + row);
            assertTrue(Double.parseDouble(cells[3]) > 0, "new-connection requests/s: " + row);
            assertTrue(Double.parseDouble(cells[6]) > 0, "bulk throughput: " + row);
            if (row.toLowerCase(Locale.ROOT).startsWith("haproxy")) assertEquals("n/a", cells[7], "HAProxy has no UDP proxying");
            else assertTrue(Double.parseDouble(cells[7]) > 0, "UDP requests/s: " + row);
        }
    }

    static boolean onPath(String tool) {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, tool))) return true;
        }
        return false;
    }

    @Test
    void badFlagsAreRefused() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.nodenet.api.cli.Flags.UsageException.class,
                () -> UserspaceBench.run(new String[] {"--duration", "0s"}, new PrintStream(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("--duration"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(dev.nodenet.api.cli.Flags.UsageException.class,
                () -> UserspaceBench.run(new String[] {"--only", "nginx"}, new PrintStream(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("unknown path"), e.getMessage());
    }
}
