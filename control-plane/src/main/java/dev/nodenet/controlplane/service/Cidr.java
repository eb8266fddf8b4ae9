package dev.nodenet.controlplane.service;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network such as {@code 10.96.0.0/12}: the masked network address and the prefix length.
 * Immutable and thread-safe.
 *
 * @param network   the network address (host bits zero), 4 or 16 bytes
 * @param prefixLen number of network bits
 */
public record Cidr(byte[] network, int prefixLen) {

    public Cidr {
        network = network.clone();
        if (network.length != 4 && network.length != 16) throw new IllegalArgumentException("address must be 4 or 16 bytes");
        if (prefixLen < 0 || prefixLen > network.length * 8) throw new IllegalArgumentException("bad prefix length " + prefixLen);
    }

    /**
     * Parses {@code a.b.c.d/n} or {@code ipv6/n}. Host bits must be zero, as kube-apiserver's flag parsing demands of a
     * service range.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code text}
     */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("not a CIDR (missing /prefix)");
        byte[] addr = Ips.parse(text.substring(0, slash));
        if (addr == null) throw new IllegalArgumentException("not a valid IP address: \"" + text.substring(0, slash) + "\"");
        String lenText = text.substring(slash + 1);
        int len;
        try {
            if (lenText.isEmpty() || lenText.length() > 3 || !lenText.chars().allMatch(Character::isDigit)) throw new NumberFormatException();
            len = Integer.parseInt(lenText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("prefix length \"" + lenText + "\" is not a number");
        }
        if (len > addr.length * 8) throw new IllegalArgumentException("prefix length " + len + " is larger than " + addr.length * 8);
        Cidr c = new Cidr(mask(addr, len), len);
        if (!Arrays.equals(c.network, addr)) {
            throw new IllegalArgumentException("host bits are set (did you mean " + c + "?)");
        }
        return c;
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    public boolean isIpv6() {
        return network.length == 16;
    }

    /** {@code IPv4} or {@code IPv6}, as Service {@code spec.ipFamilies} spells it. */
    public String family() {
        return isIpv6() ? "IPv6" : "IPv4";
    }

    /** Number of host bits. */
    public int hostBits() {
        return network.length * 8 - prefixLen;
    }

    public boolean contains(byte[] ip) {
        return ip.length == network.length && Arrays.equals(mask(ip, prefixLen), network);
    }

    /** The address {@code offset} above the network address. */
    public byte[] addressAt(long offset) {
        BigInteger v = new BigInteger(1, network).add(BigInteger.valueOf(offset));
        return Ips.fromBigInteger(v, network.length);
    }

    /** How far {@code ip} (inside this network) is above the network address. */
    public long offsetOf(byte[] ip) {
        return new BigInteger(1, ip).subtract(new BigInteger(1, network)).longValueExact();
    }

    private static byte[] mask(byte[] addr, int len) {
        byte[] out = addr.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, len - i * 8));
            out[i] &= (byte) (0xff << (8 - bits));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLen == prefixLen && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefixLen;
    }

    @Override
    public String toString() {
        return Ips.format(network) + "/" + prefixLen;
    }
}
