package dev.nodenet.proxy;

import java.util.Comparator;

/**
 * One port of one Service: the unit every proxy mode programs ({@code namespace/name:port} plus protocol).
 * {@link #toString()} is kube-proxy's text ({@code ns/name:port}, or {@code ns/name} for an unnamed port), which the
 * iptables mode hashes into chain names.
 */
public record ServicePortName(String namespace, String name, String port, String protocol) implements Comparable<ServicePortName> {
    private static final Comparator<ServicePortName> ORDER = Comparator.comparing(ServicePortName::namespace)
            .thenComparing(ServicePortName::name).thenComparing(ServicePortName::port)
            .thenComparing(ServicePortName::protocol);

    public ServicePortName {
        if (port == null) port = "";
    }

    /** {@code namespace/name}: the Service this port belongs to. */
    public String serviceKey() {
        return namespace + "/" + name;
    }

    /** The protocol in lower case, as iptables and conntrack tools spell it. */
    public String protocolLower() {
        return protocol.toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return port.isEmpty() ? namespace + "/" + name : namespace + "/" + name + ":" + port;
    }

    @Override
    public int compareTo(ServicePortName o) {
        return ORDER.compare(this, o);
    }
}
