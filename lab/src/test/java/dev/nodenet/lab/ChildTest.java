package dev.nodenet.lab;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The supervisor restarts a child that dies, but not one that refused its command line (exit 2). */
class ChildTest {
    @TempDir
    Path dir;

    static void await(java.util.function.BooleanSupplier c) throws InterruptedException {
        for (int i = 0; i < 200 && !c.getAsBoolean(); i++) Thread.sleep(50);
        assertTrue(c.getAsBoolean(), "condition not met in 10 s");
    }

    @Test
    void exitTwoIsReportedAndNotRestarted() throws Exception {
        Path log = dir.resolve("c.log"), failed = dir.resolve("failed");
        Child c = new Child("node-1", List.of("sh", "-c", "echo 'nodenet proxy: proxy mode \"x\" is not implemented yet'; exit 2"), log, dir.resolve("c.pid"),
                failed, new PrintStream(new ByteArrayOutputStream()));
        c.start();
        await(() -> Files.exists(failed));
        String why = Files.readString(failed);
        assertTrue(why.contains("node-1 refused its command line") && why.contains("is not implemented yet"), why);
        Thread.sleep(1500);
        assertEquals(1, Files.readAllLines(log).size(), "not restarted");
    }

    @Test
    void aCrashIsRestarted() throws Exception {
        Path log = dir.resolve("c.log");
        Child c = new Child("apiserver", List.of("sh", "-c", "echo started; exit 1"), log, dir.resolve("c.pid"), dir.resolve("failed"),
                new PrintStream(new ByteArrayOutputStream()));
        c.start();
        await(() -> {
            try {
                return Files.readAllLines(log).size() >= 2;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        c.stop(1000);
        assertTrue(Files.notExists(dir.resolve("failed")));
    }
}
