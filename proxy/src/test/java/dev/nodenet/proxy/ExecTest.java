package dev.nodenet.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

class ExecTest {
    @Test
    void outputExitCodeAndStdinComeThrough() throws IOException {
        Exec.Result r = new Exec(null).run(List.of("sh", "-c", "cat; echo oops >&2; exit 3"), "hello\n");
        assertEquals(3, r.exitCode());
        assertEquals("hello\n", r.stdout());
        assertEquals("oops\n", r.stderr());
    }

    @Test
    void keepFiltersStdoutLines() throws IOException {
        Exec.Result r = new Exec(null).run(List.of("printf", "a\\nb\\na\\n"), null, line -> line.equals("a"));
        assertTrue(r.ok());
        assertEquals("a\na\n", r.stdout());
    }

    @Test
    void theTimeLimitCountsFromTheStartEvenWhileStdinIsBeingWritten() {
        // The tool never reads its stdin, so writing 8 MB blocks once the pipe is full: the limit must still end it
        // (before, it counted only after the write, so this returned as a success once the tool exited by itself).
        String big = "x".repeat(8 << 20);
        IOException e = assertThrows(IOException.class,
                () -> new Exec(null, Duration.ofMillis(500)).run(List.of("sh", "-c", "sleep 20; echo never"), big));
        assertTrue(e.getMessage().contains("did not finish"), e.getMessage());
    }
}
