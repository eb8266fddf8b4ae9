package dev.nodenet.bench;

import dev.nodenet.api.cli.Flags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SliceLatencyTest {

    /** A tiny run of the real thing (in-process API server on SQLite, then on a child etcd): both rows, nothing missed. */
    @Test
    @Timeout(60)
    void tinyRunHasBothStoresAndEverySampleCompletes() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        SliceLatency.run(new String[]{"--services", "5", "--pods-per-service", "3", "--samples", "10", "--burst", "10"},
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        String table = buf.toString(StandardCharsets.UTF_8);
        List<String> rows = table.lines().filter(l -> l.startsWith("sqlite ") || l.startsWith("etcd ")).toList();
        assertEquals(2, rows.size(), table);
        assertTrue(rows.get(0).startsWith("sqlite "), table);
        assertTrue(rows.get(1).matches("etcd \\d+\\.\\d+ .*"), table);
        for (String row : rows) {
            String[] cols = row.substring(10).trim().split("\\s+");
            assertEquals(List.of("5", "15"), List.of(cols[0], cols[1]), row);
            for (int c = 2; c < cols.length - 1; c++) {
                assertTrue(cols[c].matches("\\d+\\.\\d+"), "column " + c + " not a number in: " + row + "\n" + table);
            }
            assertEquals("0", cols[cols.length - 1], "missed flips in: " + row + "\n" + table);
        }
        assertFalse(table.contains("first error"), table);
    }

    @Test
    void badFlagsAreRejectedBeforeAnythingStarts() {
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Flags.UsageException e = assertThrows(Flags.UsageException.class, () -> SliceLatency.run(new String[]{"--services", "10,x"}, out));
        assertTrue(e.getMessage().contains("\"x\" is not a whole number"), e.getMessage());
        e = assertThrows(Flags.UsageException.class, () -> SliceLatency.run(new String[]{"--stores", "sqlite,mysql"}, out));
        assertTrue(e.getMessage().contains("unknown store \"mysql\""), e.getMessage());
        e = assertThrows(Flags.UsageException.class, () -> SliceLatency.run(new String[]{"--stores", "etcd,etcd"}, out));
        assertTrue(e.getMessage().contains("given twice"), e.getMessage());
        e = assertThrows(Flags.UsageException.class, () -> SliceLatency.run(new String[]{"--pods-per-service", "0"}, out));
        assertTrue(e.getMessage().contains("--pods-per-service"), e.getMessage());
        e = assertThrows(Flags.UsageException.class, () -> SliceLatency.run(new String[]{"--samples", "0"}, out));
        assertTrue(e.getMessage().contains("--samples"), e.getMessage());
        e = assertThrows(Flags.UsageException.class, () -> SliceLatency.run(new String[]{"--services", "100000", "--pods-per-service", "11"}, out));
        assertTrue(e.getMessage().contains("more than 1000000 Pods"), e.getMessage());
        e = assertThrows(Flags.UsageException.class, () -> SliceLatency.run(new String[]{"--load-timeout", "0s"}, out));
        assertTrue(e.getMessage().contains("--load-timeout"), e.getMessage());
        e = assertThrows(Flags.UsageException.class, () -> SliceLatency.run(new String[]{"extra"}, out));
        assertTrue(e.getMessage().contains("unexpected argument"), e.getMessage());
    }

    @Test
    void helpPrintsTheFlags() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        SliceLatency.run(new String[]{"--help"}, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String usage = buf.toString(StandardCharsets.UTF_8);
        assertTrue(usage.contains("--services") && usage.contains("--stores") && usage.contains("--pods-per-service"), usage);
    }

    @Test
    void podIpsAreUniqueAndQuantilesUseNearestRank() {
        assertEquals("10.0.0.1", SliceRun.podIp(0));
        assertEquals("10.0.1.0", SliceRun.podIp(255));
        assertEquals("10.1.134.160", SliceRun.podIp(99_999));
        assertEquals("p-7-3", SliceRun.podName(73, 10));
        long[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(5, SliceLatency.quantile(sorted, 0.5));
        assertEquals(9, SliceLatency.quantile(sorted, 0.9));
        assertEquals(10, SliceLatency.quantile(sorted, 0.99));
        assertEquals(-1, SliceLatency.quantile(new long[0], 0.5));
    }
}
