package dev.nodenet.netlink;

/**
 * An interface address (RTM_NEWADDR): {@code prefix} is the local address with its prefix length; {@code scope} is
 * RT_SCOPE_* ({@link Route#SCOPE_UNIVERSE}, {@link Route#SCOPE_LINK}, {@link Route#SCOPE_HOST}); {@code flags} the
 * IFA_F_* flags (IFA_FLAGS when present). Immutable.
 */
public record IfAddress(int ifIndex, IpPrefix prefix, int scope, int flags, String label) {
    public static final int IFA_F_NODAD = 0x02, IFA_F_TENTATIVE = 0x40, IFA_F_PERMANENT = 0x80;
}
