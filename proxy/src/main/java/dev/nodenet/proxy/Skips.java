package dev.nodenet.proxy;

/**
 * Receives parts of API objects the proxy cannot program (an invalid IP, port or CIDR): the part is left out, the rest
 * of the object and of the sync carry on. The implementation logs and counts each one.
 */
@FunctionalInterface
interface Skips {
    /** @param kind Service or EndpointSlice; @param key namespace/name; @param reason a short metric label */
    void skip(String kind, String key, String reason, String detail);
}
