package dev.nodenet.controlplane.protobuf;

import java.nio.charset.StandardCharsets;

/**
 * Minimal bounds-checked reader of the protobuf wire format over a slice of a byte array.
 * Every read checks the slice limit, so a malformed or truncated input ends in a
 * {@link ProtobufException}, never an out-of-bounds access, endless loop or large allocation
 * (nothing is allocated beyond the size of the input). Not thread-safe; use one per thread.
 */
final class WireReader {
    static final int VARINT = 0, FIXED64 = 1, LEN = 2, START_GROUP = 3, END_GROUP = 4, FIXED32 = 5;

    private final byte[] buf;
    private int pos;
    private final int limit;

    WireReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    WireReader(byte[] buf, int offset, int length) {
        if (offset < 0 || length < 0 || offset > buf.length - length) throw new IllegalArgumentException("bad slice");
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
    }

    boolean hasMore() {
        return pos < limit;
    }

    int position() {
        return pos;
    }

    /** Reads a tag; returns {@code fieldNumber << 3 | wireType}. */
    int readTag() throws ProtobufException {
        long tag = readVarint();
        if (tag >>> 32 != 0) throw new ProtobufException("protobuf: tag out of range at offset " + pos);
        int field = (int) (tag >>> 3);
        int wire = (int) (tag & 7);
        if (field == 0) throw new ProtobufException("protobuf: field number 0 at offset " + pos);
        if (wire > FIXED32) throw new ProtobufException("protobuf: invalid wire type " + wire + " at offset " + pos);
        return (int) tag;
    }

    long readVarint() throws ProtobufException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) throw new ProtobufException("protobuf: truncated varint");
            byte b = buf[pos++];
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) return result;
        }
        throw new ProtobufException("protobuf: varint longer than 10 bytes");
    }

    long readFixed64() throws ProtobufException {
        require(8);
        long v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | (buf[pos + i] & 0xffL);
        pos += 8;
        return v;
    }

    int readFixed32() throws ProtobufException {
        require(4);
        int v = 0;
        for (int i = 3; i >= 0; i--) v = (v << 8) | (buf[pos + i] & 0xff);
        pos += 4;
        return v;
    }

    /** Reads a length-delimited field and returns a reader over exactly its bytes. */
    WireReader readMessage() throws ProtobufException {
        int len = readLength();
        WireReader sub = new WireReader(buf, pos, len);
        pos += len;
        return sub;
    }

    byte[] readBytes() throws ProtobufException {
        int len = readLength();
        byte[] out = new byte[len];
        System.arraycopy(buf, pos, out, 0, len);
        pos += len;
        return out;
    }

    String readString() throws ProtobufException {
        int len = readLength();
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    /** Skips the value of a field with the given wire type. Groups (deprecated, unused by Kubernetes) are rejected. */
    void skip(int wireType) throws ProtobufException {
        switch (wireType) {
            case VARINT -> readVarint();
            case FIXED64 -> { require(8); pos += 8; }
            case LEN -> { int len = readLength(); pos += len; }
            case FIXED32 -> { require(4); pos += 4; }
            default -> throw new ProtobufException("protobuf: unsupported wire type " + wireType);
        }
    }

    private int readLength() throws ProtobufException {
        long len = readVarint();
        if (len < 0 || len > limit - pos) {
            throw new ProtobufException("protobuf: length " + len + " exceeds the remaining " + (limit - pos) + " bytes");
        }
        return (int) len;
    }

    private void require(int n) throws ProtobufException {
        if (limit - pos < n) throw new ProtobufException("protobuf: truncated fixed-width value");
    }
}
