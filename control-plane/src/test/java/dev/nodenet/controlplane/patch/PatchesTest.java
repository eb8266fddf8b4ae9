package dev.nodenet.controlplane.patch;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.nodenet.controlplane.patch.TestJson.body;
import static dev.nodenet.controlplane.patch.TestJson.j;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API-server entry point, content types and the built-in schemas. */
class PatchesTest {

    @Test
    void contentTypes() {
        assertEquals(Optional.of(PatchType.JSON_PATCH), PatchType.fromContentType("application/json-patch+json"));
        assertEquals(Optional.of(PatchType.MERGE_PATCH), PatchType.fromContentType("application/merge-patch+json; charset=utf-8"));
        assertEquals(Optional.of(PatchType.STRATEGIC_MERGE_PATCH),
                PatchType.fromContentType(" Application/Strategic-Merge-Patch+JSON "));
        assertEquals(Optional.empty(), PatchType.fromContentType("application/apply-patch+yaml"));
        assertEquals(Optional.empty(), PatchType.fromContentType(null));
    }

    @Test
    void dispatchesOnType() {
        String svc = "{'metadata':{'labels':{'a':'1'}},'spec':{'ports':[{'port':80}]}}";
        PatchSchema schema = PatchSchema.forKind("Service");
        assertEquals(j("{'metadata':{'labels':{'a':'1'}},'spec':{'ports':[{'port':81}]}}"),
                Patches.apply(PatchType.MERGE_PATCH, j(svc), body("{'spec':{'ports':[{'port':81}]}}"), schema));
        assertEquals(j("{'metadata':{'labels':{'a':'1'}},'spec':{'ports':[{'port':81},{'port':80}]}}"),
                Patches.apply(PatchType.STRATEGIC_MERGE_PATCH, j(svc), body("{'spec':{'ports':[{'port':81}]}}"), schema));
        assertEquals(j("{'metadata':{'labels':{'a':'2'}},'spec':{'ports':[{'port':80}]}}"),
                Patches.apply(PatchType.JSON_PATCH, j(svc), body("[{'op':'replace','path':'/metadata/labels/a','value':'2'}]"), schema));
    }

    @Test
    void errorStatuses() {
        PatchException testFailed = assertThrows(PatchException.class, () -> Patches.apply(PatchType.JSON_PATCH, j("{'a':1}"),
                body("[{'op':'test','path':'/a','value':2}]"), PatchSchema.generic()));
        assertEquals(422, testFailed.httpStatus());
        PatchException notObject = assertThrows(PatchException.class, () -> Patches.apply(PatchType.JSON_PATCH, j("{'a':1}"),
                body("[{'op':'replace','path':'','value':[]}]"), PatchSchema.generic()));
        assertEquals(422, notObject.httpStatus());
        for (PatchType t : PatchType.values()) {
            PatchException e = assertThrows(PatchException.class, () -> Patches.apply(t, j("{}"),
                    "{\"a\": }".getBytes(java.nio.charset.StandardCharsets.UTF_8), PatchSchema.generic()));
            assertEquals(400, e.httpStatus(), t.name());
            assertThrows(PatchException.class, () -> Patches.apply(t, j("{}"), new byte[0], PatchSchema.generic()));
            assertThrows(PatchException.class, () -> Patches.apply(t, j("{}"),
                    "{} {}".getBytes(java.nio.charset.StandardCharsets.UTF_8), PatchSchema.generic()));
        }
        assertEquals(400, assertThrows(PatchException.class, () -> Patches.apply(PatchType.MERGE_PATCH, j("{}"),
                body("['x']"), PatchSchema.generic())).httpStatus());
    }

