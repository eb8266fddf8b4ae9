package dev.nodenet.netlink;

/**
 * A connection-tracking entry as dumped: both tuples, the kernel's entry {@code id} (CTA_ID; lets a delete target
 * exactly this entry), {@code zone}, {@code mark}, and seconds until expiry. Immutable.
 */
public record ConntrackEntry(ConntrackTuple original, ConntrackTuple reply, int id, int zone, int mark,
                             int timeoutSeconds) {}
