package dev.nodenet.controlplane.protobuf;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WireReaderTest {
    private static WireReader reader(Pb pb) {
        return new WireReader(pb.build());
    }

    @Test
    void readsEveryWireType() throws Exception {
        WireReader r = reader(Pb.of().varint(1, 300).tag(2, 1).raw(1, 0, 0, 0, 0, 0, 0, 0x80).str(3, "hé").tag(4, 5).raw(0xff, 0xff, 0xff, 0x7f));
        assertEquals(1 << 3, r.readTag());
        assertEquals(300, r.readVarint());
        assertEquals(2 << 3 | 1, r.readTag());
        assertEquals(0x8000000000000001L, r.readFixed64());
        assertEquals(3 << 3 | 2, r.readTag());
        assertEquals("hé", r.readString());
        assertEquals(4 << 3 | 5, r.readTag());
        assertEquals(Integer.MAX_VALUE, r.readFixed32());
        assertFalse(r.hasMore());
    }

    @Test
    void negativeInt64TakesTenBytes() throws Exception {
        WireReader r = reader(Pb.of().rawVarint(-1L));
        assertEquals(-1L, r.readVarint());
        assertFalse(r.hasMore());
    }

    @Test
    void truncatedVarint() {
        WireReader r = new WireReader(new byte[]{(byte) 0x80, (byte) 0x80});
        ProtobufException e = assertThrows(ProtobufException.class, r::readVarint);
        assertTrue(e.getMessage().contains("truncated varint"), e.getMessage());
    }

    @Test
    void overlongVarint() {
        byte[] b = new byte[11];
        java.util.Arrays.fill(b, (byte) 0xff);
        assertThrows(ProtobufException.class, () -> new WireReader(b).readVarint());
    }

    @Test
    void lengthBeyondBuffer() {
        WireReader r = reader(Pb.of().tag(1, 2).rawVarint(5).raw('a', 'b'));
        assertThrows(ProtobufException.class, () -> { r.readTag(); r.readString(); });
        WireReader huge = reader(Pb.of().tag(1, 2).rawVarint(Long.MAX_VALUE));
        assertThrows(ProtobufException.class, () -> { huge.readTag(); huge.readMessage(); });
        WireReader negative = reader(Pb.of().tag(1, 2).rawVarint(-1L));
        assertThrows(ProtobufException.class, () -> { negative.readTag(); negative.skip(2); });
    }

    @Test
    void nestedReaderStaysInsideItsSlice() throws Exception {
        WireReader r = reader(Pb.of().msg(1, Pb.of().varint(1, 7)).varint(2, 9));
        r.readTag();
        WireReader sub = r.readMessage();
        assertEquals(1 << 3, sub.readTag());
        assertEquals(7, sub.readVarint());
        assertFalse(sub.hasMore());
        assertThrows(ProtobufException.class, sub::readTag);
        assertEquals(2 << 3, r.readTag());
        assertEquals(9, r.readVarint());
    }

    @Test
    void truncatedFixedWidth() {
        assertThrows(ProtobufException.class, () -> new WireReader(new byte[]{1, 2, 3}).readFixed32());
        assertThrows(ProtobufException.class, () -> new WireReader(new byte[]{1, 2, 3, 4, 5, 6, 7}).readFixed64());
        assertThrows(ProtobufException.class, () -> new WireReader(new byte[]{1, 2, 3}).skip(5));
    }

    @Test
    void badTags() {
        assertThrows(ProtobufException.class, () -> new WireReader(new byte[]{0}).readTag()); // field 0
        assertThrows(ProtobufException.class, () -> new WireReader(new byte[]{0x0e}).readTag()); // wire type 6
        assertThrows(ProtobufException.class, () -> new WireReader(new byte[]{0x0b}).skip(3)); // groups
    }
}
