package dev.nodenet.api.process;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A time limit for a child process counted from its start, enforced from a timer thread: the caller may then block
 * in writing the child's stdin or reading its output for as long as it likes, because the limit kills the child (and
 * its descendants, which may hold the pipes open) and so unblocks it. Thread-safe.
 */
public final class Deadline {
    private final AtomicBoolean expired = new AtomicBoolean();

    private Deadline() {}

    /** Starts the limit for {@code process}, which must already be running. */
    public static Deadline start(Process process, Duration limit) {
        Deadline d = new Deadline();
        CompletableFuture.delayedExecutor(limit.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (process.isAlive() && d.expired.compareAndSet(false, true)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        });
        return d;
    }

    /** True when the limit killed the process (check after it has exited). */
    public boolean expired() {
        return expired.get();
    }
}
