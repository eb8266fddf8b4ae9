package dev.nodenet.api.net;

/**
 * The one canonical text form of an IP address used everywhere an address is compared or stored as text: dotted quad
 * for IPv4, RFC 5952 for IPv6 (lower case, no leading zeros, the longest run of two or more zero groups as "::", the
 * first one on a tie). {@link java.net.InetAddress#getHostAddress()} does not compress, so "::1" and
 * "0:0:0:0:0:0:0:1" would otherwise compare unequal. Pure and thread-safe.
 */
public final class IpText {
    private IpText() {}

    /** {@code address} is 4 (IPv4) or 16 (IPv6) bytes in network order. */
    public static String format(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff);
        }
        if (address.length != 16) throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + address.length);
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
        int bestStart = -1, bestLen = 1; // a single zero group is not compressed
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) j++;
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
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
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }
}
