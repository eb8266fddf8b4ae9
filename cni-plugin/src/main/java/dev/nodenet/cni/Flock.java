package dev.nodenet.cni;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * An exclusive {@code flock(2)} on a file, the lock the reference host-local IPAM takes on {@code <dataDir>/lock}, so
 * this plugin and the reference (and concurrent invocations of either) serialise on the same directory. Java's
 * {@code FileChannel.lock} would take a POSIX record lock instead, which Linux keeps independent of flock locks, and
 * which is per process (threads of one JVM would not exclude each other). Each instance holds its own open file
 * description, so two instances in one JVM exclude each other as two processes would.
 *
 * <p>Threading: acquire and close on any thread; one owner.
 */
final class Flock implements AutoCloseable {
    private static final int O_RDWR = 2, O_CREAT = 0100, O_CLOEXEC = 02000000, LOCK_EX = 2, EINTR = 4;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("open"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle FLOCK = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("flock"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("close"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private int fd;

    private Flock(int fd) {
        this.fd = fd;
    }

    /** Opens (creating, mode 0600) {@code file} and blocks until the exclusive lock is held. */
    static Flock acquire(Path file) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(file.toString()), O_RDWR | O_CREAT | O_CLOEXEC,
                    0600);
            if (fd < 0) throw new IOException("open " + file + ": errno " + (int) ERRNO.get(state, 0L));
            while (true) {
                int rc = (int) FLOCK.invokeExact(state, fd, LOCK_EX);
                if (rc == 0) return new Flock(fd);
                int errno = (int) ERRNO.get(state, 0L);
                if (errno == EINTR) continue;
                int ignored = (int) CLOSE.invokeExact(fd);
                throw new IOException("flock " + file + ": errno " + errno);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Releases the lock (closing the descriptor); idempotent. */
    @Override
    public void close() {
        if (fd < 0) return;
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        fd = -1;
    }
}
