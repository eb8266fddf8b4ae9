package dev.nodenet.userspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodenet.proxy.Backend;
import dev.nodenet.proxy.BackendContext;
import dev.nodenet.proxy.BackendProvider;
import dev.nodenet.proxy.Metrics;
import dev.nodenet.proxy.ProxyConfig;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The proxy core finds the mode by its --proxy-mode word; creating it opens nothing (sockets come with the first sync). */
class ProviderTest {
    @Test
    void foundThroughServiceLoaderAndAnswersUserspace() throws Exception {
        BackendProvider provider = ServiceLoader.load(BackendProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.mode().equals("userspace")).findFirst().orElseThrow();
        Metrics metrics = new Metrics();
        try (Backend b = provider.create(new BackendContext(ProxyConfig.defaults("node-a").withMode("userspace"), metrics, null))) {
            assertEquals("userspace", b.mode(), "what /proxyMode serves");
            assertTrue(metrics.render().contains("# TYPE kubeproxy_userspace_connections_total counter"), metrics.render());
        }
    }
}
