package dev.nodenet.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nodenet.proxy.IpFamily;
import dev.nodenet.proxy.ProxyConfig;
import dev.nodenet.proxy.ProxyState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Renders fixed states and compares with the fixtures in src/test/resources/golden, which are meant to be read
 * (they are what an operator sees in iptables-save). {@code -Dgolden.update=true} rewrites them; review the diff.
 */
class GoldenTest {
    static final Path DIR = Path.of("src/test/resources/golden");

    static void golden(String name, ProxyConfig config, ProxyState state, IpFamily... families) throws Exception {
        StringBuilder actual = new StringBuilder();
        for (IpFamily f : families) {
            if (families.length > 1) actual.append("# ").append(f).append('\n');
            actual.append(new Renderer(RenderOptions.of(config, f, state.node())).render(state, null, Set.of()).text());
        }
        Path file = DIR.resolve(name + ".txt");
        if (Boolean.getBoolean("golden.update")) Files.writeString(file, actual);
        assertEquals(Files.readString(file), actual.toString(), "golden file " + file);
    }

    @Test
    void clusterIP() throws Exception {
        golden("clusterip", States.config(), States.state(
                new States.Svc("ns1", "svc1", "p80", "TCP", "172.30.0.41").ep("10.180.0.1", 80, false),
                new States.Svc("ns2", "dns", "dns", "UDP", "172.30.0.10").port(53)
                        .ep("10.244.1.5", 5353, false).ep("10.244.2.7", 5353, false).ep("10.244.3.9", 5353, true)),
                IpFamily.IPv4);
    }

    @Test
    void nodePort() throws Exception {
        golden("nodeport", States.config(), States.state(
                new States.Svc("ns1", "web", "http", "TCP", "172.30.0.42").nodePort(30080)
                        .ep("10.244.1.5", 8080, false).ep("10.244.2.7", 8080, true)), IpFamily.IPv4);
    }

    @Test
    void nodePortOnSelectedAddresses() throws Exception {
        ProxyConfig c = States.withNodePortAddresses(States.config(), List.of("192.168.0.0/24", "127.0.0.0/8"));
        golden("nodeport-addresses", c, States.state(
                new States.Svc("ns1", "web", "http", "TCP", "172.30.0.42").nodePort(30080).ep("10.244.1.5", 8080, false)),
                IpFamily.IPv4);
    }

    @Test
    void sessionAffinity() throws Exception {
        golden("affinity", States.config(), States.state(
                new States.Svc("ns1", "sticky", "", "TCP", "172.30.0.43").sticky(10800)
                        .ep("10.244.1.5", 80, false).ep("10.244.2.7", 80, false)), IpFamily.IPv4);
    }

    @Test
    void externalTrafficPolicyLocal() throws Exception {
        golden("etp-local", States.config(), States.state(
                new States.Svc("ns1", "lb", "http", "TCP", "172.30.0.44").nodePort(30081).loadBalancer("203.0.113.7")
                        .externalLocal(32000).ep("10.244.1.5", 8080, false).ep("10.244.2.7", 8080, true),
                new States.Svc("ns1", "lb-elsewhere", "http", "TCP", "172.30.0.45").nodePort(30082)
                        .externalLocal(0).ep("10.244.1.6", 8080, false)), IpFamily.IPv4);
    }

    @Test
    void internalTrafficPolicyLocal() throws Exception {
        golden("itp-local", States.config(), States.state(
                new States.Svc("ns1", "node-cache", "dns", "UDP", "172.30.0.46").port(53).internalLocal()
                        .ep("10.244.1.5", 53, false).ep("10.244.2.7", 53, true),
                new States.Svc("ns1", "no-local", "dns", "UDP", "172.30.0.47").port(53).internalLocal()
                        .ep("10.244.1.5", 53, false)), IpFamily.IPv4);
    }

    @Test
    void noEndpoints() throws Exception {
        golden("no-endpoints", States.config(), States.state(
                new States.Svc("ns1", "empty", "http", "TCP", "172.30.0.48").nodePort(30083).externalIPs("198.51.100.9"),
                new States.Svc("ns1", "draining", "http", "TCP", "172.30.0.49").terminating("10.244.1.8", 8080)),
                IpFamily.IPv4);
    }

    @Test
    void loadBalancerSourceRanges() throws Exception {
        golden("lb-source-ranges", States.config(), States.state(
                new States.Svc("ns1", "lb", "https", "TCP", "172.30.0.50").port(443).nodePort(30443)
                        .loadBalancer("203.0.113.8", "198.51.100.0/24", "192.168.0.0/16").ep("10.244.1.5", 8443, false)),
                IpFamily.IPv4);
    }

    @Test
    void externalIPs() throws Exception {
        golden("external-ips", States.config(), States.state(
                new States.Svc("ns1", "ext", "http", "TCP", "172.30.0.51").externalIPs("198.51.100.10", "198.51.100.11")
                        .ep("10.244.1.5", 8080, false)), IpFamily.IPv4);
    }

    @Test
    void dualStack() throws Exception {
        golden("dual-stack", States.config(), States.state(
                new States.Svc("ns1", "ds", "http", "TCP", "172.30.0.52", "fd00:30::52").nodePort(30084)
                        .ep("10.244.1.5", 8080, false).ep("fd00:10:244:1::5", 8080, false)),
                IpFamily.IPv4, IpFamily.IPv6);
    }
}
