package dev.nodenet.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

class ShTest {
    @Test
    void environmentStdinAndMergedOutputComeThrough() {
        Sh.Result r = Sh.run(List.of("sh", "-c", "cat; echo \"$GREETING\" >&2; exit 4"), Map.of("GREETING", "hi"), "in\n");
        assertEquals(4, r.exit());
        assertEquals("in\nhi\n", r.out());
    }

    @Test
    void theLimitStopsAToolThatKeepsItsOutputOpen() {
        // stdout stays open while the tool sleeps: reading it blocks, so only a limit counted from the start ends it
        Sh.Result r = Sh.run(List.of("sh", "-c", "echo started; sleep 30; echo never"), Map.of(), null, Duration.ofMillis(500));
        assertEquals(-1, r.exit());
        assertTrue(r.out().startsWith("started\n") && r.out().contains("timed out"), r.out());
    }
}
