package dev.nodenet.controlplane;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./nodenet apiserver} refuses bad flags and unusable settings with a message and a non-zero exit, creating nothing. */
class ApiServerCommandTest {
    @TempDir
    Path dir;

    record Outcome(int code, String out, String err) {}

    static Outcome run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = ApiServerCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryFlag() throws Exception {
        Outcome o = run("--help");
        assertEquals(0, o.code());
        for (String flag : new String[]{"--data-dir", "--bind-address", "--secure-port", "--min-request-timeout", "--compaction-interval",
                "--compaction-retain-revisions", "--tls-san"}) {
            assertTrue(o.out().contains(flag), flag + " missing from:\n" + o.out());
        }
    }

    @Test
    void badFlagsExitTwoAndCreateNothing() throws Exception {
        Path data = dir.resolve("never");
        String[][] cases = {
                {"--bogus"}, {"--secure-port", "abc"}, {"--secure-port", "70000"}, {"--bind-address", "localhost"},
                {"--compaction-interval", "5 minutes"}, {"--compaction-retain-revisions", "0"}, {"--secure-port"}, {"extra-argument"},
        };
        for (String[] c : cases) {
            String[] args = new String[c.length + 2];
            args[0] = "--data-dir";
            args[1] = data.toString();
            System.arraycopy(c, 0, args, 2, c.length);
            Outcome o = run(args);
            assertEquals(2, o.code(), String.join(" ", c) + ": " + o.err());
            assertTrue(o.err().startsWith("nodenet apiserver: "), o.err());
            assertFalse(Files.exists(data), "nothing is created for " + String.join(" ", c));
        }
    }

    @Test
    void unusableSettingsExitOneWithTheReason() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Outcome o = run("--data-dir", file.resolve("sub").toString(), "--secure-port", "0");
        assertEquals(1, o.code());
        assertTrue(o.err().contains("cannot start") && o.err().contains("a-file"), o.err());
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Outcome busy = run("--data-dir", dir.resolve("busy").toString(), "--secure-port", Integer.toString(taken.getLocalPort()));
            assertEquals(1, busy.code());
            assertTrue(busy.err().contains("cannot start"), busy.err());
        }
    }
}
