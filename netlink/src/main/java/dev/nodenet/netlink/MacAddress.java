package dev.nodenet.netlink;

import java.util.Arrays;
import java.util.HexFormat;

/** A 6-byte Ethernet address. Immutable. */
public final class MacAddress {
    private final byte[] bytes;

    private MacAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    public static MacAddress of(byte[] bytes) {
        if (bytes.length != 6) throw new IllegalArgumentException("MAC address needs 6 bytes, got " + bytes.length);
        return new MacAddress(bytes.clone());
    }

    /** Parses {@code "aa:bb:cc:dd:ee:ff"}. */
    public static MacAddress parse(String text) {
        String[] parts = text.split(":");
        if (parts.length != 6) throw new IllegalArgumentException("bad MAC address '" + text + "'");
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            if (parts[i].length() != 2) throw new IllegalArgumentException("bad MAC address '" + text + "'");
            try {
                b[i] = (byte) Integer.parseInt(parts[i], 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad MAC address '" + text + "'");
            }
        }
        return new MacAddress(b);
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacAddress m && Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(bytes);
    }
}
