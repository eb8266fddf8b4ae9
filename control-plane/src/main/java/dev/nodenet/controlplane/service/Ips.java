package dev.nodenet.controlplane.service;

import dev.nodenet.api.net.IpText;

import java.math.BigInteger;

/**
 * IP literal parsing and canonical formatting without name resolution ({@code InetAddress.getByName} would try DNS
 * for anything that is not a literal). Pure.
 */
final class Ips {
    private Ips() {}

    /** The 4 or 16 bytes of an IPv4 dotted quad or an IPv6 literal, or null when {@code s} is neither. */
    static byte[] parse(String s) {
        if (s == null || s.isEmpty()) return null;
        return s.indexOf(':') >= 0 ? parse6(s) : parse4(s);
    }

    private static byte[] parse4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) return null;
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            // Leading zeros are refused: some parsers read them as octal, so "010" is ambiguous.
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) return null;
            int v = 0;
            for (char c : p.toCharArray()) {
                if (c < '0' || c > '9') return null;
                v = v * 10 + (c - '0');
            }
            if (v > 255) return null;
            out[i] = (byte) v;
        }
        return out;
    }

    private static byte[] parse6(String s) {
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) return null;
        String head = dbl >= 0 ? s.substring(0, dbl) : s;
        String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
        int[] h = groups(head);
        int[] t = groups(tail);
        if (h == null || t == null) return null;
        int total = h.length + t.length;
        if (dbl < 0 ? total != 8 : total > 7) return null;
        byte[] out = new byte[16];
        for (int i = 0; i < h.length; i++) put(out, i, h[i]);
        for (int i = 0; i < t.length; i++) put(out, 8 - t.length + i, t[i]);
        return out;
    }

    /** 16-bit groups of one side of "::"; an embedded IPv4 tail counts as two groups. */
    private static int[] groups(String side) {
        if (side.isEmpty()) return new int[0];
        String[] parts = side.split(":", -1);
        boolean v4Tail = parts[parts.length - 1].indexOf('.') >= 0;
        int[] out = new int[parts.length + (v4Tail ? 1 : 0)];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (v4Tail && i == parts.length - 1) {
                byte[] v4 = parse4(p);
                if (v4 == null) return null;
                out[i] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
                out[i + 1] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
                continue;
            }
            if (p.isEmpty() || p.length() > 4) return null;
            int v = 0;
            for (char c : p.toCharArray()) {
                int d = Character.digit(c, 16);
                if (d < 0) return null;
                v = v * 16 + d;
            }
            out[i] = v;
        }
        return out;
    }

    private static void put(byte[] out, int group, int v) {
        out[group * 2] = (byte) (v >> 8);
        out[group * 2 + 1] = (byte) v;
    }

    /** Dotted quad, or RFC 5952 IPv6 text (lower case, longest zero run of two or more groups as "::"). */
    static String format(byte[] ip) {
        return IpText.format(ip);
    }

    /** The canonical text of a literal, or null when {@code s} is not one. */
    static String canonical(String s) {
        byte[] b = parse(s);
        return b == null ? null : format(b);
    }

    static String family(byte[] ip) {
        return ip.length == 16 ? "IPv6" : "IPv4";
    }

    static byte[] fromBigInteger(BigInteger v, int lengthBytes) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[lengthBytes];
        int copy = Math.min(raw.length, lengthBytes);
        System.arraycopy(raw, raw.length - copy, out, lengthBytes - copy, copy);
        return out;
    }
}
