package dev.nodenet.controlplane.service;

import static dev.nodenet.controlplane.service.Harness.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.server.ApiException;
import dev.nodenet.controlplane.storage.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

class AllocationTest {
    @TempDir
    Path dir;
    SqliteStore store;

    @AfterEach
    void close() {
        if (store != null) store.close();
    }

    Harness harness(String ranges, String ports) {
        store = SqliteStore.open(dir);
        return new Harness(store, ServiceNetworkConfig.parse(ranges, ports));
    }

    static long lastOctets(String ip, int n) {
        String[] p = ip.split("\\.");
        long v = 0;
        for (int i = 4 - n; i < 4; i++) v = v * 256 + Long.parseLong(p[i]);
        return v;
    }

    @Test
    void bandSizesFollowKubeApiserver() {
        assertEquals(256, RangeAllocator.band(1 << 20, 16, 16, 256)); // /12
        assertEquals(16, RangeAllocator.band(256, 16, 16, 256));      // /24
        assertEquals(0, RangeAllocator.band(16, 16, 16, 256));        // /28: too small for a band
        assertEquals(86, RangeAllocator.band(2768, 16, 32, 128));     // 30000-32767
        assertEquals(128, RangeAllocator.band(20000, 16, 32, 128));
    }

    @Test
    void dynamicAllocationUsesTheUpperBand() {
        Harness h = harness("10.96.0.0/12", "30000-32767");
        for (int i = 0; i < 20; i++) {
            ObjectNode s = h.create(service("s" + i, "{'type':'NodePort','ports':[{'port':80}]}"));
            String ip = s.path("spec").path("clusterIP").asText();
            assertTrue(ip.startsWith("10.") && lastOctets(ip, 3) - lastOctets("10.96.0.0", 3) > 256, ip);
            assertEquals(List.of(ip), Svc.texts(s.path("spec"), "clusterIPs"));
            int np = s.path("spec").path("ports").get(0).path("nodePort").asInt();
            assertTrue(np >= 30086 && np <= 32767, "nodePort " + np);
        }
        assertEquals(40, h.recordKeys().size());
    }

    @Test
    void requestedValuesAreHonouredOrRefused() {
        Harness h = harness("10.96.0.0/12", "30000-32767");
        ObjectNode a = h.create(service("a", "{'type':'NodePort','clusterIP':'10.96.0.10','ports':[{'port':80,'nodePort':30010}]}"));
        assertEquals("10.96.0.10", a.path("spec").path("clusterIP").asText());
        assertEquals(30010, a.path("spec").path("ports").get(0).path("nodePort").asInt());

        ApiException ipTaken = assertThrows(ApiException.class, () -> h.create(service("b", "{'clusterIP':'10.96.0.10','ports':[{'port':80}]}")));
        assertEquals(422, ipTaken.code());
        assertEquals("Service \"b\" is invalid: spec.clusterIPs: Invalid value: [\"10.96.0.10\"]: failed to allocate IP 10.96.0.10: provided IP is already allocated", ipTaken.getMessage());

        ApiException outside = assertThrows(ApiException.class, () -> h.create(service("b", "{'clusterIP':'10.200.0.1','ports':[{'port':80}]}")));
        assertEquals("Service \"b\" is invalid: spec.clusterIPs: Invalid value: [\"10.200.0.1\"]: failed to allocate IP 10.200.0.1: the provided IP (10.200.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12", outside.getMessage());

        ApiException broadcast = assertThrows(ApiException.class, () -> h.create(service("b", "{'clusterIP':'10.111.255.255','ports':[{'port':80}]}")));
        assertTrue(broadcast.getMessage().contains("is not in the valid range"), broadcast.getMessage());

        ApiException portTaken = assertThrows(ApiException.class, () -> h.create(service("b", "{'type':'NodePort','ports':[{'port':80,'nodePort':30010}]}")));
        assertEquals("Service \"b\" is invalid: spec.ports[0].nodePort: Invalid value: 30010: provided port is already allocated", portTaken.getMessage());

        ApiException portOutside = assertThrows(ApiException.class, () -> h.create(service("b", "{'type':'NodePort','ports':[{'port':80,'nodePort':8080}]}")));
        assertEquals("Service \"b\" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767", portOutside.getMessage());

        // The refused creates left nothing behind: a's two records only.
        assertEquals(List.of("/registry/allocations/clusterips/10.96.0.10", "/registry/allocations/nodeports/30010"), h.recordKeys());
    }

