package dev.nodenet.controlplane.controller;

import static dev.nodenet.controlplane.controller.EndpointSliceControllerTest.SOON;
import static dev.nodenet.controlplane.controller.TestCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.server.Registry;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class NodeIpamControllerTest {
    @TempDir Path dir;

    private static List<String> cidrs(TestCluster c, String node) {
        return NodeIpamController.podCidrs(c.registry.get(TestCluster.NODES, null, node));
    }

    @Test
    void nodesGetDistinctCidrsAndADeletedNodesCidrIsReused() throws Exception {
        try (TestCluster c = new TestCluster(dir).startControllers(ControllerConfig.defaults())) {
            for (int i = 0; i < 5; i++) c.node("n" + i);
            await("all nodes have CIDRs", SOON, () -> {
                for (int i = 0; i < 5; i++) if (cidrs(c, "n" + i).isEmpty()) return false;
                return true;
            });
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                List<String> got = cidrs(c, "n" + i);
                assertEquals(1, got.size());
                assertTrue(got.getFirst().matches("10\\.244\\.[0-4]\\.0/24"), got.toString());
                assertTrue(seen.add(got.getFirst()), "duplicate " + got);
                assertEquals(got.getFirst(), c.registry.get(TestCluster.NODES, null, "n" + i).path("spec").path("podCIDR").asText());
            }
            String freed = cidrs(c, "n2").getFirst();
            c.registry.delete(TestCluster.NODES, null, "n2", Registry.Preconditions.NONE, false);
            await("claim released", SOON, () -> c.store.get(NodeIpamController.claimKey(freed)).isEmpty());
            c.node("n5");
            await("n5 gets the freed CIDR", SOON, () -> cidrs(c, "n5").equals(List.of(freed)));
        }
    }

    @Test
    void restartKeepsAssignmentsAndDropsStaleClaims() throws Exception {
        List<String> before;
        try (TestCluster c = new TestCluster(dir).startControllers(ControllerConfig.defaults())) {
            c.node("a");
            c.node("b");
            await("CIDRs", SOON, () -> !cidrs(c, "a").isEmpty() && !cidrs(c, "b").isEmpty());
            before = List.of(cidrs(c, "a").getFirst(), cidrs(c, "b").getFirst());
            c.stopControllers();
            // While no controller runs: a node goes away, and a crash left a claim behind for a CIDR no node carries.
            c.registry.delete(TestCluster.NODES, null, "a", Registry.Preconditions.NONE, false);
            c.store.create(NodeIpamController.claimKey("10.244.9.0/24"), "{\"node\":\"ghost\",\"uid\":\"x\"}".getBytes());
        }
        try (TestCluster c = new TestCluster(dir).startControllers(ControllerConfig.defaults())) {
            c.node("c");
            await("c gets a CIDR", SOON, () -> !cidrs(c, "c").isEmpty());
            assertEquals(before.get(1), cidrs(c, "b").getFirst(), "b keeps its CIDR across the restart");
            assertEquals(before.get(0), cidrs(c, "c").getFirst(), "a's CIDR was free again, and it is the lowest");
            assertTrue(c.store.get(NodeIpamController.claimKey("10.244.9.0/24")).isEmpty(), "stale claim removed");
        }
    }

    @Test
    void dualStackNodesGetOneCidrPerFamily() throws Exception {
        ControllerConfig cfg = ControllerConfig.defaults().withClusterCidrs(List.of("10.244.0.0/16", "fd00:10:244::/56"));
        try (TestCluster c = new TestCluster(dir).startControllers(cfg)) {
            c.node("a");
            c.node("b");
            await("CIDRs", SOON, () -> cidrs(c, "a").size() == 2 && cidrs(c, "b").size() == 2);
            Set<String> all = new HashSet<>(cidrs(c, "a"));
            all.addAll(cidrs(c, "b"));
            assertEquals(Set.of("10.244.0.0/24", "10.244.1.0/24", "fd00:10:244::/64", "fd00:10:244:1::/64"), all);
        }
    }

    @Test
    void fullRangeLeavesNodeWithoutCidrUntilOneIsFreed() throws Exception {
        ControllerConfig cfg = ControllerConfig.defaults().withClusterCidrs(List.of("10.0.0.0/24")).withNodeCidrMaskSizes(25, 64);
        try (TestCluster c = new TestCluster(dir).startControllers(cfg)) {
            c.node("a");
            c.node("b");
            await("two CIDRs", SOON, () -> !cidrs(c, "a").isEmpty() && !cidrs(c, "b").isEmpty());
            c.node("c");
            Thread.sleep(300);
            assertEquals(List.of(), cidrs(c, "c"));
            String freed = cidrs(c, "a").getFirst();
            c.registry.delete(TestCluster.NODES, null, "a", Registry.Preconditions.NONE, false);
            await("c gets a's CIDR", SOON, () -> cidrs(c, "c").equals(List.of(freed)));
        }
    }

    @Test
    void cidrsSetByOthersAreRespected() throws Exception {
        try (TestCluster c = new TestCluster(dir)) {
            c.registry.create(TestCluster.NODES, null, TestCluster.obj("{\"metadata\":{\"name\":\"manual\"},\"spec\":{\"podCIDR\":\"10.244.0.0/24\",\"podCIDRs\":[\"10.244.0.0/24\"]}}"), false);
            c.startControllers(ControllerConfig.defaults());
            c.node("auto");
            await("auto", SOON, () -> !cidrs(c, "auto").isEmpty());
            assertEquals(List.of("10.244.1.0/24"), cidrs(c, "auto"));
        }
    }
}
