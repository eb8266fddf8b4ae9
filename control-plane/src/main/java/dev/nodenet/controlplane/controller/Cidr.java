package dev.nodenet.controlplane.controller;

import dev.nodenet.api.net.IpText;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.regex.Pattern;

/**
 * An IP network in CIDR notation whose host bits are zero. Parsing never resolves names: only literals are accepted.
 * Immutable.
 */
record Cidr(BigInteger network, int prefixLength, boolean ipv6) {
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

    int bits() { return ipv6 ? 128 : 32; }

    static Cidr parse(String text) {
        if (text == null) throw new IllegalArgumentException("CIDR must not be null");
        int slash = text.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("invalid CIDR \"" + text + "\": expected address/prefix-length");
        String addr = text.substring(0, slash);
        boolean v6 = addr.contains(":");
        if (v6 ? !IPV6_CHARS.matcher(addr).matches() : !IPV4.matcher(addr).matches()) {
            throw new IllegalArgumentException("invalid CIDR \"" + text + "\": \"" + addr + "\" is not an IP address literal");
        }
        byte[] bytes;
        try {
            InetAddress a = InetAddress.ofLiteral(addr);
            if (v6 && a instanceof Inet4Address) throw new IllegalArgumentException("invalid CIDR \"" + text + "\": IPv4-mapped IPv6 addresses are not supported");
            bytes = a.getAddress();
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("invalid CIDR")) throw e;
            throw new IllegalArgumentException("invalid CIDR \"" + text + "\": \"" + addr + "\" is not an IP address literal", e);
        }
        int bits = bytes.length * 8;
        int prefix;
        try {
            prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid CIDR \"" + text + "\": prefix length is not a number");
        }
        if (prefix < 0 || prefix > bits) throw new IllegalArgumentException("invalid CIDR \"" + text + "\": prefix length must be 0.." + bits);
        BigInteger network = new BigInteger(1, bytes);
        if (!network.shiftRight(bits - prefix).shiftLeft(bits - prefix).equals(network)) {
            throw new IllegalArgumentException("invalid CIDR \"" + text + "\": host bits are set (did you mean "
                    + format(network.shiftRight(bits - prefix).shiftLeft(bits - prefix), bits == 128) + "/" + prefix + "?)");
        }
        return new Cidr(network, prefix, bits == 128);
    }

    @Override
    public String toString() {
        return format(network, ipv6) + "/" + prefixLength;
    }

    /** The canonical text of an address: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as ::). */
    static String format(BigInteger address, boolean ipv6) {
        int n = ipv6 ? 16 : 4;
        byte[] raw = address.toByteArray(), bytes = new byte[n];
        int copy = Math.min(n, raw.length);
        System.arraycopy(raw, raw.length - copy, bytes, n - copy, copy);
        return IpText.format(bytes);
    }
}
