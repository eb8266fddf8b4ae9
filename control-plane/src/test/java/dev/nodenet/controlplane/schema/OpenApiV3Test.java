package dev.nodenet.controlplane.schema;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpenApiV3Test {

    static final List<String> VERBS = ResourceInfo.ALL_VERBS;
    static final List<ResourceInfo> TABLE = List.of(
            new ResourceInfo("", "v1", "Namespace", "namespaces", false, List.of("status"),
                    List.of("create", "delete", "get", "list", "patch", "update", "watch")),
            new ResourceInfo("", "v1", "Service", "services", true, List.of("status"), VERBS),
            new ResourceInfo("", "v1", "Endpoints", "endpoints", true, List.of(), VERBS),
            new ResourceInfo("", "v1", "Pod", "pods", true, List.of("status"), VERBS),
            new ResourceInfo("", "v1", "Node", "nodes", false, List.of("status"), VERBS),
            new ResourceInfo("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true, List.of(), VERBS));

    private final OpenApiV3 openApi = new OpenApiV3(KubeSchemas.catalog(), TABLE, "v1.33.0");

    private JsonNode doc(String gv) {
        return openApi.document(gv).orElseThrow(() -> new AssertionError("no document " + gv));
    }

    /**
     * Mirrors kubectl's queryParamVerifierV3 (cli-runtime 1.28+): every PATCH operation tagged with the GVK must
     * list an operation-level query parameter "fieldValidation" (Go map order means kubectl may meet any of them
     * first). Returns how many such PATCH operations were found.
     */
    private static int patchOperationsSupportingFieldValidation(JsonNode doc, GroupVersionKind gvk) {
        int found = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.get("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            JsonNode patch = path.getValue().get("patch");
            if (patch == null) {
                continue;
            }
            JsonNode ext = patch.get("x-kubernetes-group-version-kind");
            if (!ext.get("group").asText().equals(gvk.group()) || !ext.get("version").asText().equals(gvk.version())
                    || !ext.get("kind").asText().equals(gvk.kind())) {
                continue;
            }
            boolean has = false;
            for (JsonNode p : patch.get("parameters")) {
                has |= p.get("name").asText().equals("fieldValidation") && p.get("in").asText().equals("query");
            }
            assertTrue(has, "PATCH " + path.getKey() + " lacks fieldValidation");
            assertTrue(patch.get("requestBody").get("content").has("application/strategic-merge-patch+json"),
                    "PATCH " + path.getKey() + " lacks strategic merge patch");
            found++;
        }
        return found;
    }

    @Test
    void everyResourceAdvertisesFieldValidationOnPatch() {
        for (ResourceInfo r : TABLE) {
            int n = patchOperationsSupportingFieldValidation(doc(r.groupVersionPath()), r.gvk());
            assertEquals(r.subresources().contains("status") ? 2 : 1, n, r.kind());
        }
    }

    @Test
    void itemAndCollectionPathsFollowUpstreamLayout() {
        JsonNode core = doc("api/v1");
        JsonNode svc = core.get("paths").get("/api/v1/namespaces/{namespace}/services/{name}");
        assertEquals("patchCoreV1NamespacedService", svc.get("patch").get("operationId").asText());
        assertEquals("patch", svc.get("patch").get("x-kubernetes-action").asText());
        assertEquals("readCoreV1NamespacedService", svc.get("get").get("operationId").asText());
        assertEquals("replaceCoreV1NamespacedService", svc.get("put").get("operationId").asText());
        assertEquals("deleteCoreV1NamespacedService", svc.get("delete").get("operationId").asText());
        List<String> patchParams = new ArrayList<>();
        svc.get("patch").get("parameters").forEach(p -> patchParams.add(p.get("name").asText()));
        assertEquals(List.of("dryRun", "fieldManager", "fieldValidation", "force"), patchParams);
        Set<String> types = new HashSet<>();
        svc.get("patch").get("requestBody").get("content").fieldNames().forEachRemaining(types::add);
        assertEquals(Set.of("application/json-patch+json", "application/merge-patch+json",
                "application/strategic-merge-patch+json", "application/apply-patch+yaml"), types);

        JsonNode nodes = core.get("paths").get("/api/v1/nodes");
        assertEquals("listCoreV1Node", nodes.get("get").get("operationId").asText());
        assertEquals("createCoreV1Node", nodes.get("post").get("operationId").asText());
        assertTrue(core.get("paths").has("/api/v1/nodes/{name}/status"));
        assertEquals("listCoreV1PodForAllNamespaces",
                core.get("paths").get("/api/v1/pods").get("get").get("operationId").asText());
        // Namespaces have no deletecollection verb in the table, so no DELETE on the collection.
        assertFalse(core.get("paths").get("/api/v1/namespaces").has("delete"));
        assertFalse(core.get("paths").has("/api/v1/namespaces/{namespace}/endpoints/{name}/status"));

        JsonNode disc = doc("apis/discovery.k8s.io/v1");
        JsonNode slice = disc.get("paths").get("/apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices/{name}");
        assertEquals("patchDiscoveryV1NamespacedEndpointSlice", slice.get("patch").get("operationId").asText());
        assertEquals("discovery_v1", slice.get("patch").get("tags").get(0).asText());
        assertEquals("3.0.0", disc.get("openapi").asText());
        assertEquals("v1.33.0", disc.get("info").get("version").asText());
    }

    @Test
    void componentsCarryKindsAndPatchExtensions() {
        JsonNode schemas = doc("api/v1").get("components").get("schemas");
        JsonNode service = schemas.get("io.k8s.api.core.v1.Service");
        JsonNode gvk = service.get("x-kubernetes-group-version-kind").get(0);
        assertEquals("", gvk.get("group").asText());
        assertEquals("Service", gvk.get("kind").asText());
        assertEquals("v1", gvk.get("version").asText());
        assertEquals("#/components/schemas/io.k8s.api.core.v1.ServiceSpec",
                service.get("properties").get("spec").get("allOf").get(0).get("$ref").asText());

        JsonNode ports = schemas.get("io.k8s.api.core.v1.ServiceSpec").get("properties").get("ports");
        assertEquals("merge", ports.get("x-kubernetes-patch-strategy").asText());
        assertEquals("port", ports.get("x-kubernetes-patch-merge-key").asText());
        assertEquals("map", ports.get("x-kubernetes-list-type").asText());
        assertEquals("[\"port\",\"protocol\"]", ports.get("x-kubernetes-list-map-keys").toString());
        assertEquals("#/components/schemas/io.k8s.api.core.v1.ServicePort",
                ports.get("items").get("allOf").get(0).get("$ref").asText());
        assertEquals("[\"port\"]", schemas.get("io.k8s.api.core.v1.ServicePort").get("required").toString());

        JsonNode containers = schemas.get("io.k8s.api.core.v1.PodSpec").get("properties").get("containers");
        assertEquals("name", containers.get("x-kubernetes-patch-merge-key").asText());
        JsonNode containerPorts = schemas.get("io.k8s.api.core.v1.Container").get("properties").get("ports");
        assertEquals("containerPort", containerPorts.get("x-kubernetes-patch-merge-key").asText());
        assertEquals("[\"containerPort\",\"protocol\"]", containerPorts.get("x-kubernetes-list-map-keys").toString());
        assertEquals("int-or-string", schemas.get(OpenApiV3.INT_OR_STRING).get("format").asText());

        JsonNode slice = doc("apis/discovery.k8s.io/v1").get("components").get("schemas");
        assertEquals("EndpointSlice", slice.get("io.k8s.api.discovery.v1.EndpointSlice")
                .get("x-kubernetes-group-version-kind").get(0).get("kind").asText());
        assertFalse(slice.has("io.k8s.api.core.v1.PodSpec"), "only reachable schemas belong in a document");
        assertTrue(slice.has("io.k8s.api.core.v1.ObjectReference"));
    }

    @Test
    void everyReferenceResolvesAndOperationIdsAreUnique() {
        for (String gv : openApi.groupVersionPaths()) {
            JsonNode d = doc(gv);
            List<String> refs = new ArrayList<>();
            collect(d, "$ref", refs);
            assertFalse(refs.isEmpty());
            for (String ref : refs) {
                String name = ref.substring("#/components/schemas/".length());
                assertTrue(d.get("components").get("schemas").has(name), gv + ": dangling " + ref);
            }
            List<String> ids = new ArrayList<>();
            collect(d.get("paths"), "operationId", ids);
            assertEquals(ids.size(), new HashSet<>(ids).size(), gv + ": duplicate operationId in " + ids);
        }
    }

    private static void collect(JsonNode node, String key, List<String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals(key)) {
                    out.add(e.getValue().asText());
                } else {
                    collect(e.getValue(), key, out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collect(n, key, out));
        }
    }

    @Test
    void rootListsBothGroupVersionsWithStableContentHashes() throws Exception {
        JsonNode paths = openApi.root().get("paths");
        assertEquals(List.of("api/v1", "apis/discovery.k8s.io/v1"), openApi.groupVersionPaths());
        for (String gv : openApi.groupVersionPaths()) {
            String url = paths.get(gv).get("serverRelativeURL").asText();
            String hash = openApi.hash(gv).orElseThrow();
            assertEquals("/openapi/v3/" + gv + "?hash=" + hash, url);
            assertTrue(hash.matches("[0-9A-F]{128}"), hash);
        }
        OpenApiV3 again = new OpenApiV3(KubeSchemas.catalog(), TABLE, "v1.33.0");
        assertEquals(openApi.root(), again.root());
        assertArrayEquals(openApi.documentBytes("api/v1").orElseThrow(), again.documentBytes("api/v1").orElseThrow());
        assertArrayEquals(openApi.rootBytes(), again.rootBytes());
        // The served bytes parse back to the document.
        assertEquals(doc("api/v1"), new ObjectMapper().readTree(openApi.documentBytes("api/v1").orElseThrow()));

        // A different table (no pods) gives api/v1 a different hash but leaves discovery's alone.
        List<ResourceInfo> fewer = TABLE.stream().filter(r -> !r.kind().equals("Pod")).toList();
        OpenApiV3 other = new OpenApiV3(KubeSchemas.catalog(), fewer, "v1.33.0");
        assertNotEquals(openApi.hash("api/v1"), other.hash("api/v1"));
        assertEquals(openApi.hash("apis/discovery.k8s.io/v1"), other.hash("apis/discovery.k8s.io/v1"));
        assertTrue(openApi.document("apis/apps/v1").isEmpty());
    }

    @Test
    void undeclaredKindIsRejectedAtStartUp() {
        List<ResourceInfo> table = List.of(new ResourceInfo("apps", "v1", "Deployment", "deployments", true,
                List.of(), VERBS));
        assertThrows(IllegalArgumentException.class, () -> new OpenApiV3(KubeSchemas.catalog(), table, "v1.33.0"));
    }
}
