package dev.nodenet.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SyncRunnerTest {
    @Test
    void boundedFrequency() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        SyncRunner r = new SyncRunner(Duration.ofMillis(300), Duration.ofSeconds(60), () -> {
            runs.incrementAndGet();
            return true;
        });
        r.start();
        try {
            Thread.sleep(100);
            assertEquals(1, runs.get(), "runs once at start");
            for (int i = 0; i < 50; i++) r.request();
            Thread.sleep(100);
            assertEquals(1, runs.get(), "no second run within minInterval");
            Thread.sleep(400);
            assertEquals(2, runs.get(), "50 requests became one run");
            Thread.sleep(400);
            assertEquals(2, runs.get(), "no run without request before maxInterval");
        } finally {
            r.stop();
        }
    }

    @Test
    void failuresRetryWithGrowingBackoff() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        long[] at = new long[4];
        SyncRunner r = new SyncRunner(Duration.ZERO, Duration.ofSeconds(60), () -> {
            int n = runs.getAndIncrement();
            if (n < at.length) at[n] = System.nanoTime();
            return n >= 3;
        });
        r.start();
        try {
            Thread.sleep(1500);
            assertEquals(4, runs.get(), "three failures retried, then success stops the retries");
            long gap1 = at[1] - at[0], gap2 = at[2] - at[1], gap3 = at[3] - at[2];
            assertTrue(gap1 >= 90_000_000L && gap2 >= 190_000_000L && gap3 >= 390_000_000L, gap1 + " " + gap2 + " " + gap3);
        } finally {
            r.stop();
        }
    }
}
