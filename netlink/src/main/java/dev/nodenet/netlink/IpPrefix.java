package dev.nodenet.netlink;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IP address with a prefix length, e.g. {@code 10.1.2.3/24} (host bits kept: this is an interface address or a
 * route destination as written). Immutable.
 */
public record IpPrefix(InetAddress address, int prefixLength) {
    public IpPrefix {
        int max = address instanceof Inet4Address ? 32 : 128;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range for " + address);
        }
    }

    /**
     * Parses {@code "10.1.2.3/24"}, {@code "fd00::1/64"}, or a bare address (full-length prefix). Accepts literal
     * addresses only — never resolves names.
     */
    public static IpPrefix parse(String text) {
        int slash = text.indexOf('/');
        InetAddress address = parseAddress(slash < 0 ? text : text.substring(0, slash));
        int max = address instanceof Inet4Address ? 32 : 128;
        int length;
        try {
            length = slash < 0 ? max : Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in '" + text + "'");
        }
        return new IpPrefix(address, length);
    }

    /** Parses a literal IPv4/IPv6 address without any name lookup. */
    public static InetAddress parseAddress(String literal) {
        try {
            return InetAddress.ofLiteral(literal.strip()); // JDK 22+: literal only, never a name lookup
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an IP address literal: '" + literal + "'", e);
        }
    }

    /** AF_INET (2) or AF_INET6 (10). */
    public int family() {
        return familyOf(address);
    }

    static int familyOf(InetAddress address) {
        return address instanceof Inet4Address ? Libc.AF_INET : Libc.AF_INET6;
    }

    /** The network: host bits cleared. */
    public IpPrefix network() {
        byte[] b = address.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefixLength - i * 8));
            b[i] &= (byte) (0xff << (8 - keep));
        }
        try {
            return new IpPrefix(InetAddress.getByAddress(b), prefixLength);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return format(address) + "/" + prefixLength;
    }

    /** Canonical text (RFC 5952 for IPv6: lower case, longest zero run compressed), as iproute2 prints it. */
    public static String format(InetAddress address) {
        if (address instanceof Inet4Address) return address.getHostAddress();
        byte[] b = address.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        int bestStart = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
