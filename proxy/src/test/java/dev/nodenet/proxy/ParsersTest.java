package dev.nodenet.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodenet.api.model.EndpointSlice;
import dev.nodenet.api.model.LoadBalancerIngress;
import dev.nodenet.api.model.LoadBalancerStatus;
import dev.nodenet.api.model.Service;
import dev.nodenet.api.model.ServiceStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParsersTest {
    final List<String> skipped = new ArrayList<>();
    final Skips skips = (kind, key, reason, detail) -> skipped.add(kind + " " + key + " " + reason);

    @Test
    void serviceBasics() {
        Service s = Fixtures.service("ns", "web", "10.96.0.10", Fixtures.port("http", null, 80), Fixtures.port("dns", "UDP", 53));
        List<ServiceInfo> infos = ServiceParser.parse(s, skips);
        assertEquals(2, infos.size());
        assertEquals("ns/web:http", infos.get(0).name().toString());
        assertEquals("TCP", infos.get(0).name().protocol(), "protocol defaults to TCP");
        assertEquals(List.of("10.96.0.10"), infos.get(0).clusterIPs());
        assertEquals(List.of(), skipped);
    }

    @Test
    void externalNameHeadlessExcludedAndUnallocatedYieldNothing() {
        Service headless = Fixtures.service("ns", "h", "None", Fixtures.port("", "TCP", 80));
        assertEquals(List.of(), ServiceParser.parse(headless, skips));
        Service external = headless.withSpec(headless.spec().withType("ExternalName").withClusterIP(null));
        assertEquals(List.of(), ServiceParser.parse(external, skips));
        Service other = Fixtures.service("ns", "o", "10.96.0.1", Fixtures.port("", "TCP", 80))
                .withMetadata(Fixtures.meta("ns", "o", Map.of(ServiceParser.LABEL_PROXY_NAME, "someone-else")));
        assertEquals(List.of(), ServiceParser.parse(other, skips));
        Service none = Service.of(Fixtures.meta("ns", "x", null)).withSpec(Fixtures.spec("ClusterIP", List.of(), List.of(Fixtures.port("", "TCP", 80))));
        assertEquals(List.of(), ServiceParser.parse(none, skips));
        assertEquals(List.of(), skipped, "none of these is an error");
    }

    @Test
    void invalidPartsAreSkippedAndReported() {
        Service s = Fixtures.service("ns", "bad", "10.96.0.11", Fixtures.port("a", "TCP", 0), Fixtures.port("b", "ICMP", 80),
                Fixtures.port("c", "TCP", 70000), Fixtures.port("ok", "TCP", 80), Fixtures.port("ok", "TCP", 81));
        s = s.withSpec(s.spec().withType("LoadBalancer"));
        s = s.withSpec(new dev.nodenet.api.model.ServiceSpec("LoadBalancer", "10.96.0.11", List.of("10.96.0.11", "300.1.1.1"), null, null,
                s.spec().ports(), null, null, null, List.of("1.2.3.4", "01.2.3.4", "not-an-ip"), null, null, null, null, null,
                List.of("10.0.0.0/8", "10.0.0.0/40"), null, null, null, null));
        s = s.withStatus(new ServiceStatus(new LoadBalancerStatus(List.of(new LoadBalancerIngress("203.0.113.1", null, null, null),
                new LoadBalancerIngress("203.0.113.2", null, "Proxy", null), new LoadBalancerIngress("bogus", null, null, null))), null));
        List<ServiceInfo> infos = ServiceParser.parse(s, skips);
        assertEquals(1, infos.size());
        ServiceInfo i = infos.getFirst();
        assertEquals(List.of("10.96.0.11"), i.clusterIPs());
        assertEquals(List.of("1.2.3.4"), i.externalIPs());
        assertEquals(List.of("203.0.113.1"), i.loadBalancerIPs(), "ipMode Proxy and invalid ingress IPs left out");
        assertEquals(List.of("10.0.0.0/8"), i.loadBalancerSourceRanges());
        assertEquals(List.of("Service ns/bad invalid_port", "Service ns/bad invalid_protocol", "Service ns/bad invalid_port",
                "Service ns/bad duplicate_port", "Service ns/bad invalid_ip", "Service ns/bad invalid_ip",
                "Service ns/bad invalid_ip", "Service ns/bad invalid_ip", "Service ns/bad invalid_cidr").stream().sorted().toList(),
                skipped.stream().sorted().toList());
    }

    @Test
    void slicesMergeDeduplicateAndSkipInvalid() {
        EndpointSlice a = Fixtures.slice("ns", "web", "web-a", "IPv4",
                List.of(Fixtures.ep("10.0.0.2", "node-a"), Fixtures.ep("10.0.0.1", "node-b"), Fixtures.ep("fd00::1", "node-b"), Fixtures.ep("10.0.0.300", "x")),
                Fixtures.slicePort("http", "TCP", 8080), Fixtures.slicePort("bad", "TCP", 0));
        EndpointSlice b = Fixtures.slice("ns", "web", "web-b", "IPv4",
                List.of(Fixtures.ep("10.0.0.1", "node-b"), Fixtures.ep("10.0.0.10", "node-c")), Fixtures.slicePort("http", "TCP", 8080));
        EndpointSlice fqdn = Fixtures.slice("ns", "web", "web-c", "FQDN", List.of(Fixtures.ep("example.com", "x")), Fixtures.slicePort("http", "TCP", 8080));
        var map = EndpointSliceParser.parse("ns", "web", List.of(b, fqdn, a), "node-a", skips);
        ServicePortName http = new ServicePortName("ns", "web", "http", "TCP");
        assertEquals(List.of("10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.10:8080"), map.get(http).stream().map(EndpointInfo::endpoint).toList());
        assertTrue(map.get(http).get(1).local());
        assertEquals(3, skipped.size(), skipped.toString());
        assertTrue(skipped.stream().allMatch(s -> s.startsWith("EndpointSlice ns/web-a")));
    }

    @Test
    void anInvalidOnlyClusterIPLeavesTheWholeServiceOut() {
        Service s = Fixtures.service("ns", "bad", "999.1.1.1", Fixtures.port("http", "TCP", 80));
        assertEquals(List.of(), ServiceParser.parse(s, skips));
        assertEquals(List.of("Service ns/bad invalid_ip"), skipped);
    }

    @Test
    void badSliceContentIsSkippedPieceByPiece() {
        EndpointSlice s = Fixtures.slice("ns", "web", "web-x", "IPv4",
                List.of(Fixtures.ep("abc", "node-b"), Fixtures.ep("", "node-b"), Fixtures.ep("10.0.0.7", "node-b")),
                Fixtures.slicePort("http", "TCP", 8080), Fixtures.slicePort("high", "TCP", 70000), Fixtures.slicePort("http", "TCP", 9090),
                Fixtures.slicePort("zero", "TCP", 0));
        var map = EndpointSliceParser.parse("ns", "web", List.of(s), "node-a", skips);
        assertEquals(List.of("10.0.0.7:8080"), map.get(new ServicePortName("ns", "web", "http", "TCP")).stream().map(EndpointInfo::endpoint).toList(),
                "the first http entry wins; the duplicate does not mix in 9090");
        assertEquals(java.util.Set.of(new ServicePortName("ns", "web", "http", "TCP")), map.keySet());
        assertEquals(List.of("EndpointSlice ns/web-x duplicate_port", "EndpointSlice ns/web-x invalid_ip", "EndpointSlice ns/web-x invalid_ip",
                "EndpointSlice ns/web-x invalid_port", "EndpointSlice ns/web-x invalid_port"), skipped.stream().sorted().toList());
    }
}
