package dev.nodenet.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher lists every subcommand and refuses bad usage with exit code 2 before starting anything. */
class MainTest {
    record Outcome(int code, String out, String err) {}

    static Outcome run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEverySubcommand() throws Exception {
        Outcome o = run("--help");
        assertEquals(0, o.code());
        for (String c : new String[]{"apiserver", "node", "proxy", "overlay", "install-cni", "bench", "node-kubeconfig", "lab"}) {
            assertTrue(o.out().contains("  " + c + " "), c + " missing:\n" + o.out());
        }
    }

    @Test
    void unknownCommandsAndNoCommandAreUsageErrors() throws Exception {
        Outcome unknown = run("frobnicate");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown command \"frobnicate\""), unknown.err());
        assertEquals(2, run().code());
    }

    @Test
    void nodeRefusesToRunNothingAndPassesBadFlagsToItsParts() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        assertEquals(2, NodeCommand.run(new String[]{"--disable-proxy", "--disable-overlay"}, quiet, new PrintStream(err)));
        assertEquals(2, NodeCommand.run(new String[]{"--disable-proxy", "--overlay-cluster-cidr", "10.0.0.0/33"}, quiet, new PrintStream(err)));
        assertTrue(err.toString().contains("--cluster-cidr"), err.toString());
        assertEquals(2, NodeCommand.run(new String[]{"--disable-overlay", "--proxy-mode", "bogus"}, quiet, new PrintStream(err)));
        assertTrue(err.toString().contains("invalid proxy mode"), err.toString());
    }
}
