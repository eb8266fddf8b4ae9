package dev.nodenet.netlink;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Parsed attributes ({@code struct nlattr}) of one message or one nested attribute, in wire order. Attribute types are
 * compared with {@code NLA_F_NESTED}/{@code NLA_F_NET_BYTEORDER} masked off. Getters return the first attribute of a
 * type; missing attributes yield the given default or null. Immutable; safe to share between threads.
 */
public final class NetlinkAttributes {
    /** One attribute: masked type, the raw type (with flags), and a read-only host-order view of its value. */
    public record Attribute(int type, int rawType, ByteBuffer value) {
        public int length() {
            return value.remaining();
        }
    }

    private static final NetlinkAttributes EMPTY = new NetlinkAttributes(List.of());
    private final List<Attribute> all;

    private NetlinkAttributes(List<Attribute> all) {
        this.all = all;
    }

    /** Parses attributes in {@code [from, to)} of {@code buf}; a truncated trailing attribute ends the parse. */
    public static NetlinkAttributes parse(ByteBuffer buf, int from, int to) {
        List<Attribute> list = new ArrayList<>();
        ByteBuffer b = buf.duplicate().order(ByteOrder.nativeOrder());
        int pos = from;
        while (to - pos >= Netlink.NLA_HDRLEN) {
            int len = Short.toUnsignedInt(b.getShort(pos));
            int rawType = Short.toUnsignedInt(b.getShort(pos + 2));
            if (len < Netlink.NLA_HDRLEN || len > to - pos) break;
            ByteBuffer value = b.slice(pos + Netlink.NLA_HDRLEN, len - Netlink.NLA_HDRLEN)
                    .asReadOnlyBuffer().order(ByteOrder.nativeOrder());
            list.add(new Attribute(rawType & Netlink.NLA_TYPE_MASK, rawType, value));
            pos += Netlink.align(len);
        }
        return new NetlinkAttributes(Collections.unmodifiableList(list));
    }

    public static NetlinkAttributes empty() {
        return EMPTY;
    }

    public List<Attribute> all() {
        return all;
    }

    public Attribute get(int type) {
        for (Attribute a : all) if (a.type == type) return a;
        return null;
    }

    public boolean has(int type) {
        return get(type) != null;
    }

    public int u8(int type, int defaultValue) {
        Attribute a = get(type);
        return a == null || a.length() < 1 ? defaultValue : Byte.toUnsignedInt(a.value.get(0));
    }

    public int u16(int type, int defaultValue) {
        Attribute a = get(type);
        return a == null || a.length() < 2 ? defaultValue : Short.toUnsignedInt(a.value.getShort(0));
    }

    public int be16(int type, int defaultValue) {
        Attribute a = get(type);
        return a == null || a.length() < 2 ? defaultValue
                : (Byte.toUnsignedInt(a.value.get(0)) << 8) | Byte.toUnsignedInt(a.value.get(1));
    }

    public int u32(int type, int defaultValue) {
        Attribute a = get(type);
        return a == null || a.length() < 4 ? defaultValue : a.value.getInt(0);
    }

    public int be32(int type, int defaultValue) {
        Attribute a = get(type);
        return a == null || a.length() < 4 ? defaultValue : a.value.duplicate().order(ByteOrder.BIG_ENDIAN).getInt(0);
    }

    public long u64(int type, long defaultValue) {
        Attribute a = get(type);
        return a == null || a.length() < 8 ? defaultValue : a.value.getLong(0);
    }

    /** be64 (conntrack counters and ids use network order). */
    public long be64(int type, long defaultValue) {
        Attribute a = get(type);
        return a == null || a.length() < 8 ? defaultValue : a.value.duplicate().order(ByteOrder.BIG_ENDIAN).getLong(0);
    }

    /** String value up to the first NUL. */
    public String string(int type) {
        Attribute a = get(type);
        if (a == null) return null;
        byte[] b = bytesOf(a);
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    public byte[] bytes(int type) {
        Attribute a = get(type);
        return a == null ? null : bytesOf(a);
    }

    /** A 4- or 16-byte address attribute, or null. */
    public InetAddress address(int type) {
        byte[] b = bytes(type);
        if (b == null || (b.length != 4 && b.length != 16)) return null;
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Attributes nested in the given attribute (empty if absent). */
    public NetlinkAttributes nested(int type) {
        Attribute a = get(type);
        return a == null ? EMPTY : nestedOf(a);
    }

    public static NetlinkAttributes nestedOf(Attribute a) {
        return parse(a.value, 0, a.value.limit());
    }

    public static byte[] bytesOf(Attribute a) {
        byte[] b = new byte[a.length()];
        a.value.duplicate().get(0, b);
        return b;
    }
}