    @Test
    void aFailedNodePortClaimReleasesTheIpClaimedBeforeIt() {
        Harness h = harness("10.96.0.0/12", "30000-32767");
        h.create(service("a", "{'type':'NodePort','ports':[{'port':80,'nodePort':30010}]}"));
        assertThrows(ApiException.class, () -> h.create(service("b", "{'type':'NodePort','clusterIP':'10.96.0.20','ports':[{'port':80,'nodePort':30010}]}")));
        assertFalse(h.recordKeys().contains("/registry/allocations/clusterips/10.96.0.20"));
        // ... so b can have it afterwards
        h.create(service("b", "{'clusterIP':'10.96.0.20','ports':[{'port':80}]}"));
    }

    @Test
    void aFailedStoreWriteReleasesTheClaims() {
        Harness h = harness("10.96.0.0/12", "30000-32767");
        h.create(service("a", "{'type':'NodePort','ports':[{'port':80}]}"));
        int before = h.recordKeys().size();
        ApiException dup = assertThrows(ApiException.class, () -> h.create(service("a", "{'type':'NodePort','clusterIP':'10.96.0.30','ports':[{'port':80,'nodePort':30030}]}")));
        assertEquals(409, dup.code());
        assertEquals(before, h.recordKeys().size());
    }

    @Test
    void portsDifferingOnlyInProtocolShareANodePort() {
        Harness h = harness("10.96.0.0/12", "30000-32767");
        ObjectNode s = h.create(service("dns", "{'type':'NodePort','ports':[{'name':'tcp','port':53},{'name':'udp','port':53,'protocol':'UDP'}]}"));
        int a = s.path("spec").path("ports").get(0).path("nodePort").asInt();
        assertEquals(a, s.path("spec").path("ports").get(1).path("nodePort").asInt());
        assertEquals(2, h.recordKeys().size());
    }

    @Test
    void healthCheckNodePortForLocalLoadBalancers() {
        Harness h = harness("10.96.0.0/12", "30000-32767");
        ObjectNode s = h.create(service("lb", "{'type':'LoadBalancer','externalTrafficPolicy':'Local','ports':[{'port':80}]}"));
        int hc = s.path("spec").path("healthCheckNodePort").asInt();
        assertTrue(hc >= 30000 && hc <= 32767);
        assertNotEquals(hc, s.path("spec").path("ports").get(0).path("nodePort").asInt());
        assertTrue(h.recordKeys().contains("/registry/allocations/nodeports/" + hc));
        ObjectNode noPorts = h.create(service("lb2", "{'type':'LoadBalancer','allocateLoadBalancerNodePorts':false,'ports':[{'port':80}]}"));
        assertFalse(noPorts.path("spec").path("ports").get(0).has("nodePort"));
        ApiException clash = assertThrows(ApiException.class, () -> h.create(service("lb3",
                "{'type':'LoadBalancer','externalTrafficPolicy':'Local','healthCheckNodePort':30200,'ports':[{'port':80,'nodePort':30200}]}")));
        assertEquals("Service \"lb3\" is invalid: spec.healthCheckNodePort: Invalid value: 30200: provided port is already allocated", clash.getMessage());
    }

