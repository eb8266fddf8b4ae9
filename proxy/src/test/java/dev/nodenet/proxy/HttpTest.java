package dev.nodenet.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodenet.api.codec.Json;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HttpTest {
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    /** A clock tests move by hand. */
    static final class ManualClock extends Clock {
        volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        public Instant instant() {
            return now;
        }
    }

    static HttpResponse<String> get(InetSocketAddress a, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsServer() throws Exception {
        Metrics metrics = new Metrics();
        metrics.counter("kubeproxy_sync_proxy_rules_iptables_restore_failures_total", "x").inc();
        ProxyConfig config = Fixtures.config(Duration.ofSeconds(1), Duration.ofSeconds(30));
        try (StatusServers s = new StatusServers(config, "iptables", metrics, new ProxyHealth(Clock.systemUTC(), Duration.ofMinutes(1)))) {
            HttpResponse<String> mode = get(s.metricsAddress(), "/proxyMode");
            assertEquals(200, mode.statusCode());
            assertEquals("iptables", mode.body(), "bare word, no newline");
            HttpResponse<String> m = get(s.metricsAddress(), "/metrics");
            assertTrue(m.body().contains("# TYPE kubeproxy_sync_proxy_rules_iptables_restore_failures_total counter\nkubeproxy_sync_proxy_rules_iptables_restore_failures_total 1\n"), m.body());
            assertEquals("ok", get(s.metricsAddress(), "/healthz").body());
            JsonNode configz = Json.mapper().readTree(get(s.metricsAddress(), "/configz").body());
            assertEquals("30s", configz.path("kubeproxy.config.k8s.io").path("iptables").path("syncPeriod").asText());
            assertEquals(404, get(s.metricsAddress(), "/nope").statusCode());
            assertEquals(404, get(s.metricsAddress(), "/proxyModeX").statusCode());
        }
    }

    @Test
    void healthzAndLivez() throws Exception {
        ManualClock clock = new ManualClock();
        ProxyHealth health = new ProxyHealth(clock, Duration.ofSeconds(60));
        ProxyConfig config = Fixtures.config(Duration.ofSeconds(1), Duration.ofSeconds(30));
        try (StatusServers s = new StatusServers(config, "iptables", new Metrics(), health)) {
            InetSocketAddress a = s.healthAddress();
            assertEquals(200, get(a, "/healthz").statusCode(), "healthy during start-up grace");
            clock.now = clock.now.plusSeconds(61);
            HttpResponse<String> stale = get(a, "/healthz");
            assertEquals(503, stale.statusCode(), "no first sync within 2 x syncPeriod");
            assertEquals(503, get(a, "/livez").statusCode());
            health.synced(health.startSync());
            HttpResponse<String> ok = get(a, "/healthz");
            assertEquals(200, ok.statusCode());
            JsonNode body = Json.mapper().readTree(ok.body());
            assertEquals(clock.now.toString(), body.path("lastUpdated").asText());
            assertEquals(clock.now.toString(), body.path("currentTime").asText());
            assertTrue(body.path("nodeEligible").asBoolean());
            // a change waits too long for a sync
            health.queued();
            clock.now = clock.now.plusSeconds(30);
            assertEquals(200, get(a, "/healthz").statusCode());
            clock.now = clock.now.plusSeconds(31);
            assertEquals(503, get(a, "/healthz").statusCode());
            health.synced(health.startSync());
            // a node being deleted: /healthz fails (load balancers drain it), /livez stays up
            health.nodeEligible(false);
            assertEquals(503, get(a, "/healthz").statusCode());
            assertEquals(200, get(a, "/livez").statusCode());
            assertEquals(false, Json.mapper().readTree(get(a, "/livez").body()).path("nodeEligible").asBoolean(true));
        }
    }

    @Test
    void bindFailureIsReported() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            ProxyConfig d = Fixtures.config(Duration.ofSeconds(1), Duration.ofSeconds(30));
            ProxyConfig c = new ProxyConfig(d.mode(), "", "", d.hostnameOverride(), List.of(), false, 14, "", "", "", List.of(), true,
                    "127.0.0.1:" + taken.getLocalPort(), "", d.syncPeriod(), d.minSyncPeriod(), false, 0, "");
            try {
                new StatusServers(c, "iptables", new Metrics(), new ProxyHealth(Clock.systemUTC(), Duration.ofMinutes(1))).close();
                throw new AssertionError("bound a taken port");
            } catch (java.io.IOException expected) {
                // the caller reports it and exits 1
            }
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void healthCheckNodePorts() throws Exception {
        int port = freePort();
        ServicePortName name = new ServicePortName("ns", "lb", "http", "TCP");
        ServiceInfo info = new ServiceInfo(name, List.of("10.96.0.1"), 80, 30080, List.of(), List.of("203.0.113.1"), List.of(), 0,
                true, false, port, false);
        EndpointInfo local = new EndpointInfo("10.0.0.1", 8080, true, true, false, "node-a", true, Set.of());
        EndpointInfo remote = new EndpointInfo("10.0.0.2", 8080, true, true, false, "node-b", false, Set.of());
        ManualClock clock = new ManualClock();
        ProxyHealth health = new ProxyHealth(clock, Duration.ofSeconds(60));
        health.synced(health.startSync());
        try (ServiceHealthServers servers = new ServiceHealthServers(null)) {
            servers.update(List.of(ServicePortState.of(info, List.of(local, remote), null)), health);
            assertEquals(Set.of(port), servers.ports());
            HttpResponse<String> r = get(new InetSocketAddress(port), "/");
            assertEquals(200, r.statusCode());
            assertEquals("1", r.headers().firstValue("X-Load-Balancing-Endpoint-Weight").orElseThrow());
            JsonNode body = Json.mapper().readTree(r.body());
            assertEquals("ns", body.path("service").path("namespace").asText());
            assertEquals("lb", body.path("service").path("name").asText());
            assertEquals(1, body.path("localEndpoints").asInt());
            assertTrue(body.path("serviceProxyHealthy").asBoolean());

            servers.update(List.of(ServicePortState.of(info, List.of(remote), null)), health);
            HttpResponse<String> none = get(new InetSocketAddress(port), "/");
            assertEquals(503, none.statusCode());
            assertEquals("0", none.headers().firstValue("X-Load-Balancing-Endpoint-Weight").orElseThrow());

            servers.update(List.of(ServicePortState.of(info, List.of(local), null)), health);
            clock.now = clock.now.plusSeconds(10);
            health.queued();
            clock.now = clock.now.plusSeconds(61);
            HttpResponse<String> unhealthy = get(new InetSocketAddress(port), "/");
            assertEquals(503, unhealthy.statusCode(), "local endpoints but the proxy is stuck");
            assertEquals(false, Json.mapper().readTree(unhealthy.body()).path("serviceProxyHealthy").asBoolean(true));

            servers.update(List.of(), health);
            assertEquals(Set.of(), servers.ports());
            try (ServerSocket again = new ServerSocket(port)) {
                assertEquals(port, again.getLocalPort(), "the port was released");
            }
        }
    }
}
