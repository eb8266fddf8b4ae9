package dev.nodenet.proxy;

import dev.nodenet.api.net.IpText;

import java.net.InetAddress;

/**
 * IP literals and CIDRs as the proxy handles them: parsed without name resolution and printed canonically (IPv6 in
 * RFC 5952 short form), so the same address always yields the same rule text and chain hash. Stateless, thread-safe.
 */
public final class IpAddresses {
    private IpAddresses() {
    }

    /** The canonical text of an IP literal. @throws IllegalArgumentException if it is not an IP literal */
    public static String canonical(String literal) {
        return format(parse(literal));
    }

    /** Parses an IP literal, never resolving names. @throws IllegalArgumentException if it is not one */
    public static InetAddress parse(String literal) {
        if (literal == null || literal.isEmpty()) throw new IllegalArgumentException("empty IP address");
        String s = literal.trim();
        boolean v4 = s.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
        boolean v6 = s.indexOf(':') >= 0 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        if (!v4 && !v6) throw new IllegalArgumentException("not an IP address: \"" + literal + "\"");
        if (v4) {
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) throw new IllegalArgumentException("not an IP address: \"" + literal + "\"");
            for (String p : parts) {
                // Go's parser (and so Kubernetes validation) rejects leading zeros, which some parsers read as octal
                if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0') || Integer.parseInt(p) > 255) {
                    throw new IllegalArgumentException("not an IP address: \"" + literal + "\"");
                }
            }
        }
        try {
            return InetAddress.ofLiteral(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an IP address: \"" + literal + "\"");
        }
    }

    /** Canonical text of an address: dotted quad, or RFC 5952 IPv6 (longest zero run compressed, lower case). */
    public static String format(InetAddress address) {
        return IpText.format(address.getAddress());
    }

    /** A CIDR in canonical form (host bits cleared, as Go's ParseCIDR network). @throws IllegalArgumentException */
    public static String canonicalCidr(String cidr) {
        if (cidr == null) throw new IllegalArgumentException("empty CIDR");
        String s = cidr.trim();
        int slash = s.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("not a CIDR (missing /prefix): \"" + cidr + "\"");
        InetAddress address = parse(s.substring(0, slash));
        int max = address.getAddress().length * 8;
        int prefix;
        try {
            prefix = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a CIDR: \"" + cidr + "\"");
        }
        if (prefix < 0 || prefix > max) throw new IllegalArgumentException("prefix length out of range in \"" + cidr + "\"");
        byte[] bytes = address.getAddress();
        for (int bit = prefix; bit < max; bit++) bytes[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
        try {
            return format(InetAddress.getByAddress(bytes)) + "/" + prefix;
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** True if canonical {@code ip} lies in canonical {@code cidr} (families must agree). */
    public static boolean contains(String cidr, String ip) {
        int slash = cidr.indexOf('/');
        byte[] net = parse(cidr.substring(0, slash)).getAddress();
        byte[] addr = parse(ip).getAddress();
        if (net.length != addr.length) return false;
        int prefix = Integer.parseInt(cidr.substring(slash + 1));
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >> (bit % 8);
            if ((net[bit / 8] & mask) != (addr[bit / 8] & mask)) return false;
        }
        return true;
    }

    /** The family of a canonical CIDR. */
    public static IpFamily familyOfCidr(String cidr) {
        return IpFamily.of(cidr.substring(0, cidr.indexOf('/')));
    }
}
