package dev.nodenet.userspace;

import dev.nodenet.proxy.Metrics;
import dev.nodenet.proxy.ServicePortName;

/**
 * The metrics of the userspace relays, with kube-proxy-style names; each relay holds the label values of its Service
 * port. Byte counts are added when a connection or UDP session ends (not per read), so the hot path touches no shared
 * counter.
 * <p>Threading: any event loop thread; the counters are thread-safe.
 */
final class RelayStats {
    private final Metrics.Counter connections, bytes, connectFailures, rejected;

    RelayStats(Metrics metrics) {
        connections = metrics.counter("kubeproxy_userspace_connections_total",
                "Client TCP connections accepted and UDP client sessions started by the userspace proxy", "service_port", "protocol");
        bytes = metrics.counter("kubeproxy_userspace_bytes_total",
                "Bytes relayed by the userspace proxy; direction in is client to endpoint, out is endpoint to client",
                "service_port", "protocol", "direction");
        connectFailures = metrics.counter("kubeproxy_userspace_endpoint_connect_failures_total",
                "Connections to endpoints that failed (the proxy then tries the next endpoint)", "service_port", "protocol");
        rejected = metrics.counter("kubeproxy_userspace_rejected_total",
                "Client connections or datagrams dropped because no endpoint was left to try", "service_port", "protocol");
    }

    /** The counters of one Service port. */
    Port port(ServicePortName name) {
        return new Port(name.toString(), name.protocol());
    }

    /** Counters bound to one Service port's label values. */
    final class Port {
        private final String servicePort, protocol;

        private Port(String servicePort, String protocol) {
            this.servicePort = servicePort;
            this.protocol = protocol;
        }

        void connection() {
            connections.inc(servicePort, protocol);
        }

        void bytes(long in, long out) {
            if (in > 0) bytes.add(in, servicePort, protocol, "in");
            if (out > 0) bytes.add(out, servicePort, protocol, "out");
        }

        void connectFailure() {
            connectFailures.inc(servicePort, protocol);
        }

        void rejected() {
            rejected.inc(servicePort, protocol);
        }
    }
}
