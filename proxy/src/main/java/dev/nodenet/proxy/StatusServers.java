package dev.nodenet.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.nodenet.api.codec.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * kube-proxy's two status servers. Metrics (default 127.0.0.1:10249): {@code /proxyMode} (the bare mode word),
 * {@code /metrics} (Prometheus text), {@code /healthz} ("ok"), {@code /configz} (the effective configuration as JSON).
 * Health (default 0.0.0.0:10256): {@code /healthz} and {@code /livez} with
 * {@code {"lastUpdated","currentTime","nodeEligible"}}; /livez is 200 while the proxy is healthy, /healthz also needs
 * the node to be eligible; otherwise 503.
 * <p>Threading: started and closed by the owner; requests run on virtual threads and read thread-safe state.
 */
final class StatusServers implements AutoCloseable {
    private HttpServer metricsServer, healthServer;

    /** Starts the servers whose addresses are non-empty. @throws IOException if an address cannot be bound */
    StatusServers(ProxyConfig config, String mode, Metrics metrics, ProxyHealth health) throws IOException {
        try {
            if (!config.metricsBindAddress().isEmpty()) {
                metricsServer = Http.bind(Http.parseBindAddress(config.metricsBindAddress()), null);
                String configz = Json.write(config.toConfigz());
                metricsServer.createContext("/proxyMode", ex -> {
                    if (Http.exact(ex, "/proxyMode")) Http.reply(ex, 200, "text/plain; charset=utf-8", mode);
                });
                metricsServer.createContext("/metrics", ex -> {
                    if (Http.exact(ex, "/metrics")) Http.reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.render());
                });
                metricsServer.createContext("/healthz", ex -> {
                    if (Http.exact(ex, "/healthz")) Http.reply(ex, 200, "text/plain; charset=utf-8", "ok");
                });
                metricsServer.createContext("/configz", ex -> {
                    if (Http.exact(ex, "/configz")) Http.reply(ex, 200, "application/json", configz);
                });
                metricsServer.createContext("/", Http::notFound);
                metricsServer.start();
            }
            if (!config.healthzBindAddress().isEmpty()) {
                healthServer = Http.bind(Http.parseBindAddress(config.healthzBindAddress()), null);
                healthServer.createContext("/healthz", ex -> {
                    if (Http.exact(ex, "/healthz")) health(ex, health, true);
                });
                healthServer.createContext("/livez", ex -> {
                    if (Http.exact(ex, "/livez")) health(ex, health, false);
                });
                healthServer.createContext("/", Http::notFound);
                healthServer.start();
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private static void health(com.sun.net.httpserver.HttpExchange ex, ProxyHealth health, boolean needEligible) {
        ProxyHealth.Status s = health.status();
        ObjectNode body = Json.mapper().createObjectNode();
        Instant last = s.lastUpdated();
        body.put("lastUpdated", last == null ? "" : last.toString());
        body.put("currentTime", s.currentTime().toString());
        body.put("nodeEligible", s.nodeEligible());
        boolean ok = s.healthy() && (!needEligible || s.nodeEligible());
        Http.reply(ex, ok ? 200 : 503, "application/json", Json.write(body));
    }

    /** The bound metrics address (port resolved), or null when disabled. */
    InetSocketAddress metricsAddress() {
        return metricsServer == null ? null : metricsServer.getAddress();
    }

    InetSocketAddress healthAddress() {
        return healthServer == null ? null : healthServer.getAddress();
    }

    @Override
    public void close() {
        if (metricsServer != null) metricsServer.stop(0);
        if (healthServer != null) healthServer.stop(0);
    }
}
