package dev.nodenet.controlplane.patch;

import dev.nodenet.controlplane.patch.PatchSchema.FieldMeta;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The built-in schemas derived from the published object schemas carry upstream's struct tags. */
class PatchSchemaTest {
    @Test
    void derivedRulesMatchUpstreamTags() {
        assertEquals(FieldMeta.merge("port"), PatchSchema.forKind("Service").lookup("spec", "ports"));
        assertEquals(FieldMeta.NONE, PatchSchema.forKind("Service").lookup("spec", "externalIPs"));
        assertEquals(FieldMeta.merge("uid"), PatchSchema.forKind("Service").lookup("metadata", "ownerReferences"));
        assertEquals(FieldMeta.mergePrimitives(), PatchSchema.forKind("Service").lookup("metadata", "finalizers"));
        PatchSchema pod = PatchSchema.forKind("Pod");
        assertEquals(FieldMeta.merge("name"), pod.lookup("spec", "containers"));
        assertEquals(FieldMeta.merge("containerPort"), pod.lookup("spec", "containers", "ports"));
        assertEquals(FieldMeta.merge("name"), pod.lookup("spec", "initContainers", "env"));
        assertEquals(FieldMeta.mergeRetainKeys("name"), pod.lookup("spec", "volumes"));
        assertEquals(FieldMeta.merge("type"), pod.lookup("status", "conditions"));
        assertEquals(FieldMeta.NONE, pod.lookup("spec", "tolerations"));
        assertEquals(FieldMeta.mergePrimitives(), PatchSchema.forKind("Node").lookup("spec", "podCIDRs"));
        assertEquals(FieldMeta.merge("type"), PatchSchema.forKind("Node").lookup("status", "addresses"));
        assertEquals(FieldMeta.NONE, PatchSchema.forKind("Node").lookup("spec", "taints"));
        assertEquals(FieldMeta.NONE, PatchSchema.forKind("EndpointSlice").lookup("endpoints"));
        assertEquals(FieldMeta.NONE, PatchSchema.forKind("Endpoints").lookup("subsets"));
        assertEquals(PatchSchema.generic().toString(), PatchSchema.forKind("NoSuchKind").toString());
    }
}