    @Test
    void builtInSchemasMatchTheKubernetesStructTags() {
        PatchSchema svc = PatchSchema.forKind("Service");
        assertEquals(PatchSchema.FieldMeta.merge("port"), svc.lookup("spec", "ports"));
        assertEquals(PatchSchema.FieldMeta.merge("type"), svc.lookup("status", "conditions"));
        for (String atomic : List.of("externalIPs", "clusterIPs", "ipFamilies", "loadBalancerSourceRanges")) {
            assertEquals(PatchSchema.FieldMeta.NONE, svc.lookup("spec", atomic), atomic);
        }
        assertEquals(PatchSchema.FieldMeta.NONE, svc.lookup("status", "loadBalancer", "ingress"));

        PatchSchema pod = PatchSchema.forKind("Pod");
        for (String c : List.of("containers", "initContainers", "ephemeralContainers")) {
            assertEquals(PatchSchema.FieldMeta.merge("name"), pod.lookup("spec", c));
            assertEquals(PatchSchema.FieldMeta.merge("containerPort"), pod.lookup("spec", c, "ports"));
            assertEquals(PatchSchema.FieldMeta.merge("name"), pod.lookup("spec", c, "env"));
            assertEquals(PatchSchema.FieldMeta.merge("mountPath"), pod.lookup("spec", c, "volumeMounts"));
            assertEquals(PatchSchema.FieldMeta.merge("devicePath"), pod.lookup("spec", c, "volumeDevices"));
        }
        assertEquals(PatchSchema.FieldMeta.mergeRetainKeys("name"), pod.lookup("spec", "volumes"));
        assertEquals(PatchSchema.FieldMeta.merge("name"), pod.lookup("spec", "imagePullSecrets"));
        assertEquals(PatchSchema.FieldMeta.merge("ip"), pod.lookup("spec", "hostAliases"));
        assertEquals(PatchSchema.FieldMeta.NONE, pod.lookup("spec", "tolerations"));
        assertEquals(PatchSchema.FieldMeta.merge("type"), pod.lookup("status", "conditions"));
        assertEquals(PatchSchema.FieldMeta.merge("ip"), pod.lookup("status", "podIPs"));
        assertEquals(PatchSchema.FieldMeta.NONE, pod.lookup("status", "containerStatuses"));

        PatchSchema node = PatchSchema.forKind("Node");
        assertEquals(PatchSchema.FieldMeta.mergePrimitives(), node.lookup("spec", "podCIDRs"));
        assertNull(node.lookup("spec", "podCIDRs").mergeKey());
        assertEquals(PatchSchema.FieldMeta.NONE, node.lookup("spec", "taints"));
        assertEquals(PatchSchema.FieldMeta.merge("type"), node.lookup("status", "addresses"));
        assertEquals(PatchSchema.FieldMeta.merge("type"), node.lookup("status", "conditions"));
        assertEquals(PatchSchema.FieldMeta.NONE, node.lookup("status", "images"));

        assertEquals(PatchSchema.FieldMeta.NONE, PatchSchema.forKind("Endpoints").lookup("subsets"));
        assertEquals(PatchSchema.FieldMeta.NONE, PatchSchema.forKind("EndpointSlice").lookup("endpoints"));
        assertEquals(PatchSchema.FieldMeta.NONE, PatchSchema.forKind("EndpointSlice").lookup("ports"));
        assertEquals(PatchSchema.FieldMeta.NONE, PatchSchema.forKind("Namespace").lookup("spec", "finalizers"));

        for (String kind : List.of("Service", "Pod", "Node", "Endpoints", "EndpointSlice", "Namespace", "Unknown")) {
            PatchSchema s = PatchSchema.forKind(kind);
            assertEquals(PatchSchema.FieldMeta.merge("uid"), s.lookup("metadata", "ownerReferences"), kind);
            assertEquals(PatchSchema.FieldMeta.mergePrimitives(), s.lookup("metadata", "finalizers"), kind);
        }
        assertSame(PatchSchema.generic(), PatchSchema.forKind("Unknown"));
    }

    @Test
    void customSchemas() {
        PatchSchema s = PatchSchema.builder().mergeList("items", "id").field("blob", PatchSchema.FieldMeta.replace()).build();
        assertEquals(j("{'items':[{'id':1,'v':2}],'blob':{'b':1}}"),
                StrategicMergePatch.apply(j("{'items':[{'id':1,'v':1}],'blob':{'a':1}}"),
                        j("{'items':[{'id':1,'v':2}],'blob':{'b':1}}"), s));
        assertTrue(s.toString().contains("items=merge(id)"), s.toString());
        assertThrows(IllegalArgumentException.class, () -> new PatchSchema.FieldMeta(PatchSchema.Strategy.NONE, "k", false));
    }
}
