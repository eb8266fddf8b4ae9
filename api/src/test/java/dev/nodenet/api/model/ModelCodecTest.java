package dev.nodenet.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodenet.api.codec.Json;
import dev.nodenet.api.codec.Yaml;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelCodecTest {
    private static final String SERVICE = """
            {"apiVersion":"v1","kind":"Service","futureTopLevel":{"a":[1,2.50,"x"],"b":null},
             "metadata":{"name":"web","namespace":"default","resourceVersion":"7","labels":{"app":"web"},
                         "managedFields":[{"manager":"kubectl","operation":"Apply"}],"creationTimestamp":"2024-01-02T03:04:05Z"},
             "spec":{"type":"NodePort","clusterIP":"10.96.0.10","clusterIPs":["10.96.0.10"],"ipFamilies":["IPv4"],
                     "ipFamilyPolicy":"SingleStack","selector":{"app":"web"},"sessionAffinity":"ClientIP",
                     "sessionAffinityConfig":{"clientIP":{"timeoutSeconds":10800,"futureClientIP":true}},
                     "externalTrafficPolicy":"Local","healthCheckNodePort":31000,"futureSpecField":"keep me",
                     "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":"http-alt","nodePort":30080,
                               "futurePortField":{"deep":[{"x":1}]}},
                              {"name":"dns","protocol":"UDP","port":53,"targetPort":5353}]},
             "status":{"loadBalancer":{"ingress":[{"ip":"1.2.3.4","ipMode":"Proxy","ports":[{"port":80,"protocol":"TCP"}]}]}}}
            """;

    @Test
    void serviceRoundTripKeepsUnknownFieldsAtEveryLevel() throws Exception {
        Service svc = Json.read(SERVICE, Service.class);
        assertEquals("web", svc.name());
        assertEquals("default/web", svc.key());
        assertEquals(IntOrString.of("http-alt"), svc.spec().ports().get(0).targetPort());
        assertEquals(IntOrString.of(5353), svc.spec().ports().get(1).targetPort());
        assertEquals(10800, svc.spec().sessionAffinityConfig().clientIP().timeoutSeconds());
        assertEquals("keep me", svc.spec().extra().get("futureSpecField"));
        assertTrue(svc.spec().ports().get(0).extra().containsKey("futurePortField"));
        assertTrue(svc.metadata().extra().containsKey("managedFields"));
        assertEquals("Proxy", svc.status().loadBalancer().ingress().get(0).ipMode());

        JsonNode expected = Json.mapper().readTree(SERVICE);
        JsonNode actual = Json.mapper().readTree(Json.write(svc));
        assertEquals(expected, actual);
        // the decimal keeps its written form, not 2.5
        assertTrue(Json.write(svc).contains("2.50"));
        // decoding the encoding gives an equal record
        assertEquals(svc, Json.read(Json.write(svc), Service.class));
    }

    @Test
    void nullsAreOmittedOnOutputAndEmptyCollectionsKept() throws Exception {
        Service svc = Service.of(ObjectMeta.of("ns", "s")).withSpec(ServiceSpec.empty().withPorts(List.of()));
        assertEquals("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\",\"namespace\":\"ns\"},\"spec\":{\"ports\":[]}}",
                Json.write(svc));
    }

    @Test
    void recordsAreImmutable() {
        Service svc = Json.read(SERVICE, Service.class);
        assertThrows(UnsupportedOperationException.class, () -> svc.spec().ports().clear());
        assertThrows(UnsupportedOperationException.class, () -> svc.metadata().labels().put("x", "y"));
        assertThrows(UnsupportedOperationException.class, () -> svc.extra().put("x", "y"));
    }

    @Test
    void intOrStringAcceptsOnlyIntsAndStrings() throws Exception {
        record Holder(IntOrString v) {
        }
        assertEquals(IntOrString.of(8080), Json.read("{\"v\":8080}", Holder.class).v());
        assertEquals(IntOrString.of("8080"), Json.read("{\"v\":\"8080\"}", Holder.class).v());
        assertEquals("{\"v\":8080}", Json.write(new Holder(IntOrString.of(8080))));
        assertEquals("{\"v\":\"http\"}", Json.write(new Holder(IntOrString.of("http"))));
        assertTrue(IntOrString.of(1).isInt());
        assertFalse(IntOrString.of("1").isInt());
        assertThrows(IllegalArgumentException.class, () -> Json.read("{\"v\":1.5}", Holder.class));
        assertThrows(IllegalArgumentException.class, () -> Json.read("{\"v\":{}}", Holder.class));
        assertThrows(IllegalArgumentException.class, () -> new IntOrString(1, "x"));
    }

    @Test
    void endpointSliceAndNodeDecodeWithHelpers() {
        EndpointSlice slice = Json.read("""
                {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","addressType":"IPv4",
                 "metadata":{"name":"web-abc","namespace":"default","labels":{"kubernetes.io/service-name":"web"}},
                 "endpoints":[{"addresses":["10.244.1.5"],"conditions":{"ready":true,"serving":true,"terminating":false},
                               "nodeName":"n1","zone":"z1","hints":{"forZones":[{"name":"z1"}],"forNodes":[{"name":"n1"}]},
                               "targetRef":{"kind":"Pod","name":"web-1","namespace":"default"},"deprecatedTopology":{"a":"b"}}],
                 "ports":[{"name":"http","protocol":"TCP","port":8080,"appProtocol":"http"}]}
                """, EndpointSlice.class);
        assertEquals("web", slice.serviceName());
        Endpoint ep = slice.endpoints().get(0);
        assertEquals("z1", ep.hints().forZones().get(0).name());
        assertEquals("n1", ep.hints().forNodes().get(0).name());
        assertEquals(Map.of("a", "b"), ep.extra().get("deprecatedTopology"));
        assertEquals(8080, slice.ports().get(0).port());
        assertTrue(ep.conditions().effectiveReady());
        assertFalse(ep.conditions().effectiveTerminating());
        EndpointConditions unset = new EndpointConditions(null, null, null);
        assertTrue(unset.effectiveReady() && unset.effectiveServing() && !unset.effectiveTerminating());
        assertEquals("{}", Json.write(unset), "helpers are not serialised");

        Node node = Node.of(ObjectMeta.of("n1").withLabel(Node.ZONE_LABEL, "z1"))
                .withSpec(new NodeSpec("10.244.1.0/24", List.of("10.244.1.0/24"), null, null, null))
                .withStatus(new NodeStatus(List.of(new NodeAddress("Hostname", "n1"), new NodeAddress("InternalIP", "192.168.0.2")), null));
        assertEquals("z1", node.zone());
        assertEquals("192.168.0.2", node.address("InternalIP"));
        assertNull(node.address("ExternalIP"));
        assertEquals(node, Json.read(Json.write(node), Node.class));
    }

    @Test
    void listDecodesGenerically() {
        ObjectList<Pod> pods = Json.read("""
                {"apiVersion":"v1","kind":"PodList","metadata":{"resourceVersion":"42","continue":"tok"},
                 "items":[{"metadata":{"name":"p","namespace":"d"},"spec":{"nodeName":"n1","hostNetwork":true,
                   "containers":[{"name":"c","image":"i","ports":[{"containerPort":80,"protocol":"TCP"}]}]},
                   "status":{"phase":"Running","podIP":"10.0.0.5","podIPs":[{"ip":"10.0.0.5"}],
                             "conditions":[{"type":"Ready","status":"True"}]}}]}
                """.getBytes(), Json.listType(Pod.class));
        assertEquals("42", pods.resourceVersion());
        assertEquals("tok", pods.metadata().continueToken());
        Pod pod = pods.items().get(0);
        assertEquals(80, pod.spec().containers().get(0).ports().get(0).containerPort());
        assertEquals("Ready", pod.status().conditions().get(0).type());
        assertTrue(Json.write(pods).contains("\"continue\":\"tok\""));
    }

    @Test
    void yamlMultiDocumentManifest() {
        List<JsonNode> docs = Yaml.readAll("""
                # a manifest
                ---
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: demo
                ---
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: demo}
                spec:
                  ports:
                  - port: 80
                    targetPort: http
                """);
        assertEquals(2, docs.size());
        assertEquals("demo", Json.convert(docs.get(0), Namespace.class).name());
        Service svc = Json.convert(docs.get(1), Service.class);
        assertEquals(IntOrString.of("http"), svc.spec().ports().get(0).targetPort());
        assertEquals(svc, Yaml.read(Yaml.write(svc), Service.class));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Yaml.readAll("a: [1, 2"));
        assertTrue(e.getMessage().startsWith("bad YAML manifest"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Yaml.readAll("a: 1\n---\n- x\n"));
        assertEquals("bad YAML manifest: document 2 is not a mapping", e.getMessage());
    }

    @Test
    void genericObjectKeepsAnyKind() {
        String configMap = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\",\"namespace\":\"n\"},"
                + "\"data\":{\"k\":\"v\"}}";
        GenericObject obj = Json.read(configMap, GenericObject.class);
        assertEquals("n/c", obj.key());
        assertEquals(Map.of("k", "v"), obj.extra().get("data"));
        assertEquals(configMap, Json.write(obj));
        assertEquals("c", Node.of(ObjectMeta.of("c")).key(), "cluster-scoped key is the name");
    }

    @Test
    void watchEventKeepsRawObject() {
        WatchEvent ev = Json.read("{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":410,\"reason\":\"Expired\"}}",
                WatchEvent.class);
        assertEquals(410, ev.objectAs(Status.class).code());
        assertEquals(ev, Json.read(Json.write(ev), WatchEvent.class));
    }
}
