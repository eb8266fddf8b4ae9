package dev.nodenet.controlplane.controller;

import static dev.nodenet.controlplane.controller.EndpointSliceControllerTest.SOON;
import static dev.nodenet.controlplane.controller.EndpointSliceControllerTest.WEB;
import static dev.nodenet.controlplane.controller.TestCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.server.ApiException;
import dev.nodenet.controlplane.server.Registry;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class EndpointsControllerTest {
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

    private String subsets(String name) {
        try {
            return c.registry.get(TestCluster.ENDPOINTS, "default", name).path("subsets").toString();
        } catch (ApiException e) {
            return "absent";
        }
    }

    @Test
    void endpointsMirrorReadyAndNotReadyPodsGroupedByPorts() {
        c.service("web", WEB, "[{\"name\":\"http\",\"port\":80,\"targetPort\":\"web\",\"protocol\":\"TCP\"}]");
        c.pod("a", WEB, "10.244.0.6", "n1", true, "[{\"name\":\"web\",\"containerPort\":8080}]");
        c.pod("b", WEB, "10.244.0.5", "n2", false, "[{\"name\":\"web\",\"containerPort\":8080}]");
        c.pod("c", WEB, "10.244.0.7", "n1", true, "[{\"name\":\"web\",\"containerPort\":9090}]");
        c.pod("other", "{\"app\":\"other\"}", "10.244.0.9", "n1", true);
        ObjectNode a = c.registry.get(TestCluster.PODS, "default", "a");
        ObjectNode b = c.registry.get(TestCluster.PODS, "default", "b");
        ObjectNode cc = c.registry.get(TestCluster.PODS, "default", "c");
        String expected = "[{\"addresses\":[{\"ip\":\"10.244.0.6\",\"nodeName\":\"n1\",\"targetRef\":" + Services.targetRef(a) + "}],"
                + "\"notReadyAddresses\":[{\"ip\":\"10.244.0.5\",\"nodeName\":\"n2\",\"targetRef\":" + Services.targetRef(b) + "}],"
                + "\"ports\":[{\"name\":\"http\",\"port\":8080,\"protocol\":\"TCP\"}]},"
                + "{\"addresses\":[{\"ip\":\"10.244.0.7\",\"nodeName\":\"n1\",\"targetRef\":" + Services.targetRef(cc) + "}],"
                + "\"ports\":[{\"name\":\"http\",\"port\":9090,\"protocol\":\"TCP\"}]}]";
        await("endpoints", SOON, () -> subsets("web").equals(expected));

        c.setPodStatus("b", "10.244.0.5", true);
        await("b ready", SOON, () -> subsets("web").contains("\"addresses\":[{\"ip\":\"10.244.0.5\""));
        c.registry.delete(TestCluster.PODS, "default", "c", Registry.Preconditions.NONE, false);
        await("c gone", SOON, () -> !subsets("web").contains("10.244.0.7"));
        c.markTerminating("a");
        await("terminating a left out", SOON, () -> !subsets("web").contains("10.244.0.6"));
    }

    @Test
    void endpointsOfSelectorlessServicesAreLeftAlone() throws Exception {
        c.service("ext", null, "[{\"port\":80}]");
        ObjectNode mine = c.registry.create(TestCluster.ENDPOINTS, "default", TestCluster.obj(
                "{\"metadata\":{\"name\":\"ext\"},\"subsets\":[{\"addresses\":[{\"ip\":\"192.0.2.1\"}],\"ports\":[{\"port\":80}]}]}"), false);
        c.service("web", "{\"app\":\"web\"}", "[{\"port\":80}]");
        await("web endpoints exist", SOON, () -> !subsets("web").equals("absent"));
        Thread.sleep(200);
        assertEquals(mine, c.registry.get(TestCluster.ENDPOINTS, "default", "ext"));
    }

    @Test
    void deletedEndpointsOfSelectorServiceComeBackAndGoWithTheService() {
        c.service("web", WEB, "[{\"port\":80}]");
        c.pod("a", WEB, "10.244.0.6", "n1", true);
        await("endpoints", SOON, () -> subsets("web").contains("10.244.0.6"));
        c.registry.delete(TestCluster.ENDPOINTS, "default", "web", Registry.Preconditions.NONE, false);
        await("recreated", SOON, () -> subsets("web").contains("10.244.0.6"));
        c.registry.delete(TestCluster.SERVICES, "default", "web", Registry.Preconditions.NONE, false);
        await("deleted with the service", SOON, () -> subsets("web").equals("absent"));
    }
}
