package dev.nodenet.netlink;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * libc downcalls through the FFM API. Every call captures errno ({@code Linker.Option.captureCallState("errno")}) into a
 * per-call segment, so errno is never clobbered by the JVM between the call and our read. Failures become
 * {@link NetlinkException} naming the operation. Stateless; any thread may call (setns affects only the calling OS
 * thread — see {@link NetNs}).
 */
@SuppressWarnings("restricted") // FFM downcalls are the point of this class; run with --enable-native-access
final class Libc {
    static final int AF_UNSPEC = 0, AF_INET = 2, AF_BRIDGE = 7, AF_INET6 = 10, AF_NETLINK = 16;
    static final int SOCK_RAW = 3, SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_RCVBUFFORCE = 33, SO_RCVTIMEO = 20;
    static final int SOL_NETLINK = 270, NETLINK_CAP_ACK = 10, NETLINK_EXT_ACK = 11, NETLINK_GET_STRICT_CHK = 12;
    static final int O_RDONLY = 0, O_CLOEXEC = 0x80000;
    static final int CLONE_NEWNET = 0x40000000;
    static final int MSG_TRUNC = 0x20;
    static final int EINTR = 4, EAGAIN = 11;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP = LINKER.defaultLookup();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    // One holder class per function: a handle is linked on first use only, so a short-lived process (the CNI
    // plugin) pays for the calls it makes, not for all of them at class initialisation.
    private static final class Socket { static final MethodHandle H = handle("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT)); }
    private static final class Bind { static final MethodHandle H = handle("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT)); }
    private static final class Sendto { static final MethodHandle H = handle("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT)); }
    private static final class Recvfrom { static final MethodHandle H = handle("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS)); }
    private static final class Close { static final MethodHandle H = handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT)); }
    private static final class Setsockopt { static final MethodHandle H = handle("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT)); }
    private static final class Getsockopt { static final MethodHandle H = handle("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS)); }
    private static final class Getsockname { static final MethodHandle H = handle("getsockname",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS)); }
    // open(const char *path, int flags, ...): variadic, mode passed as the first variadic argument.
    private static final class Open { static final MethodHandle H = LINKER.downcallHandle(LOOKUP.find("open").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), CAPTURE, Linker.Option.firstVariadicArg(2)); }
    private static final class Setns { static final MethodHandle H = handle("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT)); }
    private static final class Unshare { static final MethodHandle H = handle("unshare", FunctionDescriptor.of(JAVA_INT, JAVA_INT)); }
    private static final class IfNametoindex { static final MethodHandle H = handle("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS)); }

    private Libc() {}

    private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LOOKUP.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc lacks " + name));
        return LINKER.downcallHandle(symbol, descriptor, CAPTURE);
    }

    static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    static MemorySegment captureSegment(Arena arena) {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    static int socket(int domain, int type, int protocol, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = captureSegment(arena);
            int fd = (int) Socket.H.invokeExact(cs, domain, type, protocol);
            if (fd < 0) throw new NetlinkException(what, errno(cs));
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Binds an AF_NETLINK socket to kernel-assigned port id 0 and the given multicast groups. */
    static void bindNetlink(int fd, int groups, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = captureSegment(arena);
            MemorySegment sa = sockaddrNl(arena, groups);
            int rc = (int) Bind.H.invokeExact(cs, fd, sa, (int) sa.byteSize());
            if (rc < 0) throw new NetlinkException(what, errno(cs));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** struct sockaddr_nl { sa_family_t nl_family; u16 nl_pad; u32 nl_pid; u32 nl_groups; } — 12 bytes. */
    static MemorySegment sockaddrNl(Arena arena, int groups) {
        MemorySegment sa = arena.allocate(12, 4);
        sa.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 0, (short) AF_NETLINK);
        sa.set(JAVA_INT, 4, 0);
        sa.set(JAVA_INT, 8, groups);
        return sa;
    }

    /** Returns nl_pid of the bound socket (its netlink port id). */
    static int netlinkPortId(int fd, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = captureSegment(arena);
            MemorySegment sa = arena.allocate(12, 4);
            MemorySegment len = arena.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, 12);
            int rc = (int) Getsockname.H.invokeExact(cs, fd, sa, len);
            if (rc < 0) throw new NetlinkException(what, errno(cs));
            return sa.get(JAVA_INT, 4);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** sendto() to the kernel (nl_pid 0), retrying EINTR. Returns bytes sent. */
    static long sendToKernel(int fd, MemorySegment buf, long lengthBytes, MemorySegment captureSegment,
                             MemorySegment kernelAddress, String what) {
        try {
            while (true) {
                long n = (long) Sendto.H.invokeExact(captureSegment, fd, buf, lengthBytes, 0, kernelAddress,
                        (int) kernelAddress.byteSize());
                if (n >= 0) return n;
                int err = errno(captureSegment);
                if (err != EINTR) throw new NetlinkException(what, err);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * recvfrom() with MSG_TRUNC so the real datagram length is returned even if it did not fit, retrying EINTR.
     * Returns the datagram length, or -errno for EAGAIN (receive timeout); other errors throw.
     */
    static long receive(int fd, MemorySegment buf, MemorySegment captureSegment, String what) {
        try {
            while (true) {
                long n = (long) Recvfrom.H.invokeExact(captureSegment, fd, buf, buf.byteSize(), MSG_TRUNC,
                        MemorySegment.NULL, MemorySegment.NULL);
                if (n >= 0) return n;
                int err = errno(captureSegment);
                if (err == EAGAIN) return -err;
                if (err != EINTR) throw new NetlinkException(what, err);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void setsockoptInt(int fd, int level, int name, int value, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = captureSegment(arena);
            MemorySegment v = arena.allocate(JAVA_INT);
            v.set(JAVA_INT, 0, value);
            int rc = (int) Setsockopt.H.invokeExact(cs, fd, level, name, v, 4);
            if (rc < 0) throw new NetlinkException(what, errno(cs));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Like {@link #setsockoptInt} but reports failure as false (for optional features like extended ACKs). */
    static boolean trySetsockoptInt(int fd, int level, int name, int value) {
        try {
            setsockoptInt(fd, level, name, value, "setsockopt");
            return true;
        } catch (NetlinkException e) {
            return false;
        }
    }

    static void setReceiveTimeout(int fd, long timeoutMs, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = captureSegment(arena);
            MemorySegment tv = arena.allocate(16, 8); // struct timeval { long tv_sec; long tv_usec; }
            tv.set(JAVA_LONG, 0, timeoutMs / 1000);
            tv.set(JAVA_LONG, 8, (timeoutMs % 1000) * 1000);
            int rc = (int) Setsockopt.H.invokeExact(cs, fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16);
            if (rc < 0) throw new NetlinkException(what, errno(cs));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int getsockoptInt(int fd, int level, int name, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = captureSegment(arena);
            MemorySegment v = arena.allocate(JAVA_INT);
            MemorySegment len = arena.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, 4);
            int rc = (int) Getsockopt.H.invokeExact(cs, fd, level, name, v, len);
            if (rc < 0) throw new NetlinkException(what, errno(cs));
            return v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = captureSegment(arena);
            // Never retry close() on EINTR: on Linux the fd is released either way.
            int rc = (int) Close.H.invokeExact(cs, fd);
            if (rc < 0 && errno(cs) != EINTR) throw new NetlinkException("close fd " + fd, errno(cs));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int open(String path, int flags, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = captureSegment(arena);
            MemorySegment p = arena.allocateFrom(path);
            int fd = (int) Open.H.invokeExact(cs, p, flags, 0);
            if (fd < 0) throw new NetlinkException(what, errno(cs));
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** setns(2) on the calling OS thread only. */
    static void setns(int fd, int nsType, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = captureSegment(arena);
            int rc = (int) Setns.H.invokeExact(cs, fd, nsType);
            if (rc < 0) throw new NetlinkException(what, errno(cs));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** unshare(2) on the calling OS thread only. */
    static void unshare(int flags, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = captureSegment(arena);
            int rc = (int) Unshare.H.invokeExact(cs, flags);
            if (rc < 0) throw new NetlinkException(what, errno(cs));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Interface index of {@code name} in the calling thread's network namespace; throws (ENODEV) if absent. */
    static int ifNameToIndex(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = captureSegment(arena);
            int index = (int) IfNametoindex.H.invokeExact(cs, arena.allocateFrom(name));
            if (index == 0) throw new NetlinkException("if_nametoindex " + name, errno(cs));
            return index;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static byte[] toBytes(MemorySegment segment, long lengthBytes) {
        return segment.asSlice(0, lengthBytes).toArray(JAVA_BYTE);
    }
}
