package dev.nodenet.controlplane.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Events replayed from the table after a restart (the in-memory ring is empty) carry the same values as live ones. */
class ReplayAfterRestartTest {
    @TempDir Path dir;

    @Test
    void replayedEventsCarryValueAndPreviousValue() throws Exception {
        try (SqliteStore s = SqliteStore.open(dir)) {
            s.create("/a/x", new byte[]{1});
            s.create("/b/y", new byte[]{2});
            s.update("/a/x", new byte[]{3}, 0);
            s.delete("/a/x", 0);
        }
        try (SqliteStore s = SqliteStore.open(dir)) {
            List<Store.Event> got = new CopyOnWriteArrayList<>();
            Store.Watch w = s.watch("/a/", 0, got::add);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (got.size() < 3 && System.nanoTime() < deadline) Thread.sleep(10);
            w.close();
            assertEquals(3, got.size(), got.toString());
            assertNull(got.get(0).prevValue(), "a create replaces nothing");
            assertArrayEquals(new byte[]{1}, got.get(0).value());
            assertArrayEquals(new byte[]{1}, got.get(1).prevValue());
            assertArrayEquals(new byte[]{3}, got.get(1).value());
            assertArrayEquals(new byte[]{3}, got.get(2).prevValue());
            assertArrayEquals(new byte[]{3}, got.get(2).value());
        }
    }
}
