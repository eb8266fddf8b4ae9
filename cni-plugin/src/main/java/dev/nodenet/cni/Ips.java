package dev.nodenet.cni;

import dev.nodenet.netlink.IpPrefix;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Address arithmetic for IPv4 and IPv6 (as unsigned big integers). Stateless. */
final class Ips {
    private Ips() {}

    static BigInteger toBig(InetAddress a) {
        return new BigInteger(1, a.getAddress());
    }

    static InetAddress fromBig(BigInteger v, boolean v4) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[v4 ? 4 : 16];
        int copy = Math.min(raw.length, out.length);
        System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
        try {
            return InetAddress.getByAddress(out);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean isV4(InetAddress a) {
        return a instanceof Inet4Address;
    }

    static InetAddress next(InetAddress a) {
        return fromBig(toBig(a).add(BigInteger.ONE), isV4(a));
    }

    /** Last address of the prefix (all host bits set). */
    static InetAddress last(IpPrefix p) {
        int bits = isV4(p.address()) ? 32 : 128;
        BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - p.prefixLength()).subtract(BigInteger.ONE);
        return fromBig(toBig(p.network().address()).or(hostMask), isV4(p.address()));
    }

    static boolean contains(IpPrefix p, InetAddress a) {
        if (isV4(a) != isV4(p.address())) return false;
        return new IpPrefix(a, p.prefixLength()).network().equals(p.network());
    }

    static int compare(InetAddress a, InetAddress b) {
        return toBig(a).compareTo(toBig(b));
    }

    static String text(InetAddress a) {
        return IpPrefix.format(a);
    }
}
