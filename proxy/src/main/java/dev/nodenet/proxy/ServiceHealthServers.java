package dev.nodenet.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.nodenet.api.codec.Json;
import dev.nodenet.netlink.NetNs;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One HTTP server per healthCheckNodePort of an eTP Local LoadBalancer Service, as kube-proxy runs them: cloud load
 * balancers probe it to send traffic only to nodes with local endpoints. Answers any path with
 * {@code {"service":{"namespace","name"},"localEndpoints":N,"serviceProxyHealthy":bool}}, 200 when N > 0 and the
 * proxy is healthy, else 503, plus {@code X-Load-Balancing-Endpoint-Weight: N}.
 * <p>Threading: {@link #update} and {@link #close} on the sync thread; requests on the servers' threads read a
 * volatile snapshot.
 */
final class ServiceHealthServers implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ServiceHealthServers.class.getName());

    private record Key(String namespace, String name) {
    }

    private final class PortServer {
        final HttpServer server;
        volatile Key service;
        volatile int localEndpoints;
        volatile ProxyHealth health;

        PortServer(int port) throws IOException {
            server = Http.bind(new InetSocketAddress(port), netns);
            server.createContext("/", ex -> {
                Key k = service;
                int n = localEndpoints;
                boolean healthy = health == null || health.status().healthy();
                ObjectNode body = Json.mapper().createObjectNode();
                body.putObject("service").put("namespace", k.namespace()).put("name", k.name());
                body.put("localEndpoints", n);
                body.put("serviceProxyHealthy", healthy);
                ex.getResponseHeaders().set("X-Load-Balancing-Endpoint-Weight", Integer.toString(n));
                Http.reply(ex, n > 0 && healthy ? 200 : 503, "application/json", Json.write(body));
            });
            server.start();
        }
    }

    private final NetNs netns;
    private final Map<Integer, PortServer> servers = new HashMap<>();

    ServiceHealthServers(NetNs netns) {
        this.netns = netns;
    }

    /** Opens servers for new health check ports, closes those no longer needed, updates counts. */
    void update(Iterable<ServicePortState> states, ProxyHealth health) {
        Map<Integer, Key> wanted = new HashMap<>();
        Map<Integer, Set<String>> local = new HashMap<>();
        for (ServicePortState s : states) {
            int port = s.info().healthCheckNodePort();
            if (port == 0) continue;
            wanted.put(port, new Key(s.info().name().namespace(), s.info().name().name()));
            Set<String> eps = local.computeIfAbsent(port, p -> new HashSet<>());
            for (IpFamily f : IpFamily.values()) for (EndpointInfo ep : s.selection(f).localEndpoints()) eps.add(ep.ip());
        }
        servers.entrySet().removeIf(e -> {
            if (wanted.containsKey(e.getKey())) return false;
            e.getValue().server.stop(0);
            return true;
        });
        for (Map.Entry<Integer, Key> e : wanted.entrySet()) {
            PortServer ps = servers.get(e.getKey());
            if (ps == null) {
                try {
                    ps = new PortServer(e.getKey());
                    servers.put(e.getKey(), ps);
                } catch (IOException | RuntimeException ex) {
                    LOG.log(Level.WARNING, "cannot serve health check node port {0} for {1}/{2}: {3}", e.getKey(),
                            e.getValue().namespace(), e.getValue().name(), ex.getMessage());
                    continue;
                }
            }
            ps.service = e.getValue();
            ps.localEndpoints = local.get(e.getKey()).size();
            ps.health = health;
        }
    }

    /** The ports currently served (for tests). */
    Set<Integer> ports() {
        return Set.copyOf(servers.keySet());
    }

    @Override
    public void close() {
        for (PortServer ps : servers.values()) ps.server.stop(0);
        servers.clear();
    }
}
