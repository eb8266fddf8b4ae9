package dev.nodenet.controlplane.service;

import static dev.nodenet.controlplane.service.Harness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.server.Registry;
import dev.nodenet.controlplane.server.ResourceType;
import dev.nodenet.controlplane.storage.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

class KubernetesServiceTest {
    static final ResourceType SVC = ResourceType.byKind("Service");
    static final ResourceType EP = ResourceType.byKind("Endpoints");
    static final ResourceType SLICE = ResourceType.byKind("EndpointSlice");

    @TempDir
    Path dir;
    SqliteStore store;
    Registry registry;

    @BeforeEach
    void open() {
        store = SqliteStore.open(dir);
        registry = new Registry(store, new ObjectMapper(), Clock.systemUTC(), Map.of("Service", new ServiceStrategy(store, ServiceNetworkConfig.DEFAULT)));
        registry.create(ResourceType.byKind("Namespace"), null, json("{'metadata':{'name':'default'}}"), false);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void createsServiceEndpointsAndSlice() {
        KubernetesService.ensure(registry, ServiceNetworkConfig.DEFAULT, "192.0.2.7", 6443);
        ObjectNode svc = registry.get(SVC, "default", "kubernetes");
        assertEquals("10.96.0.1", svc.path("spec").path("clusterIP").asText());
        assertEquals(json("{'x':[{'name':'https','port':443,'protocol':'TCP','targetPort':6443}]}").get("x"), svc.path("spec").path("ports"));
        assertEquals("apiserver", svc.path("metadata").path("labels").path("component").asText());
        assertEquals(json("{'x':[{'addresses':[{'ip':'192.0.2.7'}],'ports':[{'name':'https','port':6443,'protocol':'TCP'}]}]}").get("x"),
                registry.get(EP, "default", "kubernetes").path("subsets"));
        ObjectNode slice = registry.get(SLICE, "default", "kubernetes");
        assertEquals("IPv4", slice.path("addressType").asText());
        assertEquals("kubernetes", slice.path("metadata").path("labels").path("kubernetes.io/service-name").asText());
        assertEquals(json("{'x':[{'addresses':['192.0.2.7'],'conditions':{'ready':true}}]}").get("x"), slice.path("endpoints"));
    }

    @Test
    void idempotentAndCorrectsDrift() {
        KubernetesService.ensure(registry, ServiceNetworkConfig.DEFAULT, "192.0.2.7", 6443);
        long rev = store.currentRevision();
        KubernetesService.ensure(registry, ServiceNetworkConfig.DEFAULT, "192.0.2.7", 6443);
        assertEquals(rev, store.currentRevision(), "a second start writes nothing");

        KubernetesService.ensure(registry, ServiceNetworkConfig.DEFAULT, "2001:db8::7", 7443);
        ObjectNode svc = registry.get(SVC, "default", "kubernetes");
        assertEquals(7443, svc.path("spec").path("ports").get(0).path("targetPort").asInt());
        assertEquals("10.96.0.1", svc.path("spec").path("clusterIP").asText());
        assertEquals("2001:db8::7", registry.get(EP, "default", "kubernetes").path("subsets").get(0).path("addresses").get(0).path("ip").asText());
        ObjectNode slice = registry.get(SLICE, "default", "kubernetes");
        assertEquals("IPv6", slice.path("addressType").asText());
        assertEquals(7443, slice.path("ports").get(0).path("port").asInt());
    }

    @Test
    void badArgumentsChangeNothing() {
        long rev = store.currentRevision();
        assertEquals("advertise address \"api.example\" is not an IP address",
                assertThrows(IllegalArgumentException.class, () -> KubernetesService.ensure(registry, ServiceNetworkConfig.DEFAULT, "api.example", 6443)).getMessage());
        assertEquals("secure port 0 is not between 1 and 65535",
                assertThrows(IllegalArgumentException.class, () -> KubernetesService.ensure(registry, ServiceNetworkConfig.DEFAULT, "192.0.2.7", 0)).getMessage());
        assertEquals(rev, store.currentRevision());
    }

    @Test
    void aClaimLeftByACrashedStartIsReleasedButNobodyElsesIs() {
        AllocationRecords records = new AllocationRecords(store, Clock.systemUTC());
        String key = AllocationRecords.ipKey("10.96.0.1");
        records.claim(key, "default", "dns", "uid-dns");
        KubernetesService.releaseStaleClaim(store, ServiceNetworkConfig.DEFAULT);
        assertEquals("dns", AllocationRecords.decode(store.get(key).orElseThrow().value()).name());

        store.delete(key, 0);
        records.claim(key, "default", "kubernetes", "uid-of-a-service-never-written");
        KubernetesService.releaseStaleClaim(store, ServiceNetworkConfig.DEFAULT);
        assertTrue(store.get(key).isEmpty());

        // Once the Service exists, its record is left alone.
        KubernetesService.ensure(registry, ServiceNetworkConfig.DEFAULT, "192.0.2.7", 6443);
        String uid = registry.get(SVC, "default", "kubernetes").path("metadata").path("uid").asText();
        records.claim(key, "default", "kubernetes", uid);
        KubernetesService.releaseStaleClaim(store, ServiceNetworkConfig.DEFAULT);
        assertTrue(store.get(key).isPresent());
    }

    @Test
    void repairGivesTheServiceCreatedBeforeWiringItsRecord() {
        // A registry without the Service strategy stands for a server that stored Services before allocation existed.
        Registry unwired = new Registry(store, new ObjectMapper(), Clock.systemUTC(), Map.of());
        KubernetesService.ensure(unwired, ServiceNetworkConfig.DEFAULT, "192.0.2.7", 6443);
        AllocationRepair.Result r = new AllocationRepair(store, ServiceNetworkConfig.DEFAULT).runOnce();
        assertEquals(1, r.recreated());
        assertEquals("kubernetes", AllocationRecords.decode(store.get(AllocationRecords.ipKey("10.96.0.1")).orElseThrow().value()).name());
    }
}
