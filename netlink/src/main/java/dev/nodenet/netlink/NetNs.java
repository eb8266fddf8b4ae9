package dev.nodenet.netlink;

import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * An open handle (file descriptor) on a network namespace: {@code /var/run/netns/NAME}, {@code /proc/PID/ns/net}, or
 * any nsfs path a container runtime hands the CNI plugin. The fd keeps the namespace alive while open and can be given
 * to the kernel directly (e.g. {@link RtNetlink#moveLink(int, NetNs)} via {@code IFLA_NET_NS_FD}).
 *
 * <h2>Running code inside the namespace</h2>
 * {@code setns(2)} changes only the calling OS thread. Java may run many virtual threads on one carrier and pools its
 * platform threads, so {@link #call} never switches the caller: it starts a fresh, dedicated <em>platform</em> thread,
 * which opens its own namespace ({@code /proc/thread-self/ns/net}), {@code setns()}es into this one, runs the task,
 * switches back, and ends. If switching back ever failed, the thread still ends, so no thread leaks into the pool with
 * a foreign namespace. Anything created on that thread keeps the namespace it was created in: netlink sockets
 * ({@link NetlinkSocket#open(int, NetNs)} — the preferred pattern: create once, reuse from any thread), Java
 * {@code DatagramSocket}s, and files opened under {@code /proc/sys/net} (which resolve against the opening thread's
 * namespace — {@link Sysctl} relies on this). The thread costs roughly a thread start per call; keep it off hot paths.
 *
 * <p>Threading: the handle is immutable apart from {@link #close()}; any thread may call {@link #call}.
 * Closing while another thread uses the fd is the caller's bug.
 */
public final class NetNs implements AutoCloseable {
    /** Where {@code ip netns add NAME} bind-mounts named namespaces. */
    public static final Path NAMED_NETNS_DIR = Path.of("/var/run/netns");

    private final Path path;
    private volatile int fd;

    private NetNs(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** Opens the namespace file at {@code path} (O_RDONLY|O_CLOEXEC). ENOENT if it does not exist. */
    public static NetNs open(Path path) {
        int fd = Libc.open(path.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC, "open netns " + path);
        return new NetNs(path, fd);
    }

    /** Opens the namespace named like {@code ip netns add NAME}. */
    public static NetNs named(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("bad netns name '" + name + "'");
        }
        return open(NAMED_NETNS_DIR.resolve(name));
    }

    /** Opens the namespace of process {@code pid}. */
    public static NetNs ofPid(long pid) {
        return open(Path.of("/proc/" + pid + "/ns/net"));
    }

    /** Opens the calling thread's current namespace. */
    public static NetNs current() {
        return open(Path.of("/proc/thread-self/ns/net"));
    }

    /**
     * Creates a new, unnamed network namespace (only {@code lo}, down) that lives as long as this handle (or anything
     * else holding it, e.g. a process moved into it). A short-lived platform thread calls {@code unshare(CLONE_NEWNET)},
     * opens its new namespace and ends; no other thread is affected. {@link #path()} is {@code /proc/self/fd/N}.
     */
    public static NetNs createAnonymous() {
        FutureTask<Integer> task = new FutureTask<>(() -> {
            Libc.unshare(Libc.CLONE_NEWNET, "unshare(CLONE_NEWNET)");
            // This thread now sits in the new namespace and ends right after: it never runs other work.
            return Libc.open("/proc/thread-self/ns/net", Libc.O_RDONLY | Libc.O_CLOEXEC, "open new netns");
        });
        Thread.ofPlatform().name("netns-unshare").daemon(true).start(task);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    int fd = task.get();
                    return new NetNs(Path.of("/proc/self/fd/" + fd), fd);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) throw r;
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** The raw fd; valid until {@link #close()}. */
    public int fd() {
        int f = fd;
        if (f < 0) throw new IllegalStateException("netns " + path + " closed");
        return f;
    }

    public Path path() {
        return path;
    }

    /** A task run inside the namespace; may throw a checked exception of type {@code X}. */
    @FunctionalInterface
    public interface Task<T, X extends Exception> {
        T run() throws X;
    }

    /**
     * Runs {@code task} on a new dedicated platform thread switched into this namespace and returns its result. The
     * calling thread waits (uninterruptibly; its interrupt status is preserved) and is never itself switched.
     * Exceptions of the task propagate unchanged; failing to enter the namespace throws {@link NetlinkException}.
     */
    @SuppressWarnings("unchecked")
    public <T, X extends Exception> T call(Task<T, X> task) throws X {
        int target = fd();
        FutureTask<T> future = new FutureTask<>(() -> {
            int original = Libc.open("/proc/thread-self/ns/net", Libc.O_RDONLY | Libc.O_CLOEXEC,
                    "open own netns");
            try {
                Libc.setns(target, Libc.CLONE_NEWNET, "setns " + path);
                try {
                    return task.run();
                } finally {
                    try {
                        Libc.setns(original, Libc.CLONE_NEWNET, "setns back from " + path);
                    } catch (NetlinkException ignored) {
                        // Harmless: this thread ends right after and never runs other work.
                    }
                }
            } finally {
                Libc.close(original);
            }
        });
        Thread thread = Thread.ofPlatform().name("netns-" + path.getFileName()).daemon(true).unstarted(future);
        thread.start();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException r) throw r;
                    if (cause instanceof Error err) throw err;
                    throw (X) cause;
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /**
     * Switches the calling thread into this namespace for the rest of its life, for platform threads dedicated to the
     * namespace (e.g. an event loop's threads, so that every socket they create lives in it). Never call it on a
     * virtual thread or a pooled thread that later runs unrelated work: use {@link #call} there.
     *
     * @throws IllegalStateException on a virtual thread
     */
    public void enterDedicatedThread() {
        if (Thread.currentThread().isVirtual()) throw new IllegalStateException("setns on a virtual thread would move its carrier");
        Libc.setns(fd(), Libc.CLONE_NEWNET, "setns " + path);
    }

    /** {@link #call} for tasks without a result. */
    public <X extends Exception> void run(Task<Void, X> task) throws X {
        call(task);
    }

    /** Closes the fd; idempotent. */
    @Override
    public synchronized void close() {
        int f = fd;
        if (f >= 0) {
            fd = -1;
            Libc.close(f);
        }
    }

    @Override
    public String toString() {
        return "NetNs[" + path + "]";
    }
}