    @Test
    void releaseOnDeleteAndOnTypeChange() {
        Harness h = harness("10.96.0.0/12", "30000-32767");
        ObjectNode s = h.create(service("a", "{'type':'NodePort','ports':[{'port':80}]}"));
        String ip = s.path("spec").path("clusterIP").asText();
        int np = s.path("spec").path("ports").get(0).path("nodePort").asInt();

        h.update(service("a", "{'type':'ClusterIP','ports':[{'port':80,'nodePort':" + np + "}]}"));
        assertEquals(List.of("/registry/allocations/clusterips/" + ip), h.recordKeys());
        assertFalse(h.get("a").path("spec").path("ports").get(0).has("nodePort"));
        assertEquals(ip, h.get("a").path("spec").path("clusterIP").asText());

        h.update(service("a", "{'type':'ExternalName','externalName':'x.example','clusterIP':'" + ip + "','clusterIPs':['" + ip + "'],'ipFamilies':['IPv4'],'ipFamilyPolicy':'SingleStack','internalTrafficPolicy':'Cluster','ports':[{'port':80}]}"));
        assertEquals(List.of(), h.recordKeys());
        assertFalse(h.get("a").path("spec").has("clusterIP"));

        ObjectNode back = h.update(service("a", "{'type':'NodePort','ports':[{'port':80}]}"));
        assertEquals(2, h.recordKeys().size());
        assertTrue(back.path("spec").path("clusterIP").asText().startsWith("10."));
        h.delete("a");
        assertEquals(List.of(), h.recordKeys());
    }

    @Test
    void updateKeepsValuesAndClaimsOnlyNewOnes() {
        Harness h = harness("10.96.0.0/12", "30000-32767");
        ObjectNode s = h.create(service("a", "{'type':'NodePort','ports':[{'name':'a','port':80}]}"));
        int np = s.path("spec").path("ports").get(0).path("nodePort").asInt();
        ObjectNode u = h.update(service("a", "{'type':'NodePort','ports':[{'name':'a','port':80},{'name':'b','port':81,'nodePort':30081}]}"));
        assertEquals(np, u.path("spec").path("ports").get(0).path("nodePort").asInt());
        assertEquals(s.path("spec").path("clusterIP"), u.path("spec").path("clusterIP"));
        assertEquals(3, h.recordKeys().size());
        // Moving a port to another nodePort releases the old one after the write.
        h.update(service("a", "{'type':'NodePort','ports':[{'name':'a','port':80,'nodePort':30090},{'name':'b','port':81,'nodePort':30081}]}"));
        Set<String> keys = new HashSet<>(h.recordKeys());
        assertTrue(keys.contains("/registry/allocations/nodeports/30090"));
        assertFalse(keys.contains("/registry/allocations/nodeports/" + np));
    }

    @Test
    void dryRunClaimsNothingButChecks() {
        Harness h = harness("10.96.0.0/12", "30000-32767");
        h.create(service("a", "{'clusterIP':'10.96.0.10','ports':[{'port':80}]}"));
        ObjectNode dry = h.create(service("b", "{'type':'NodePort','ports':[{'port':80}]}"), true);
        assertTrue(dry.path("spec").path("clusterIP").asText().startsWith("10."));
        assertTrue(dry.path("spec").path("ports").get(0).path("nodePort").asInt() >= 30000);
        assertEquals(1, h.recordKeys().size());
        ApiException taken = assertThrows(ApiException.class, () -> h.create(service("c", "{'clusterIP':'10.96.0.10','ports':[{'port':80}]}"), true));
        assertEquals(422, taken.code());
    }

    @Test
    void fullRangesFailLikeKubeApiserverAndNeverHandOutTheKubernetesIp() {
        Harness h = harness("10.0.0.0/28", "30000-30004");
        Set<String> ips = new HashSet<>();
        for (int i = 0; i < 13; i++) ips.add(h.create(service("s" + i, "{'ports':[{'port':80}]}")).path("spec").path("clusterIP").asText());
        assertEquals(13, ips.size());
        assertFalse(ips.contains("10.0.0.1"));
        assertFalse(ips.contains("10.0.0.0"));
        assertFalse(ips.contains("10.0.0.15"));
        ApiException full = assertThrows(ApiException.class, () -> h.create(service("x", "{'ports':[{'port':80}]}")));
        assertEquals(500, full.code());
        assertEquals("Internal error occurred: failed to allocate a serviceIP: range is full", full.getMessage());
        // A static request for the reserved first address still works (the kubernetes Service's own create).
        h.create(service("kubernetes", "{'clusterIP':'10.0.0.1','ports':[{'port':443}]}"));

    }

