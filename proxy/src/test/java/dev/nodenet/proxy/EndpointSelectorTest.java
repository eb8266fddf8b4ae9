package dev.nodenet.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EndpointSelectorTest {
    static final ServicePortName NAME = new ServicePortName("ns", "svc", "http", "TCP");

    static ServiceInfo svc(boolean eTPLocal, boolean iTPLocal, int nodePort, boolean topology) {
        return new ServiceInfo(NAME, List.of("10.96.0.10"), 80, nodePort, List.of(), List.of(), List.of(), 0,
                eTPLocal, iTPLocal, 0, topology);
    }

    static EndpointInfo ep(String ip, boolean ready, boolean serving, boolean terminating, boolean local, String... zones) {
        return new EndpointInfo(ip, 8080, ready, serving, terminating, local ? "me" : "other", local, Set.of(zones));
    }

    static List<String> ips(List<EndpointInfo> eps) {
        return eps.stream().map(EndpointInfo::ip).toList();
    }

    @Test
    void readyEndpointsOnly() {
        Selection s = EndpointSelector.select(svc(false, false, 0, false), List.of(
                ep("10.0.0.1", true, true, false, false),
                ep("10.0.0.2", false, false, false, false),
                ep("10.0.0.3", false, true, true, false)), null);
        assertEquals(List.of("10.0.0.1"), ips(s.clusterEndpoints()));
        assertEquals(List.of(), s.localEndpoints());
        assertEquals(List.of("10.0.0.1"), ips(s.allReachable()));
        assertTrue(s.hasAnyEndpoints());
    }

    @Test
    void servingTerminatingFallbackWhenNoneReady() {
        Selection s = EndpointSelector.select(svc(false, false, 0, false), List.of(
                ep("10.0.0.2", false, false, true, false),
                ep("10.0.0.3", false, true, true, false)), null);
        assertEquals(List.of("10.0.0.3"), ips(s.clusterEndpoints()));
        assertTrue(s.hasAnyEndpoints());
    }

    @Test
    void notReadyNotServingMeansNoEndpoints() {
        Selection s = EndpointSelector.select(svc(false, false, 0, false), List.of(ep("10.0.0.2", false, false, false, false)), null);
        assertEquals(List.of(), s.allReachable());
        assertFalse(s.hasAnyEndpoints());
        assertFalse(EndpointSelector.select(svc(false, false, 0, false), List.of(), null).hasAnyEndpoints());
    }

    @Test
    void externalPolicyLocalUsesLocalEndpointsForExternalTraffic() {
        Selection s = EndpointSelector.select(svc(true, false, 30080, false), List.of(
                ep("10.0.0.1", true, true, false, false),
                ep("10.0.0.2", true, true, false, true)), null);
        assertEquals(List.of("10.0.0.1", "10.0.0.2"), ips(s.clusterEndpoints()));
        assertEquals(List.of("10.0.0.2"), ips(s.localEndpoints()));
        assertEquals(List.of("10.0.0.1", "10.0.0.2"), ips(s.allReachable()));
    }

    @Test
    void externalPolicyLocalWithoutNodePortIsIgnored() {
        // not externally accessible: eTP Local does not apply, so no local selection
        Selection s = EndpointSelector.select(svc(true, false, 0, false), List.of(ep("10.0.0.2", true, true, false, true)), null);
        assertEquals(List.of(), s.localEndpoints());
        assertEquals(List.of("10.0.0.2"), ips(s.clusterEndpoints()));
    }

    @Test
    void internalPolicyLocalUsesOnlyLocalEndpoints() {
        Selection s = EndpointSelector.select(svc(false, true, 0, false), List.of(
                ep("10.0.0.1", true, true, false, false),
                ep("10.0.0.2", true, true, false, true)), null);
        assertEquals(List.of(), s.clusterEndpoints());
        assertEquals(List.of("10.0.0.2"), ips(s.localEndpoints()));
        assertEquals(List.of("10.0.0.2"), ips(s.allReachable()));
    }

    @Test
    void localPolicyWithNoLocalEndpointsStillKnowsThereAreEndpoints() {
        Selection s = EndpointSelector.select(svc(false, true, 0, false), List.of(ep("10.0.0.1", true, true, false, false)), null);
        assertEquals(List.of(), s.allReachable());
        assertTrue(s.hasAnyEndpoints(), "DROP (no local endpoints), not REJECT (no endpoints)");
    }

    @Test
    void localServingTerminatingFallback() {
        Selection s = EndpointSelector.select(svc(false, true, 0, false), List.of(
                ep("10.0.0.1", true, true, false, false),
                ep("10.0.0.2", false, true, true, true),
                ep("10.0.0.3", false, false, true, true)), null);
        assertEquals(List.of("10.0.0.2"), ips(s.localEndpoints()));
    }

    @Test
    void localReadyBeatsLocalTerminating() {
        Selection s = EndpointSelector.select(svc(false, true, 0, false), List.of(
                ep("10.0.0.2", false, true, true, true),
                ep("10.0.0.4", true, true, false, true)), null);
        assertEquals(List.of("10.0.0.4"), ips(s.localEndpoints()));
    }

    @Test
    void zoneHintsUsedWhenAllReadyEndpointsHaveThemAndOneIsOurs() {
        List<EndpointInfo> eps = List.of(
                ep("10.0.0.1", true, true, false, false, "a"),
                ep("10.0.0.2", true, true, false, false, "b"),
                ep("10.0.0.3", true, true, false, false, "a", "c"));
        assertEquals(List.of("10.0.0.1", "10.0.0.3"), ips(EndpointSelector.select(svc(false, false, 0, true), eps, "a").clusterEndpoints()));
        assertEquals(List.of("10.0.0.2"), ips(EndpointSelector.select(svc(false, false, 0, true), eps, "b").clusterEndpoints()));
    }

    @Test
    void zoneHintsIgnoredWhenNotAskedForOrIncompleteOrNoneForUs() {
        List<EndpointInfo> eps = List.of(ep("10.0.0.1", true, true, false, false, "a"), ep("10.0.0.2", true, true, false, false, "b"));
        assertEquals(2, EndpointSelector.select(svc(false, false, 0, false), eps, "a").clusterEndpoints().size(), "Service did not ask");
        assertEquals(2, EndpointSelector.select(svc(false, false, 0, true), eps, null).clusterEndpoints().size(), "node has no zone");
        assertEquals(2, EndpointSelector.select(svc(false, false, 0, true), eps, "z").clusterEndpoints().size(), "no hint for our zone");
        List<EndpointInfo> partial = List.of(ep("10.0.0.1", true, true, false, false, "a"), ep("10.0.0.2", true, true, false, false));
        assertEquals(2, EndpointSelector.select(svc(false, false, 0, true), partial, "a").clusterEndpoints().size(), "one endpoint lacks hints");
        // hints on not-ready endpoints do not matter
        List<EndpointInfo> notReadyUnhinted = List.of(ep("10.0.0.1", true, true, false, false, "a"), ep("10.0.0.2", false, false, false, false));
        assertEquals(List.of("10.0.0.1"), ips(EndpointSelector.select(svc(false, false, 0, true), notReadyUnhinted, "a").clusterEndpoints()));
    }

    @Test
    void topologyAlsoFiltersTerminatingFallback() {
        List<EndpointInfo> eps = List.of(ep("10.0.0.1", true, true, false, false, "b"), ep("10.0.0.2", false, true, true, false, "a"));
        // the only ready endpoint is hinted for b; we are in a, so hints say: nothing for us -> hints ignored
        assertEquals(List.of("10.0.0.1"), ips(EndpointSelector.select(svc(false, false, 0, true), eps, "a").clusterEndpoints()));
    }
}
