package dev.nodenet.controlplane.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every write a child JVM saw acknowledged is still there after the child is SIGKILLed in the middle of writing. */
class SqliteStoreDurabilityTest {

    /** The child: writes keys until killed, printing each acknowledged revision after the write returned. */
    public static final class Child {
        public static void main(String[] args) {
            Path dir = Path.of(args[0]);
            SqliteStore.Durability durability = SqliteStore.Durability.valueOf(args[1]);
            PrintStream out = new PrintStream(System.out, false, UTF_8);
            try (SqliteStore store = SqliteStore.open(dir, durability)) {
                out.println("ready " + store.currentRevision());
                out.flush();
                for (int i = 0; ; i++) {
                    String key = "/d/" + args[2] + "/" + i;
                    Store.Entry e = store.create(key, ("value-" + i).getBytes(UTF_8));
                    out.println("ack " + e.modRevision() + " " + key + " ."); // the dot: the line is complete
                    out.flush();
                }
            }
        }
    }

    @Test
    @Timeout(120)
    void acknowledgedWritesSurviveKill9(@TempDir Path dir) throws Exception {
        Map<String, Long> acked = new LinkedHashMap<>();
        Path data = dir.resolve("data");
        runAndKill(data, SqliteStore.Durability.SURVIVE_PROCESS_CRASH, "r1", 2000, acked);
        // Again on the same file: recovery of a WAL left by a killed writer, then more writes on top.
        runAndKill(data, SqliteStore.Durability.SURVIVE_PROCESS_CRASH, "r2", 1000, acked);
        runAndKill(data, SqliteStore.Durability.SURVIVE_POWER_LOSS, "r3", 100, acked);

        try (SqliteStore store = SqliteStore.open(data)) {
            long maxAck = 0;
            for (var e : acked.entrySet()) {
                Store.Entry got = store.get(e.getKey()).orElseThrow(() -> new AssertionError("lost acknowledged " + e));
                assertEquals(e.getValue(), got.modRevision(), e.getKey());
                assertEquals("value-" + e.getKey().substring(e.getKey().lastIndexOf('/') + 1), new String(got.value(), UTF_8));
                maxAck = Math.max(maxAck, e.getValue());
            }
            assertTrue(store.currentRevision() >= maxAck);
            // Nothing beyond what the children may have written, and revisions were never reused.
            assertTrue(store.currentRevision() <= maxAck + 3, "at most one unacknowledged write per child");
        }
    }

    /** Starts a child, kills it with SIGKILL after {@code killAfter} acknowledgements, records every acknowledgement. */
    private static void runAndKill(Path dir, SqliteStore.Durability durability, String round, int killAfter, Map<String, Long> acked)
            throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path err = Files.createTempFile(dir.getParent(), "child", ".err");
        // The killed JVM cannot delete what it extracted (sqlite-jdbc's native library): keep its temp files in ours.
        Path tmp = Files.createDirectories(dir.resolveSibling("tmp"));
        List<String> cmd = List.of(java, "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + tmp, "-Dorg.sqlite.tmpdir=" + tmp,
                "-cp", System.getProperty("java.class.path"),
                Child.class.getName(), dir.toString(), durability.name(), round);
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8))) {
            String line;
            int acks = 0;
            boolean killed = false;
            while ((line = r.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("ack ") && ++acks == killAfter) {
                    // SIGKILL while the child keeps writing. Through the handle, which (unlike Process.destroyForcibly)
                    // leaves our end of the pipe open: the lines already written are read to EOF and checked too.
                    p.toHandle().destroyForcibly();
                    killed = true;
                }
            }
            assertTrue(killed, "child ended before " + killAfter + " acks: " + lines.size() + " lines, stderr: "
                    + Files.readString(err));
        } finally {
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            Files.deleteIfExists(err);
        }
        assertNotEquals(0, p.exitValue(), "the child must have been killed, not exited");
        assertTrue(lines.getFirst().startsWith("ready "), lines.getFirst());
        long prev = Long.parseLong(lines.getFirst().substring(6));
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(" ");
            if (f.length != 4 || !f[3].equals(".")) {
                assertEquals(lines.getLast(), l, "only the last line can be cut short by the kill");
                break;
            }
            long rev = Long.parseLong(f[1]);
            assertEquals(prev + 1, rev, "gap-free revisions in the child");
            prev = rev;
            acked.put(f[2], rev);
        }
    }
}
