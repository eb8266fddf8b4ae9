package dev.nodenet.netlink;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Builds one netlink message: the 16-byte {@code nlmsghdr}, a family header written with the raw {@code u8..u64}
 * methods (ifinfomsg, rtmsg, genlmsghdr, nfgenmsg …), then attributes ({@code struct nlattr}: u16 length, u16 type,
 * value, padded to 4 bytes). Nested attributes are opened with {@link #beginNested(int)} (sets {@code NLA_F_NESTED}) and
 * closed with {@link #endNested()}, which patches the container length.
 *
 * <p>Multi-byte values are host order (little-endian here) unless the method says {@code be}. Length, sequence number
 * and port id are filled in by {@link #toBytes(int, int)}, which {@link NetlinkSocket} calls when sending.
 *
 * <p>Not thread-safe: build on one thread, then hand the finished builder to the socket.
 */
public final class NetlinkMessageBuilder {
    private ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
    private final Deque<Integer> open = new ArrayDeque<>();
    private int flags;
    private final int type;

    /** Starts a message of the given {@code nlmsg_type} and {@code nlmsg_flags} (REQUEST/ACK/DUMP are added by the socket). */
    public NetlinkMessageBuilder(int type, int flags) {
        this.type = type;
        this.flags = flags;
        buf.position(Netlink.NLMSG_HDRLEN);
    }

    public int type() {
        return type;
    }

    public int flags() {
        return flags;
    }

    /** ORs extra {@code nlmsg_flags}. */
    public NetlinkMessageBuilder addFlags(int extraFlags) {
        this.flags |= extraFlags;
        return this;
    }

    private void ensure(int more) {
        if (buf.remaining() < more) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more + 64))
                    .order(ByteOrder.nativeOrder());
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
    }

    // ---- raw family-header fields -------------------------------------------------------------------------------

    public NetlinkMessageBuilder u8(int value) {
        ensure(1);
        buf.put((byte) value);
        return this;
    }

    public NetlinkMessageBuilder u16(int value) {
        ensure(2);
        buf.putShort((short) value);
        return this;
    }

    public NetlinkMessageBuilder be16(int value) {
        ensure(2);
        buf.put((byte) (value >>> 8)).put((byte) value);
        return this;
    }

    public NetlinkMessageBuilder u32(int value) {
        ensure(4);
        buf.putInt(value);
        return this;
    }

    public NetlinkMessageBuilder u64(long value) {
        ensure(8);
        buf.putLong(value);
        return this;
    }

    public NetlinkMessageBuilder bytes(byte[] value) {
        ensure(value.length);
        buf.put(value);
        return this;
    }

    /** Zero bytes up to the next 4-byte boundary. */
    public NetlinkMessageBuilder pad() {
        int padding = Netlink.align(buf.position()) - buf.position();
        ensure(padding);
        for (int i = 0; i < padding; i++) buf.put((byte) 0);
        return this;
    }

    // ---- attributes ---------------------------------------------------------------------------------------------

    private NetlinkMessageBuilder attrHeader(int attrType, int valueLength) {
        pad();
        ensure(Netlink.NLA_HDRLEN + valueLength + 3);
        buf.putShort((short) (Netlink.NLA_HDRLEN + valueLength));
        buf.putShort((short) attrType);
        return this;
    }

    public NetlinkMessageBuilder attrU8(int attrType, int value) {
        attrHeader(attrType, 1);
        buf.put((byte) value);
        return pad();
    }

    public NetlinkMessageBuilder attrU16(int attrType, int value) {
        attrHeader(attrType, 2);
        buf.putShort((short) value);
        return pad();
    }

    /** u16 in network byte order (ports). */
    public NetlinkMessageBuilder attrBe16(int attrType, int value) {
        attrHeader(attrType, 2);
        buf.put((byte) (value >>> 8)).put((byte) value);
        return pad();
    }

    public NetlinkMessageBuilder attrU32(int attrType, int value) {
        attrHeader(attrType, 4);
        buf.putInt(value);
        return this;
    }

    /** u32 in network byte order. */
    public NetlinkMessageBuilder attrBe32(int attrType, int value) {
        attrHeader(attrType, 4);
        buf.put((byte) (value >>> 24)).put((byte) (value >>> 16)).put((byte) (value >>> 8)).put((byte) value);
        return this;
    }

    public NetlinkMessageBuilder attrU64(int attrType, long value) {
        attrHeader(attrType, 8);
        buf.putLong(value);
        return this;
    }

    /** NUL-terminated string (NLA_STRING / NLA_NUL_STRING both accept this). */
    public NetlinkMessageBuilder attrString(int attrType, String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        attrHeader(attrType, b.length + 1);
        buf.put(b).put((byte) 0);
        return pad();
    }

    public NetlinkMessageBuilder attrBytes(int attrType, byte[] value) {
        attrHeader(attrType, value.length);
        buf.put(value);
        return pad();
    }

    /** An IP address as its 4 or 16 raw bytes. */
    public NetlinkMessageBuilder attrAddress(int attrType, InetAddress address) {
        return attrBytes(attrType, address.getAddress());
    }

    /** Zero-length flag attribute (NLA_FLAG). */
    public NetlinkMessageBuilder attrFlag(int attrType) {
        attrHeader(attrType, 0);
        return this;
    }

    /** Opens a nested attribute with {@code NLA_F_NESTED} set; close with {@link #endNested()}. */
    public NetlinkMessageBuilder beginNested(int attrType) {
        return beginContainer(attrType | Netlink.NLA_F_NESTED);
    }

    /**
     * Opens a container attribute without {@code NLA_F_NESTED}, for the few legacy attributes whose policy is not
     * NLA_NESTED (e.g. {@code VETH_INFO_PEER}, which holds an ifinfomsg followed by attributes).
     */
    public NetlinkMessageBuilder beginContainer(int attrType) {
        attrHeader(attrType, 0);
        open.push(buf.position() - Netlink.NLA_HDRLEN);
        return this;
    }

    public NetlinkMessageBuilder endNested() {
        if (open.isEmpty()) throw new IllegalStateException("endNested without beginNested");
        pad();
        int start = open.pop();
        buf.putShort(start, (short) (buf.position() - start));
        return this;
    }

    /** Bytes written so far including the 16-byte header. */
    public int lengthBytes() {
        return Netlink.align(buf.position());
    }

    /** Finished message bytes with {@code nlmsg_len}, {@code nlmsg_seq} and {@code nlmsg_pid} filled in. */
    public byte[] toBytes(int seq, int portId) {
        if (!open.isEmpty()) throw new IllegalStateException(open.size() + " nested attribute(s) not closed");
        pad();
        int length = buf.position();
        ByteBuffer out = ByteBuffer.wrap(Arrays.copyOf(buf.array(), length)).order(ByteOrder.nativeOrder());
        out.putInt(0, length).putShort(4, (short) type).putShort(6, (short) flags).putInt(8, seq).putInt(12, portId);
        return out.array();
    }
}
