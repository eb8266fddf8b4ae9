package dev.nodenet.api.client;

import static dev.nodenet.api.client.FakeApiServer.Ending.HOLD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodenet.api.codec.Json;
import dev.nodenet.api.model.EndpointSlice;
import dev.nodenet.api.model.ListMeta;
import dev.nodenet.api.model.ObjectList;
import dev.nodenet.api.model.ObjectMeta;
import dev.nodenet.api.model.Service;
import dev.nodenet.api.model.ServicePort;
import dev.nodenet.api.model.ServiceSpec;
import dev.nodenet.api.model.Status;
import dev.nodenet.api.model.WatchEvent;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KubeClientTest {
    private FakeApiServer server;
    private KubeClient client;

    @BeforeEach
    void setUp() throws Exception {
        server = new FakeApiServer();
        client = new KubeClient(KubeConfig.of(server.uri()));
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private static final Service WEB = Service.of(ObjectMeta.of("default", "web").withResourceVersion("5"))
            .withSpec(ServiceSpec.empty().withPorts(List.of(ServicePort.tcp("http", 80))));

    @Test
    void crudRequestsUseKubePathsMethodsAndContentTypes() throws Exception {
        server.other = r -> new FakeApiServer.Response(r.method().equals("POST") ? 201 : 200,
                r.method().equals("DELETE") ? Json.write(new Status("v1", "Status", null, "Success", null, null, null, 200))
                        : Json.write(WEB));

        assertEquals(WEB, client.get(Resource.SERVICES, "default", "web"));
        FakeApiServer.Request r = server.nextRequest();
        assertEquals("GET /api/v1/namespaces/default/services/web", r.method() + " " + r.path());
        assertNull(r.authorization());

        assertEquals(WEB, client.create(Resource.SERVICES, "default", WEB));
        r = server.nextRequest();
        assertEquals("POST /api/v1/namespaces/default/services application/json", r.method() + " " + r.path() + " " + r.contentType());
        assertEquals(WEB, Json.read(r.body(), Service.class));

        client.update(Resource.SERVICES, "default", "web", WEB);
        r = server.nextRequest();
        assertEquals("PUT /api/v1/namespaces/default/services/web", r.method() + " " + r.path());

        client.patch(Resource.SERVICES, "default", "web", KubeClient.PatchType.MERGE, Map.of("metadata", Map.of("labels", Map.of("a", "b"))));
        r = server.nextRequest();
        assertEquals("PATCH application/merge-patch+json {\"metadata\":{\"labels\":{\"a\":\"b\"}}}",
                r.method() + " " + r.contentType() + " " + r.body());

        client.patch(Resource.NODES, null, "n1", KubeClient.PatchType.JSON,
                List.of(Map.of("op", "replace", "path", "/spec/podCIDR", "value", "10.244.1.0/24")));
        r = server.nextRequest();
        assertEquals("/api/v1/nodes/n1 application/json-patch+json", r.path() + " " + r.contentType());

        JsonNode deleted = client.delete(Resource.ENDPOINT_SLICES, "default", "web-abc");
        r = server.nextRequest();
        assertEquals("DELETE /apis/discovery.k8s.io/v1/namespaces/default/endpointslices/web-abc", r.method() + " " + r.path());
        assertEquals("Success", deleted.path("status").asText());
    }

    @Test
    void listSendsOptionsAndDecodesTypedItems() throws Exception {
        server.listPath = "/apis/discovery.k8s.io/v1/endpointslices";
        EndpointSlice slice = EndpointSlice.of(ObjectMeta.of("default", "web-abc")).withAddressType("IPv4");
        server.lists.add(Json.write(new ObjectList<>("discovery.k8s.io/v1", "EndpointSliceList", new ListMeta("77", "next", null),
                List.of(slice))));
        ObjectList<EndpointSlice> list = client.list(Resource.ENDPOINT_SLICES, null, ListOptions.NONE
                .withLabelSelector("kubernetes.io/service-name in (a,b),!service.kubernetes.io/headless")
                .withFieldSelector("metadata.namespace!=kube-system").withLimit(500L).withContinueToken("c1"));
        assertEquals("77", list.resourceVersion());
        assertEquals(List.of(slice), list.items());
        FakeApiServer.Request r = server.nextRequest();
        assertEquals("kubernetes.io/service-name in (a,b),!service.kubernetes.io/headless", r.q("labelSelector"));
        assertEquals("metadata.namespace!=kube-system", r.q("fieldSelector"));
        assertEquals("500", r.q("limit"));
        assertEquals("c1", r.q("continue"));
        assertNull(r.q("watch"));
    }

    @Test
    void errorsCarryTheServersStatusOrASynthesisedOne() throws Exception {
        server.other = r -> switch (r.path()) {
            case "/api/v1/namespaces/default/services/gone" -> new FakeApiServer.Response(404,
                    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"services \\\"gone\\\" not found\","
                            + "\"reason\":\"NotFound\",\"details\":{\"name\":\"gone\",\"kind\":\"services\"},\"code\":404}");
            default -> new FakeApiServer.Response(500, "database on fire");
        };
        KubeApiException e = assertThrows(KubeApiException.class, () -> client.get(Resource.SERVICES, "default", "gone"));
        assertEquals(404, e.code());
        assertEquals("NotFound", e.reason());
        assertEquals("gone", e.status().details().name());
        assertEquals("GET /api/v1/namespaces/default/services/gone: 404 NotFound: services \"gone\" not found", e.getMessage());
        assertFalse(e.isGone());

        e = assertThrows(KubeApiException.class, () -> client.get(Resource.SERVICES, "default", "other"));
        assertEquals(500, e.code());
        assertEquals("InternalError", e.reason());
        assertEquals("database on fire", e.status().message());

        server.close();
        assertThrows(UncheckedIOException.class, () -> client.get(Resource.SERVICES, "default", "web"));
    }

    @Test
    void watchParsesEventsAsTheyArriveAndCloseUnblocksTheReader() throws Exception {
        server.watches.add(FakeApiServer.stream(HOLD, Json.write(WatchEvent.of(WatchEvent.ADDED, WEB))));
        // HTTP/2 forced on plain http: the JDK server ignores the h2c upgrade and answers with HTTP/1.1
        KubeClient h2 = new KubeClient(KubeConfig.of(server.uri()), HttpClient.Version.HTTP_2, Duration.ofSeconds(5));
        Watch watch = h2.watch(Resource.SERVICES, "default", ListOptions.NONE.withResourceVersion("4").withTimeoutSeconds(60));
        FakeApiServer.Request r = server.nextRequest();
        assertEquals("/api/v1/namespaces/default/services", r.path());
        assertEquals(Map.of("watch", "1", "allowWatchBookmarks", "true", "resourceVersion", "4", "timeoutSeconds", "60"), r.query());

        WatchEvent first = watch.next(); // the stream is still open: parsed incrementally
        assertEquals(WatchEvent.ADDED, first.type());
        assertEquals(WEB, first.objectAs(Service.class));

        CompletableFuture<WatchEvent> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return watch.next();
            } catch (java.io.IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Thread.sleep(200);
        assertFalse(blocked.isDone());
        watch.close();
        assertNull(blocked.get(2, TimeUnit.SECONDS));
    }

    @Test
    void watchWithAnExpiredVersionFailsWithGone() {
        server.watches.add(FakeApiServer.status(410, Json.write(Status.failure(410, "Expired", "too old resource version"))));
        KubeApiException e = assertThrows(KubeApiException.class,
                () -> client.watch(Resource.NODES, null, ListOptions.NONE.withResourceVersion("1")));
        assertTrue(e.isGone());
        assertEquals("Expired", e.reason());
    }

    @Test
    void resourcePaths() {
        assertEquals("/api/v1/services", Resource.SERVICES.path(null, null));
        assertEquals("/api/v1/namespaces/kube-system/pods", Resource.PODS.path("kube-system", null));
        assertEquals("/api/v1/nodes/n1", Resource.NODES.path("ignored", "n1"));
        assertEquals("discovery.k8s.io/v1", Resource.ENDPOINT_SLICES.apiVersion());
        assertThrows(IllegalArgumentException.class, () -> Resource.SERVICES.path(null, "web"));
        assertThrows(IllegalArgumentException.class, () -> Resource.SERVICES.path("default", "../secrets"));
        assertThrows(IllegalArgumentException.class, () -> Resource.SERVICES.path("a b", null));
    }
}
