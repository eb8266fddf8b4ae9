package dev.nodenet.controlplane.controller;

import static dev.nodenet.controlplane.controller.TestCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.server.Registry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class EndpointSliceControllerTest {
    static final Duration SOON = Duration.ofSeconds(5);
    static final String WEB = "{\"app\":\"web\"}";
    static final String PORT_80 = "[{\"name\":\"http\",\"port\":80,\"targetPort\":8080,\"protocol\":\"TCP\"}]";

    @TempDir Path dir;
    TestCluster c;

    @BeforeEach
    void start() {
        c = new TestCluster(dir).startControllers(ControllerConfig.defaults());
    }

    @AfterEach
    void stop() throws Exception {
        c.close();
    }

    @Test
    void podBecomingReadyMakesItsEndpointReadyWithinASecond() {
        ObjectNode svc = c.service("web", WEB, PORT_80);
        c.node("n1");
        c.pod("web-1", WEB, "10.244.0.5", "n1", false);
        await("not-ready endpoint", SOON, () -> c.endpoints("web").containsKey("web-1"));
        JsonNode ep = c.endpoints("web").get("web-1");
        assertEquals("{\"ready\":false,\"serving\":false,\"terminating\":false}", ep.get("conditions").toString());

        long t0 = System.nanoTime();
        c.setPodStatus("web-1", "10.244.0.5", true);
        await("ready endpoint", Duration.ofSeconds(1), () -> c.endpoints("web").get("web-1").path("conditions").path("ready").asBoolean());
        System.out.printf("pod Ready -> slice ready: %.1f ms%n", (System.nanoTime() - t0) / 1e6);

        List<ObjectNode> slices = c.slices("web");
        assertEquals(1, slices.size());
        ObjectNode s = slices.getFirst();
        assertEquals("IPv4", s.path("addressType").asText());
        assertTrue(s.path("metadata").path("name").asText().startsWith("web-"));
        assertEquals("endpointslice-controller.k8s.io", s.path("metadata").path("labels").path("endpointslice.kubernetes.io/managed-by").asText());
        JsonNode owner = s.path("metadata").path("ownerReferences").get(0);
        assertEquals("v1", owner.path("apiVersion").asText());
        assertEquals("Service", owner.path("kind").asText());
        assertEquals("web", owner.path("name").asText());
        assertEquals(svc.path("metadata").path("uid").asText(), owner.path("uid").asText());
        assertTrue(owner.path("controller").asBoolean() && owner.path("blockOwnerDeletion").asBoolean());
        assertEquals("[{\"name\":\"http\",\"port\":8080,\"protocol\":\"TCP\"}]", s.path("ports").toString());
        JsonNode e = s.path("endpoints").get(0);
        assertEquals("[\"10.244.0.5\"]", e.path("addresses").toString());
        assertEquals("n1", e.path("nodeName").asText());
        assertEquals("Pod", e.path("targetRef").path("kind").asText());
        assertEquals("web-1", e.path("targetRef").path("name").asText());
    }

    @Test
    void deletedPodDisappearsAndPlaceholderRemains() {
        c.service("web", WEB, PORT_80);
        c.pod("web-1", WEB, "10.244.0.5", "n1", true);
        c.pod("web-2", WEB, "10.244.0.6", "n1", true);
        await("two endpoints", SOON, () -> c.endpoints("web").size() == 2);
        c.registry.delete(TestCluster.PODS, "default", "web-1", Registry.Preconditions.NONE, false);
        await("web-1 gone", SOON, () -> c.endpoints("web").keySet().equals(Set.of("web-2")));
        c.registry.delete(TestCluster.PODS, "default", "web-2", Registry.Preconditions.NONE, false);
        await("no endpoints", SOON, () -> c.endpoints("web").isEmpty());
        // Upstream keeps one empty slice so clients can tell "no endpoints" from "not synced".
        assertEquals(1, c.slices("web").size());
    }

    @Test
    void serviceWithoutPodsGetsOnePlaceholderThatIsReused() {
        c.service("web", WEB, PORT_80);
        await("placeholder", SOON, () -> c.slices("web").size() == 1);
        String name = c.slices("web").getFirst().path("metadata").path("name").asText();
        assertEquals(0, c.slices("web").getFirst().path("endpoints").size());
        c.pod("web-1", WEB, "10.244.0.5", "n1", true);
        await("endpoint", SOON, () -> c.endpoints("web").containsKey("web-1"));
        assertEquals(List.of(name), c.slices("web").stream().map(s -> s.path("metadata").path("name").asText()).toList());
    }

    @Test
    void terminatingPodIsServingButNotReady() {
        c.service("web", WEB, PORT_80);
        c.pod("web-1", WEB, "10.244.0.5", "n1", true);
        await("ready", SOON, () -> c.endpoints("web").containsKey("web-1"));
        c.markTerminating("web-1");
        await("terminating", SOON, () -> c.endpoints("web").get("web-1").path("conditions").path("terminating").asBoolean());
        assertEquals("{\"ready\":false,\"serving\":true,\"terminating\":true}", c.endpoints("web").get("web-1").get("conditions").toString());
    }

    @Test
    void publishNotReadyAddressesMakesEveryEndpointReady() {
        c.service("web", WEB, PORT_80, "\"publishNotReadyAddresses\":true,");
        c.pod("web-1", WEB, "10.244.0.5", "n1", false);
        await("endpoint", SOON, () -> c.endpoints("web").containsKey("web-1"));
        assertEquals("{\"ready\":true,\"serving\":true,\"terminating\":false}", c.endpoints("web").get("web-1").get("conditions").toString());
    }

    @Test
    void podsWithoutIpOrNodeAreSkipped() {
        c.service("web", WEB, PORT_80);
        c.pod("no-ip", WEB, null, "n1", false);
        c.registry.create(TestCluster.PODS, "default", TestCluster.obj("{\"metadata\":{\"name\":\"unscheduled\",\"labels\":" + WEB + "},\"spec\":{\"containers\":[]}}"), false);
        c.pod("web-1", WEB, "10.244.0.5", "n1", true);
        await("endpoint", SOON, () -> c.endpoints("web").containsKey("web-1"));
        assertEquals(Set.of("web-1"), c.endpoints("web").keySet());
    }

    @Test
    void twoHundredFiftyPodsFillThreeSlices() {
        c.service("web", WEB, PORT_80);
        for (int i = 0; i < 250; i++) c.pod("web-" + i, WEB, "10.244." + (i / 200) + "." + (i % 200 + 1), "n1", true);
        await("250 endpoints", Duration.ofSeconds(20), () -> c.endpoints("web").size() == 250);
        List<Integer> sizes = new ArrayList<>();
        for (ObjectNode s : c.slices("web")) sizes.add(s.path("endpoints").size());
        sizes.sort(null);
        assertEquals(List.of(50, 100, 100), sizes);
    }

    @Test
    void readinessChangeRewritesOnlyTheSliceHoldingThePod() throws Exception {
        c.service("web", WEB, PORT_80);
        for (int i = 0; i < 150; i++) c.pod("web-" + i, WEB, "10.244.1." + (i + 1), "n1", true);
        await("150 endpoints", Duration.ofSeconds(20), () -> c.endpoints("web").size() == 150);
        Thread.sleep(200); // let the last sync settle
        Map<String, String> before = versions();
        String holder = null;
        for (ObjectNode s : c.slices("web")) {
            for (JsonNode ep : s.path("endpoints")) if (ep.path("targetRef").path("name").asText().equals("web-7")) holder = s.path("metadata").path("name").asText();
        }
        c.setPodStatus("web-7", "10.244.1.8", false);
        await("not ready", SOON, () -> !c.endpoints("web").get("web-7").path("conditions").path("ready").asBoolean());
        Map<String, String> after = versions();
        assertEquals(before.keySet(), after.keySet());
        for (String name : before.keySet()) {
            if (name.equals(holder)) assertFalse(before.get(name).equals(after.get(name)));
            else assertEquals(before.get(name), after.get(name), "slice " + name + " was rewritten");
        }
    }

    private Map<String, String> versions() {
        Map<String, String> out = new HashMap<>();
        for (ObjectNode s : c.slices("web")) out.put(s.path("metadata").path("name").asText(), s.path("metadata").path("resourceVersion").asText());
        return out;
    }

    @Test
    void namedTargetPortResolvesPerPodIntoSeparateSlices() {
        c.service("web", WEB, "[{\"name\":\"http\",\"port\":80,\"targetPort\":\"web\",\"protocol\":\"TCP\"}]");
        c.pod("a", WEB, "10.244.0.5", "n1", true, "[{\"name\":\"web\",\"containerPort\":8080,\"protocol\":\"TCP\"}]");
        c.pod("b", WEB, "10.244.0.6", "n1", true, "[{\"name\":\"web\",\"containerPort\":9090}]");
        c.pod("c", WEB, "10.244.0.7", "n1", true, "[{\"name\":\"web\",\"containerPort\":8080,\"protocol\":\"TCP\"}]");
        await("three endpoints", SOON, () -> c.endpoints("web").size() == 3);
        Map<Integer, Set<String>> byPort = new HashMap<>();
        for (ObjectNode s : c.slices("web")) {
            Set<String> names = new TreeSet<>();
            s.path("endpoints").forEach(ep -> names.add(ep.path("targetRef").path("name").asText()));
            byPort.put(s.path("ports").get(0).path("port").asInt(), names);
        }
        assertEquals(Map.of(8080, Set.of("a", "c"), 9090, Set.of("b")), byPort);
    }

    @Test
    void slicesOfSelectorlessServicesAreLeftAlone() throws Exception {
        c.service("ext", null, PORT_80);
        ObjectNode mine = c.registry.create(TestCluster.SLICES, "default", TestCluster.obj("""
                {"metadata":{"name":"ext-manual","labels":{"kubernetes.io/service-name":"ext","endpointslice.kubernetes.io/managed-by":"me"}},
                 "addressType":"IPv4","endpoints":[{"addresses":["192.0.2.1"]}],"ports":[{"name":"http","port":80}]}"""), false);
        c.pod("web-1", "{\"app\":\"ext\"}", "10.244.0.5", "n1", true);
        c.service("web", WEB, PORT_80); // a sync elsewhere, to know the controller has caught up
        await("web placeholder", SOON, () -> c.slices("web").size() == 1);
        Thread.sleep(200);
        List<ObjectNode> slices = c.slices("ext");
        assertEquals(1, slices.size());
        assertEquals(mine, slices.getFirst());
    }

    @Test
    void userEditsToManagedSlicesAreUndone() {
        c.service("web", WEB, PORT_80);
        c.pod("web-1", WEB, "10.244.0.5", "n1", true);
        await("endpoint", SOON, () -> c.endpoints("web").containsKey("web-1"));
        String name = c.slices("web").getFirst().path("metadata").path("name").asText();
        c.registry.patch(TestCluster.SLICES, "default", name, s -> {
            s.putArray("endpoints");
            return s;
        }, Registry.Part.MAIN, false);
        await("repaired", SOON, () -> c.endpoints("web").containsKey("web-1"));
    }

    @Test
    void dualStackServiceGetsASliceSetPerFamilyAndZonesFromNodes() {
        c.registry.create(TestCluster.NODES, null, TestCluster.obj("{\"metadata\":{\"name\":\"n1\",\"labels\":{\"topology.kubernetes.io/zone\":\"z1\"}}}"), false);
        c.service("web", WEB, PORT_80, "\"ipFamilies\":[\"IPv4\",\"IPv6\"],");
        c.pod("web-1", WEB, "10.244.0.5", "n1", true);
        c.registry.patch(TestCluster.PODS, "default", "web-1", p -> {
            TestCluster.ArrayNodeHelper.ips((ObjectNode) p.get("status"), "10.244.0.5", "fd00::5");
            return p;
        }, Registry.Part.STATUS, false);
        await("two families", SOON, () -> {
            Map<String, String> byFamily = new HashMap<>();
            for (ObjectNode s : c.slices("web")) {
                for (JsonNode ep : s.path("endpoints")) byFamily.put(s.path("addressType").asText(), ep.path("addresses").get(0).asText());
            }
            return byFamily.equals(Map.of("IPv4", "10.244.0.5", "IPv6", "fd00::5"));
        });
        assertEquals("z1", c.endpoints("web").get("web-1").path("zone").asText());
        c.registry.patch(TestCluster.NODES, null, "n1", n -> {
            ((ObjectNode) n.path("metadata").path("labels")).put("topology.kubernetes.io/zone", "z2");
            return n;
        }, Registry.Part.MAIN, false);
        await("zone follows node", SOON, () -> c.slices("web").stream().allMatch(s -> s.path("endpoints").path(0).path("zone").asText().equals("z2")));
    }

    @Test
    void garbageCollectorRemovesSlicesAndEndpointsOfDeletedService() {
        c.service("web", WEB, PORT_80);
        c.pod("web-1", WEB, "10.244.0.5", "n1", true);
        await("slice and endpoints", SOON, () -> !c.slices("web").isEmpty() && c.registry.list(TestCluster.ENDPOINTS, "default", o -> true).items().size() == 1);
        c.registry.delete(TestCluster.SERVICES, "default", "web", Registry.Preconditions.NONE, false);
        await("slices gone", SOON, () -> c.slices("web").isEmpty());
        await("endpoints gone", SOON, () -> c.registry.list(TestCluster.ENDPOINTS, "default", o -> true).items().isEmpty());
    }

    @Test
    void resyncWithoutChangesWritesNothing() throws Exception {
        c.service("web", WEB, PORT_80);
        for (int i = 0; i < 5; i++) c.pod("web-" + i, WEB, "10.244.1." + (i + 1), "n1", true);
        await("5 endpoints", SOON, () -> c.endpoints("web").size() == 5);
        Thread.sleep(200);
        long rev = c.store.currentRevision();
        c.stopControllers();
        c.startControllers(ControllerConfig.defaults()); // full resync of everything from a fresh list
        Thread.sleep(500);
        assertEquals(rev, c.store.currentRevision(), "a restart with nothing changed must not write");
    }

    @Test
    void headlessServicePublishesHostnamesOfPodsInItsSubdomain() {
        c.service("db", "{\"app\":\"db\"}", PORT_80, "\"clusterIP\":\"None\",");
        c.registry.create(TestCluster.PODS, "default", TestCluster.obj("""
                {"metadata":{"name":"db-0","labels":{"app":"db"}},
                 "spec":{"nodeName":"n1","hostname":"db-0","subdomain":"db","containers":[]}}"""), false);
        c.setPodStatus("db-0", "10.244.0.9", true);
        c.pod("other", "{\"app\":\"db\"}", "10.244.0.10", "n1", true);
        await("endpoints", SOON, () -> c.endpoints("db").size() == 2);
        assertEquals("db-0", c.endpoints("db").get("db-0").path("hostname").asText());
        assertTrue(c.endpoints("db").get("other").path("hostname").isMissingNode());
        assertEquals("", c.slices("db").getFirst().path("metadata").path("labels").path("service.kubernetes.io/headless").asText("absent"));
        await("Endpoints hostname", SOON, () -> c.registry.list(TestCluster.ENDPOINTS, "default", o -> true).items().toString().contains("\"hostname\":\"db-0\""));
    }
}
