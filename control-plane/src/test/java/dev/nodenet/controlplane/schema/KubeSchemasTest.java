package dev.nodenet.controlplane.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class KubeSchemasTest {

    private final SchemaCatalog catalog = KubeSchemas.catalog();

    private FieldSchema field(String schema, String field) {
        return catalog.byName(schema).orElseThrow(() -> new AssertionError("no schema " + schema))
                .field(field).orElseThrow(() -> new AssertionError("no field " + schema + "." + field));
    }

    @Test
    void everyServedKindAndItsListIsDeclared() {
        for (String kind : List.of("Namespace", "Service", "Endpoints", "Node", "Pod")) {
            assertTrue(catalog.byKind(new GroupVersionKind("", "v1", kind)).isPresent(), kind);
            assertTrue(catalog.byKind(new GroupVersionKind("", "v1", kind + "List")).isPresent(), kind + "List");
        }
        assertTrue(catalog.byKind(new GroupVersionKind("discovery.k8s.io", "v1", "EndpointSlice")).isPresent());
        assertTrue(catalog.byKind(new GroupVersionKind("discovery.k8s.io", "v1", "EndpointSliceList")).isPresent());
        assertTrue(catalog.byKind(new GroupVersionKind("", "v1", "Status")).isPresent());
    }

    @Test
    void serviceSpecPortsCarryUpstreamMarkers() {
        FieldSchema ports = field(KubeSchemas.CORE + "ServiceSpec", "ports");
        assertEquals("merge", ports.patchStrategy());
        assertEquals("port", ports.patchMergeKey());
        assertEquals("map", ports.listType());
        assertEquals(List.of("port", "protocol"), ports.listMapKeys());
        assertTrue(field(KubeSchemas.CORE + "ServicePort", "port").isRequired());
        assertFalse(field(KubeSchemas.CORE + "ServicePort", "name").isRequired());
        assertEquals(TypeRef.Scalar.INT_OR_STRING, field(KubeSchemas.CORE + "ServicePort", "targetPort").type());
        assertEquals("atomic", field(KubeSchemas.CORE + "ServiceSpec", "selector").mapType());
    }

    @Test
    void podAndContainerListsCarryUpstreamMarkers() {
        FieldSchema containers = field(KubeSchemas.CORE + "PodSpec", "containers");
        assertEquals("merge", containers.patchStrategy());
        assertEquals("name", containers.patchMergeKey());
        assertEquals(List.of("name"), containers.listMapKeys());
        FieldSchema volumes = field(KubeSchemas.CORE + "PodSpec", "volumes");
        assertEquals("merge,retainKeys", volumes.patchStrategy());
        FieldSchema ports = field(KubeSchemas.CORE + "Container", "ports");
        assertEquals("containerPort", ports.patchMergeKey());
        assertEquals(List.of("containerPort", "protocol"), ports.listMapKeys());
        assertTrue(field(KubeSchemas.CORE + "Container", "name").isRequired());
        assertEquals("mountPath", field(KubeSchemas.CORE + "Container", "volumeMounts").patchMergeKey());
        assertEquals("atomic", field(KubeSchemas.CORE + "PodSpec", "tolerations").listType());
    }

    @Test
    void metaAndNodeListsCarryUpstreamMarkers() {
        FieldSchema owners = field(KubeSchemas.META + "ObjectMeta", "ownerReferences");
        assertEquals("uid", owners.patchMergeKey());
        assertEquals(List.of("uid"), owners.listMapKeys());
        FieldSchema finalizers = field(KubeSchemas.META + "ObjectMeta", "finalizers");
        assertEquals("merge", finalizers.patchStrategy());
        assertEquals("", finalizers.patchMergeKey());
        assertEquals("set", finalizers.listType());
        assertEquals("type", field(KubeSchemas.CORE + "NodeStatus", "addresses").patchMergeKey());
        assertEquals("type", field(KubeSchemas.CORE + "NodeStatus", "conditions").patchMergeKey());
        assertEquals("set", field(KubeSchemas.CORE + "NodeSpec", "podCIDRs").listType());
        // The kubelet port is spelt with a capital P on the wire.
        assertTrue(field(KubeSchemas.CORE + "DaemonEndpoint", "Port").isRequired());
        assertEquals(new TypeRef.MapOf(TypeRef.Scalar.QUANTITY), field(KubeSchemas.CORE + "NodeStatus", "capacity").type());
    }

    @Test
    void openSchemasAcceptAnything() {
        assertTrue(catalog.byName(KubeSchemas.CORE + "Affinity").orElseThrow().open());
        assertTrue(catalog.byName(KubeSchemas.META + "ManagedFieldsEntry").orElseThrow().open());
        assertFalse(catalog.byName(KubeSchemas.CORE + "SecurityContext").orElseThrow().open());
    }

    @Test
    void catalogRejectsDanglingReferencesAndDuplicates() {
        SchemaCatalog.Builder dangling = new SchemaCatalog.Builder()
                .object("x.", "A", "", FieldSchema.of("b", new TypeRef.Ref("x.Missing")));
        assertThrows(IllegalArgumentException.class, dangling::build);
        assertThrows(IllegalArgumentException.class, () -> new SchemaCatalog.Builder()
                .object("x.", "A", "", FieldSchema.of("b", TypeRef.Scalar.STRING), FieldSchema.of("b", TypeRef.Scalar.STRING)));
    }
}
