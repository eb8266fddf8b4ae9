package dev.nodenet.proxy;

/** An IP family. Each proxy mode programs the two families separately, like kube-proxy's per-family proxiers. */
public enum IpFamily {
    IPv4, IPv6;

    /** The family of a canonical IP literal (see {@link IpAddresses#canonical}). */
    public static IpFamily of(String ip) {
        return ip.indexOf(':') >= 0 ? IPv6 : IPv4;
    }

    /** The EndpointSlice addressType of this family ({@code IPv4}/{@code IPv6}). */
    public String addressType() {
        return name();
    }
}
