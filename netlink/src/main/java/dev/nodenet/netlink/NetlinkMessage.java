package dev.nodenet.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One received netlink message. {@code payload} is a read-only, host-order view of everything after the 16-byte
 * header (family header + attributes); its position is 0. Immutable; safe to hand between threads.
 */
public record NetlinkMessage(int type, int flags, int seq, int portId, ByteBuffer payload) {

    /** Parses every message in a received datagram; stops at a truncated tail. */
    public static List<NetlinkMessage> parseAll(ByteBuffer datagram) {
        ByteBuffer b = datagram.duplicate().order(ByteOrder.nativeOrder());
        List<NetlinkMessage> out = new ArrayList<>();
        int pos = b.position();
        int end = b.limit();
        while (end - pos >= Netlink.NLMSG_HDRLEN) {
            int len = b.getInt(pos);
            if (len < Netlink.NLMSG_HDRLEN || len > end - pos) break;
            int type = Short.toUnsignedInt(b.getShort(pos + 4));
            int flags = Short.toUnsignedInt(b.getShort(pos + 6));
            int seq = b.getInt(pos + 8);
            int pid = b.getInt(pos + 12);
            ByteBuffer payload = b.slice(pos + Netlink.NLMSG_HDRLEN, len - Netlink.NLMSG_HDRLEN)
                    .order(ByteOrder.nativeOrder()).asReadOnlyBuffer().order(ByteOrder.nativeOrder());
            out.add(new NetlinkMessage(type, flags, seq, pid, payload));
            pos += Netlink.align(len);
        }
        return out;
    }

    /** Attributes that follow a family header of {@code headerBytes} (e.g. 16 for ifinfomsg, 4 for genlmsghdr). */
    public NetlinkAttributes attributes(int headerBytes) {
        return NetlinkAttributes.parse(payload, Netlink.align(headerBytes), payload.limit());
    }

    public int u8(int offset) {
        return Byte.toUnsignedInt(payload.get(offset));
    }

    public int u16(int offset) {
        return Short.toUnsignedInt(payload.getShort(offset));
    }

    public int u32(int offset) {
        return payload.getInt(offset);
    }

    public boolean isError() {
        return type == Netlink.NLMSG_ERROR;
    }

    public boolean isDone() {
        return type == Netlink.NLMSG_DONE;
    }
}
