package dev.nodenet.bench;

import dev.nodenet.api.cli.Flags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WatchFanoutTest {

    /** A tiny run of the real thing (in-process API server, child etcd): both rows present, nothing missed. */
    @Test
    @Timeout(60)
    void tinyRunHasBothSystemsAndMissesNothing() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        WatchFanout.run(new String[]{"--rate", "20", "--seconds", "1", "--watchers", "5"}, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String table = buf.toString(StandardCharsets.UTF_8);
        List<String> rows = table.lines().filter(l -> l.startsWith("nodenet apiserver") || l.startsWith("etcd ")).toList();
        assertEquals(2, rows.size(), table);
        assertTrue(rows.get(0).startsWith("nodenet apiserver"), table);
        assertTrue(rows.get(1).matches("etcd \\d+\\.\\d+ \\(anchor\\).*"), table);
        for (String row : rows) {
            String[] cols = row.trim().split("\\s+");
            assertEquals("0", cols[cols.length - 1], "write errors in: " + row + "\n" + table);
            assertEquals("0", cols[cols.length - 2], "missed events in: " + row + "\n" + table);
            assertEquals("5", row.substring(20).trim().split("\\s+")[0], row);
        }
    }

    @Test
    void badFlagsAreRejectedBeforeAnythingStarts() {
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Flags.UsageException e = assertThrows(Flags.UsageException.class, () -> WatchFanout.run(new String[]{"--watchers", "10,x"}, out));
        assertTrue(e.getMessage().contains("\"x\" is not a whole number"), e.getMessage());
        e = assertThrows(Flags.UsageException.class, () -> WatchFanout.run(new String[]{"--rate", "0"}, out));
        assertTrue(e.getMessage().contains("--rate"), e.getMessage());
        e = assertThrows(Flags.UsageException.class, () -> WatchFanout.run(new String[]{"--watchers", "0"}, out));
        assertTrue(e.getMessage().contains("must be 1-5000"), e.getMessage());
        e = assertThrows(Flags.UsageException.class, () -> WatchFanout.run(new String[]{"--bogus"}, out));
        assertTrue(e.getMessage().contains("unknown flag: --bogus"), e.getMessage());
        e = assertThrows(Flags.UsageException.class, () -> WatchFanout.run(new String[]{"--rate", "10000", "--seconds", "600", "--watchers", "1000"}, out));
        assertTrue(e.getMessage().contains("watcher×event pairs"), e.getMessage());
    }

    @Test
    void helpPrintsTheFlags() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        WatchFanout.run(new String[]{"--help"}, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String usage = buf.toString(StandardCharsets.UTF_8);
        assertTrue(usage.contains("--rate") && usage.contains("--watchers") && usage.contains("--seconds"), usage);
    }

    @Test
    void annotationScanFindsTheTimestampInServerOutput() {
        String line = new String(Payload.service(42, 123456789L, 1024), StandardCharsets.US_ASCII);
        assertEquals(1024, line.length());
        assertEquals(42, Payload.annotation(line, Payload.SEQ_KEY));
        assertEquals(123456789L, Payload.annotation(line, Payload.SENT_KEY));
        String spaced = "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"annotations\":{\"" + Payload.SENT_KEY + "\" : \"-7\"}}}}";
        assertEquals(-7, Payload.annotation(spaced, Payload.SENT_KEY));
        assertEquals(Long.MIN_VALUE, Payload.annotation("{\"type\":\"BOOKMARK\"}", Payload.SENT_KEY));
        assertEquals(Long.MIN_VALUE, Payload.annotation("{\"" + Payload.SEQ_KEY + "\":\"12x\"}", Payload.SEQ_KEY));
    }
}