    @Test
    void fullNodePortRangeReleasesTheClaimsOfTheFailedCreate() {
        Harness h = harness("10.0.0.0/24", "30000-30004");
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 4; i++) ports.add(h.create(service("n" + i, "{'type':'NodePort','ports':[{'port':80}]}")).path("spec").path("ports").get(0).path("nodePort").asInt());
        assertEquals(4, ports.size());
        List<String> before = h.recordKeys();
        // Needs two node ports, one is left: the IP and the one port claimed are given back.
        ApiException full = assertThrows(ApiException.class, () -> h.create(service("y", "{'type':'NodePort','ports':[{'name':'a','port':80},{'name':'b','port':81}]}")));
        assertEquals(500, full.code());
        assertEquals("Internal error occurred: failed to allocate a nodePort: range is full", full.getMessage());
        assertEquals(before, h.recordKeys());
        ports.add(h.create(service("n4", "{'type':'NodePort','ports':[{'port':80}]}")).path("spec").path("ports").get(0).path("nodePort").asInt());
        assertEquals(Set.of(30000, 30001, 30002, 30003, 30004), ports);
    }

    @Test
    void dualStackAllocatesOnePerFamily() {
        Harness h = harness("10.96.0.0/12,fd00:10:96::/108", "30000-32767");
        ObjectNode s = h.create(service("a", "{'ipFamilyPolicy':'PreferDualStack','ports':[{'port':80}]}"));
        List<String> ips = Svc.texts(s.path("spec"), "clusterIPs");
        assertEquals(2, ips.size());
        assertTrue(ips.get(0).startsWith("10."));
        assertTrue(ips.get(1).startsWith("fd00:10:96::"), ips.get(1));
        assertEquals(List.of("IPv4", "IPv6"), Svc.texts(s.path("spec"), "ipFamilies"));
        ObjectNode v6 = h.create(service("b", "{'clusterIP':'fd00:10:96::0010','ports':[{'port':80}]}"));
        assertEquals("fd00:10:96::10", v6.path("spec").path("clusterIP").asText());
        assertEquals(List.of("IPv6"), Svc.texts(v6.path("spec"), "ipFamilies"));
        ApiException taken = assertThrows(ApiException.class, () -> h.create(service("c", "{'clusterIP':'fd00:10:96::10','ports':[{'port':80}]}")));
        assertTrue(taken.getMessage().endsWith("provided IP is already allocated"), taken.getMessage());
    }

    @Test
    void upgradeToDualStackAddsASecondaryAndDowngradeReleasesIt() {
        Harness h = harness("10.96.0.0/12,fd00:10:96::/108", "30000-32767");
        ObjectNode s = h.create(service("a", "{'ports':[{'port':80}]}"));
        String v4 = s.path("spec").path("clusterIP").asText();
        ObjectNode up = h.update(service("a", "{'ipFamilyPolicy':'PreferDualStack','ports':[{'port':80}]}"));
        List<String> ips = Svc.texts(up.path("spec"), "clusterIPs");
        assertEquals(v4, ips.get(0));
        assertTrue(ips.get(1).startsWith("fd00:10:96::"), ips.toString());
        assertEquals(2, h.recordKeys().size());
        h.update(service("a", "{'ipFamilyPolicy':'SingleStack','ipFamilies':['IPv4'],'clusterIP':'" + v4 + "','clusterIPs':['" + v4 + "'],'ports':[{'port':80}]}"));
        assertEquals(List.of(AllocationRecords.ipKey(v4)), h.recordKeys());
    }

    @Test
    void headlessAndExternalNameAllocateNothing() {
        Harness h = harness("10.96.0.0/12", "30000-32767");
        ObjectNode headless = h.create(service("h", "{'clusterIP':'None','ports':[{'port':80}]}"));
        assertEquals(List.of("None"), Svc.texts(headless.path("spec"), "clusterIPs"));
        h.create(service("e", "{'type':'ExternalName','externalName':'db.example.com'}"));
        assertEquals(List.of(), h.recordKeys());
    }
}
