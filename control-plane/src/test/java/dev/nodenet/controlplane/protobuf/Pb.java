package dev.nodenet.controlplane.protobuf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Test-only protobuf writer for building bodies by hand. */
final class Pb {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static Pb of() {
        return new Pb();
    }

    Pb raw(int... bytes) {
        for (int b : bytes) out.write(b);
        return this;
    }

    Pb rawVarint(long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return this;
    }

    Pb tag(int field, int wire) {
        return rawVarint((long) field << 3 | wire);
    }

    Pb varint(int field, long v) {
        return tag(field, 0).rawVarint(v);
    }

    Pb bytes(int field, byte[] b) {
        tag(field, 2).rawVarint(b.length);
        out.writeBytes(b);
        return this;
    }

    Pb str(int field, String s) {
        return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    Pb msg(int field, Pb m) {
        return bytes(field, m.build());
    }

    Pb entry(int field, String key, String value) {
        return msg(field, Pb.of().str(1, key).str(2, value));
    }

    byte[] build() {
        return out.toByteArray();
    }

    /** A whole request body: magic, then runtime.Unknown{typeMeta{apiVersion, kind}, raw}. */
    static byte[] body(String apiVersion, String kind, Pb object) {
        return Pb.of().raw(0x6b, 0x38, 0x73, 0x00)
                .msg(1, Pb.of().str(1, apiVersion).str(2, kind))
                .msg(2, object)
                .str(3, "").str(4, "")
                .build();
    }
}
