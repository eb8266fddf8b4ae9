package dev.nodenet.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * An AF_NETLINK socket of one protocol, bound in the network namespace it was created in (a socket keeps its
 * namespace for life, whatever thread later uses it — {@link #open(int, NetNs)} creates one inside another namespace).
 *
 * <p>Two exchanges: {@link #request} sends with {@code NLM_F_ACK} and returns the replies that precede the ACK (throwing
 * {@link NetlinkException} with the kernel's errno and extended-ACK text on failure); {@link #dump} sends with
 * {@code NLM_F_DUMP}, collects the multipart answer until {@code NLMSG_DONE}, and restarts the whole dump when the
 * kernel flags it {@code NLM_F_DUMP_INTR} (the table changed mid-dump), up to {@value #DUMP_ATTEMPTS} attempts.
 * Replies are matched by sequence number; stale replies (e.g. after a timeout) are skipped.
 *
 * <p>Threading: any platform or virtual thread may call; calls are serialised by the socket's monitor (one exchange at a
 * time — a netlink socket carries one conversation). The monitor is held only for this socket's own kernel round trip.
 * The receive is a blocking native call: on a virtual thread it pins the carrier until the kernel answers (normally
 * microseconds; at most the receive timeout, {@value #DEFAULT_RECEIVE_TIMEOUT_MS} ms by default).
 */
public final class NetlinkSocket implements AutoCloseable {
    static final int DUMP_ATTEMPTS = 5;
    public static final long DEFAULT_RECEIVE_TIMEOUT_MS = 10_000;
    private static final int RECEIVE_BUFFER_BYTES = 256 * 1024;
    private static final int SOCKET_RCVBUF_BYTES = 4 * 1024 * 1024;

    private final int protocol;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment receiveBuffer;
    private final MemorySegment capture;
    private final MemorySegment kernelAddress;
    private final int portId;
    private int fd;
    private int seq;

    private NetlinkSocket(int protocol) {
        this.protocol = protocol;
        String what = "socket AF_NETLINK protocol " + protocol;
        this.fd = Libc.socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol, what);
        try {
            // Large dumps (conntrack, routes) arrive faster than we parse; FORCE needs CAP_NET_ADMIN, so fall back.
            if (!Libc.trySetsockoptInt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, SOCKET_RCVBUF_BYTES)) {
                Libc.trySetsockoptInt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, SOCKET_RCVBUF_BYTES);
            }
            Libc.trySetsockoptInt(fd, Libc.SOL_NETLINK, Libc.NETLINK_EXT_ACK, 1);
            Libc.trySetsockoptInt(fd, Libc.SOL_NETLINK, Libc.NETLINK_CAP_ACK, 1);
            Libc.setReceiveTimeout(fd, DEFAULT_RECEIVE_TIMEOUT_MS, what + " SO_RCVTIMEO");
            Libc.bindNetlink(fd, 0, what + " bind");
            this.portId = Libc.netlinkPortId(fd, what + " getsockname");
            this.receiveBuffer = arena.allocate(RECEIVE_BUFFER_BYTES, 8);
            this.capture = Libc.captureSegment(arena);
            this.kernelAddress = Libc.sockaddrNl(arena, 0);
            this.seq = (int) (System.nanoTime() & 0x3fffffff);
        } catch (RuntimeException e) {
            Libc.close(fd);
            arena.close();
            throw e;
        }
    }

    /** Opens a socket in the calling thread's network namespace. */
    public static NetlinkSocket open(int protocol) {
        return new NetlinkSocket(protocol);
    }

    /** Opens a socket inside {@code ns} (created on a short-lived platform thread that setns()es; see {@link NetNs}). */
    public static NetlinkSocket open(int protocol, NetNs ns) {
        return ns == null ? open(protocol) : ns.call(() -> new NetlinkSocket(protocol));
    }

    public int protocol() {
        return protocol;
    }

    /** The kernel-assigned netlink port id (nl_pid) of this socket. */
    public int portId() {
        return portId;
    }

    /** The socket's kernel receive buffer size (getsockopt SO_RCVBUF; the kernel reports double the set value). */
    public synchronized int receiveBufferBytes() {
        return Libc.getsockoptInt(checkOpen(), Libc.SOL_SOCKET, Libc.SO_RCVBUF, "getsockopt SO_RCVBUF");
    }

    /** Changes the receive timeout (SO_RCVTIMEO); 0 waits forever. */
    public synchronized void setReceiveTimeoutMs(long timeoutMs) {
        Libc.setReceiveTimeout(checkOpen(), timeoutMs, "SO_RCVTIMEO");
    }

    private int checkOpen() {
        if (fd < 0) throw new IllegalStateException("netlink socket closed");
        return fd;
    }

    /**
     * Sends {@code message} (adding {@code NLM_F_REQUEST | NLM_F_ACK} to the builder's flags) and waits for the ACK. Returns the messages that
     * arrived before the ACK (e.g. the answer to a non-dump GET); empty for plain changes.
     *
     * @param what describes the operation for error messages, e.g. {@code "RTM_NEWLINK veth0"}
     */
    public synchronized List<NetlinkMessage> request(NetlinkMessageBuilder message, String what) {
        int s = send(message, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK, what);
        List<NetlinkMessage> replies = new ArrayList<>();
        while (true) {
            for (NetlinkMessage m : receive(what)) {
                if (m.seq() != s || m.portId() != portId && m.portId() != 0) continue;
                if (m.isError()) {
                    checkError(m, what);
                    return replies;
                }
                replies.add(m);
            }
        }
    }

    /**
     * Sends {@code message} with {@code NLM_F_REQUEST | NLM_F_DUMP} and returns all parts of the answer (without the
     * NLMSG_DONE). Retries the whole dump when the kernel marks it interrupted; throws EINTR-named
     * {@link NetlinkException} if it stays inconsistent after {@value #DUMP_ATTEMPTS} attempts.
     */
    public synchronized List<NetlinkMessage> dump(NetlinkMessageBuilder message, String what) {
        for (int attempt = 1; ; attempt++) {
            int s = send(message, Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP, what);
            List<NetlinkMessage> parts = collectDump(() -> receive(what), s, portId, what);
            if (parts != null) return parts;
            if (attempt >= DUMP_ATTEMPTS) {
                throw new NetlinkException(what + " (dump interrupted " + attempt + " times)", Errno.EINTR);
            }
        }
    }

    /** Source of received datagrams, already split into messages. */
    interface Receiver {
        List<NetlinkMessage> next();
    }

    /**
     * Reads one dump's answer to the end (NLMSG_DONE, or an ACK/error) and returns its parts, or null if any part
     * carried NLM_F_DUMP_INTR (the caller restarts the dump). Messages of other sequence numbers/ports are skipped.
     */
    static List<NetlinkMessage> collectDump(Receiver receiver, int seq, int portId, String what) {
        List<NetlinkMessage> parts = new ArrayList<>();
        boolean interrupted = false;
        while (true) {
            for (NetlinkMessage m : receiver.next()) {
                if (m.seq() != seq || m.portId() != portId && m.portId() != 0) continue;
                if ((m.flags() & Netlink.NLM_F_DUMP_INTR) != 0) interrupted = true;
                if (m.isError()) {
                    checkError(m, what); // an ACK in place of DONE (some subsystems)
                    return interrupted ? null : parts;
                }
                if (m.isDone()) {
                    // Since Linux 4.x NLMSG_DONE carries an int error (negative errno) for failed dumps.
                    if (m.payload().remaining() >= 4 && m.payload().getInt(0) < 0) {
                        throw new NetlinkException(what, -m.payload().getInt(0), extAckMessage(m, 4));
                    }
                    return interrupted ? null : parts;
                }
                parts.add(m);
            }
        }
    }

    private int send(NetlinkMessageBuilder message, int extraFlags, String what) {
        checkOpen();
        int s = ++seq;
        message.addFlags(extraFlags);
        byte[] bytes = message.toBytes(s, portId);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment seg = a.allocate(bytes.length, 8);
            MemorySegment.copy(bytes, 0, seg, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
            long n = Libc.sendToKernel(fd, seg, bytes.length, capture, kernelAddress, what + " sendto");
            if (n != bytes.length) throw new NetlinkException(what, "short send " + n + " of " + bytes.length, null);
        }
        return s;
    }

    private List<NetlinkMessage> receive(String what) {
        long n = Libc.receive(fd, receiveBuffer, capture, what + " recvfrom");
        if (n < 0) throw new NetlinkException(what + " (no reply within receive timeout)", (int) -n);
        if (n > receiveBuffer.byteSize()) {
            throw new NetlinkException(what, "reply of " + n + " bytes exceeds receive buffer", null);
        }
        ByteBuffer datagram = ByteBuffer.wrap(Libc.toBytes(receiveBuffer, n)).order(ByteOrder.nativeOrder());
        return NetlinkMessage.parseAll(datagram);
    }

    /** Throws for an NLMSG_ERROR with a non-zero error; returns normally for an ACK. */
    static void checkError(NetlinkMessage m, String what) {
        ByteBuffer p = m.payload();
        if (p.remaining() < 4) throw new NetlinkException(what, "truncated NLMSG_ERROR", null);
        int error = p.getInt(0);
        if (error == 0) return;
        // struct nlmsgerr { int error; struct nlmsghdr msg; } followed by the request payload unless CAPPED, then TLVs.
        int offset = 4 + Netlink.NLMSG_HDRLEN;
        if ((m.flags() & Netlink.NLM_F_CAPPED) == 0 && p.remaining() >= 4 + Netlink.NLMSG_HDRLEN) {
            offset = 4 + Netlink.align(p.getInt(4));
        }
        String text = (m.flags() & Netlink.NLM_F_ACK_TLVS) != 0 ? extAckMessage(m, offset) : null;
        throw new NetlinkException(what, -error, text);
    }

    private static String extAckMessage(NetlinkMessage m, int attributesOffset) {
        ByteBuffer p = m.payload();
        if (attributesOffset >= p.limit()) return null;
        return NetlinkAttributes.parse(p, attributesOffset, p.limit()).string(Netlink.NLMSGERR_ATTR_MSG);
    }

    /** Closes the socket; idempotent. Must not race with an exchange in progress on another thread. */
    @Override
    public synchronized void close() {
        if (fd >= 0) {
            int f = fd;
            fd = -1;
            try {
                Libc.close(f);
            } finally {
                arena.close();
            }
        }
    }
}
