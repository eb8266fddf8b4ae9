package dev.nodenet.controlplane.patch;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static dev.nodenet.controlplane.patch.TestJson.body;
import static dev.nodenet.controlplane.patch.TestJson.j;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Strategic merge patch, mostly with the bodies kubectl sends. */
class StrategicMergePatchTest {

    private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private static JsonNode smp(String kind, String original, String patch) {
        return Patches.apply(PatchType.STRATEGIC_MERGE_PATCH, j(original), body(patch), PatchSchema.forKind(kind));
    }

    private static PatchException smpFails(String kind, String original, String patch) {
        return assertThrows(PatchException.class, () -> smp(kind, original, patch));
    }

    // --- kubectl apply (client-side three-way) ----------------------------------------------------------------------

    @Test
    void kubectlApplyChangesAServicePort() {
        // Live Service; the user changes port 80 to 8080 in the manifest and runs kubectl apply. Since ports merge by
        // "port", kubectl sends the new element, a delete directive for the old one and the element order.
        String live = """
                {'apiVersion':'v1','kind':'Service',
                 'metadata':{'name':'web','namespace':'default','resourceVersion':'7',
                   'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{"old":"config"}'}},
                 'spec':{'clusterIP':'10.96.0.10','type':'ClusterIP','selector':{'app':'web'},
                   'ports':[{'name':'http','port':80,'protocol':'TCP','targetPort':8080},
                            {'name':'metrics','port':9090,'protocol':'TCP','targetPort':9090}]}}""";
        String patch = """
                {'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{"new":"config"}'}},
                 'spec':{'$setElementOrder/ports':[{'port':8080},{'port':9090}],
                         'ports':[{'name':'http','port':8080,'protocol':'TCP','targetPort':8080},
                                  {'$patch':'delete','port':80}]}}""";
        JsonNode out = smp("Service", live, patch);
        assertEquals(j("""
                [{'name':'http','port':8080,'protocol':'TCP','targetPort':8080},
                 {'name':'metrics','port':9090,'protocol':'TCP','targetPort':9090}]"""), out.at("/spec/ports"));
        assertEquals("{\"new\":\"config\"}", out.at("/metadata/annotations").get(LAST_APPLIED).textValue());
        assertEquals("10.96.0.10", out.at("/spec/clusterIP").textValue(), "server-set fields survive");
        assertEquals("7", out.at("/metadata/resourceVersion").textValue());
    }

    @Test
    void kubectlApplyUpdatesAPortInPlaceKeepingServerSetNodePort() {
        String live = """
                {'spec':{'type':'NodePort','ports':[{'name':'http','port':80,'protocol':'TCP','targetPort':8080,'nodePort':30080}]}}""";
        String patch = """
                {'spec':{'$setElementOrder/ports':[{'port':80}],'ports':[{'port':80,'targetPort':9000}]}}""";
        assertEquals(j("[{'name':'http','port':80,'protocol':'TCP','targetPort':9000,'nodePort':30080}]"),
                smp("Service", live, patch).at("/spec/ports"));
    }

    @Test
    void setElementOrderPlacesServerOnlyElementsAsUpstreamDoes() {
        // Port 9100 was added by someone else (not in last-applied). apimachinery orders the server-only element
        // against a view of the live list that its in-place slice edits have shifted (80 deleted, 8080 appended into
        // the freed slot), which puts 9100 first; upstream's own test "add map and delete map from merging list"
        // expects the same.
        String live = "{'spec':{'ports':[{'port':80},{'port':9090},{'port':9100,'name':'extra'}]}}";
        String patch = """
                {'spec':{'$setElementOrder/ports':[{'port':8080},{'port':9090}],
                         'ports':[{'port':8080},{'$patch':'delete','port':80}]}}""";
        assertEquals(j("[{'port':9100,'name':'extra'},{'port':8080},{'port':9090}]"),
                smp("Service", live, patch).at("/spec/ports"));
    }

    @Test
    void setElementOrderReordersMergedList() {
        String live = "{'spec':{'ports':[{'port':1,'name':'a'},{'port':2,'name':'b'},{'port':3,'name':'c'}]}}";
        String patch = "{'spec':{'$setElementOrder/ports':[{'port':3},{'port':1},{'port':2}]}}";
        assertEquals(j("[{'port':3,'name':'c'},{'port':1,'name':'a'},{'port':2,'name':'b'}]"),
                smp("Service", live, patch).at("/spec/ports"));
    }

    @Test
    void kubectlApplyAddsAndRemovesLabels() {
        // last-applied had labels {app: web, tier: fe}; the new manifest has {app: web, env: prod}. kubectl sends
        // null for the label it removes and leaves alone the label another client added (owner: team-a).
        String live = """
                {'metadata':{'name':'web','labels':{'app':'web','tier':'fe','owner':'team-a'},
                  'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{"metadata":{"labels":{"app":"web","tier":"fe"}}}'}}}""";
        String patch = """
                {'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{"metadata":{"labels":{"app":"web","env":"prod"}}}'},
                             'labels':{'env':'prod','tier':null}}}""";
        JsonNode out = smp("Service", live, patch);
        assertEquals(j("{'app':'web','owner':'team-a','env':'prod'}"), out.at("/metadata/labels"));
        assertTrue(out.at("/metadata/annotations").get(LAST_APPLIED).textValue().contains("prod"));
    }

    // --- Pods ----------------------------------------------------------------------------------------------------

    private static final String POD = """
            {'kind':'Pod','metadata':{'name':'p'},
             'spec':{'containers':[
                {'name':'app','image':'app:v1','ports':[{'containerPort':8080,'protocol':'TCP'}],
                 'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}],
                 'volumeMounts':[{'name':'data','mountPath':'/data'}]},
                {'name':'sidecar','image':'proxy:v1'}],
              'volumes':[{'name':'data','emptyDir':{}}],
              'tolerations':[{'key':'k','operator':'Exists'}]}}""";

    @Test
    void containersMergeByName() {
        JsonNode out = smp("Pod", POD, """
                {'spec':{'$setElementOrder/containers':[{'name':'app'},{'name':'sidecar'}],
                         'containers':[{'name':'app','image':'app:v2','env':[{'name':'C','value':'3'}]}]}}""");
        JsonNode app = out.at("/spec/containers/0");
        assertEquals("app", app.get("name").textValue());
        assertEquals("app:v2", app.get("image").textValue());
        assertEquals(j("[{'containerPort':8080,'protocol':'TCP'}]"), app.get("ports"), "untouched list kept");
        assertEquals(j("[{'name':'C','value':'3'},{'name':'A','value':'1'},{'name':'B','value':'2'}]"), app.get("env"),
                "a new env var without $setElementOrder goes first, as upstream orders it");
        assertEquals(j("{'name':'sidecar','image':'proxy:v1'}"), out.at("/spec/containers/1"));
        assertEquals(2, out.at("/spec/containers").size());
    }

    @Test
    void newContainerIsAppendedAndOrderedBySetElementOrder() {
        JsonNode out = smp("Pod", POD, """
                {'spec':{'$setElementOrder/containers':[{'name':'app'},{'name':'sidecar'},{'name':'log'}],
                         'containers':[{'name':'log','image':'fluent:v1'}]}}""");
        assertEquals("app,sidecar,log", names(out.at("/spec/containers")));
    }

    @Test
    void envVarDeletedWithPatchDelete() {
        JsonNode out = smp("Pod", POD, """
                {'spec':{'containers':[{'name':'app','env':[{'name':'A','$patch':'delete'}]}]}}""");
        assertEquals(j("[{'name':'B','value':'2'}]"), out.at("/spec/containers/0/env"));
        assertEquals("app:v1", out.at("/spec/containers/0/image").textValue());
    }

    @Test
    void containerPortsMergeByContainerPort() {
        JsonNode out = smp("Pod", POD, """
                {'spec':{'containers':[{'name':'app','ports':[{'containerPort':8080,'name':'http'},{'containerPort':9090}]}]}}""");
        assertEquals(j("[{'containerPort':8080,'protocol':'TCP','name':'http'},{'containerPort':9090}]"),
                out.at("/spec/containers/0/ports"));
    }

    @Test
    void retainKeysSwitchesAVolumeSource() {
        // kubectl apply after changing volume "data" from emptyDir to hostPath (PodSpec.volumes is merge,retainKeys).
        JsonNode out = smp("Pod", POD, """
                {'spec':{'$setElementOrder/volumes':[{'name':'data'}],
                         'volumes':[{'$retainKeys':['hostPath','name'],'hostPath':{'path':'/srv'},'name':'data'}]}}""");
        assertEquals(j("[{'name':'data','hostPath':{'path':'/srv'}}]"), out.at("/spec/volumes"));
    }

    @Test
    void retainKeysMustListEveryPatchedKey() {
        PatchException e = smpFails("Pod", POD, """
                {'spec':{'volumes':[{'$retainKeys':['name'],'hostPath':{'path':'/srv'},'name':'data'}]}}""");
        assertTrue(e.badRequest(), "upstream reports a bad retainKeys format as 400");
        assertTrue(smpFails("Pod", POD, "{'spec':{'$retainKeys':'containers'}}").badRequest());
    }

    @Test
    void patchReplaceOnAList() {
        JsonNode out = smp("Pod", POD, """
                {'spec':{'containers':[{'$patch':'replace'},{'name':'only','image':'x'}]}}""");
        assertEquals(j("[{'name':'only','image':'x'}]"), out.at("/spec/containers"));
    }

    @Test
    void patchReplaceOnAMap() {
        String svc = "{'metadata':{'labels':{'a':'1','b':'2'}},'spec':{'selector':{'app':'web','tier':'fe'}}}";
        JsonNode out = smp("Service", svc, "{'spec':{'selector':{'$patch':'replace','app':'api'}}}");
        assertEquals(j("{'app':'api'}"), out.at("/spec/selector"));
        assertEquals(j("{'a':'1','b':'2'}"), out.at("/metadata/labels"));
    }

    @Test
    void patchDeleteOnAMapEmptiesItAsUpstreamDoes() {
        JsonNode out = smp("Service", "{'spec':{'selector':{'app':'web'}}}", "{'spec':{'selector':{'$patch':'delete'}}}");
        assertEquals(j("{'spec':{'selector':{}}}"), out);
    }

    @Test
    void listsWithoutStrategyAreReplaced() {
        JsonNode pod = smp("Pod", POD, "{'spec':{'tolerations':[{'key':'other','operator':'Exists'}]}}");
        assertEquals(j("[{'key':'other','operator':'Exists'}]"), pod.at("/spec/tolerations"));
        JsonNode svc = smp("Service", "{'spec':{'externalIPs':['1.1.1.1','2.2.2.2']}}", "{'spec':{'externalIPs':['3.3.3.3']}}");
        assertEquals(j("['3.3.3.3']"), svc.at("/spec/externalIPs"));
        JsonNode node = smp("Node", "{'spec':{'taints':[{'key':'a','effect':'NoSchedule'}]}}",
                "{'spec':{'taints':[{'key':'b','effect':'NoSchedule'}]}}");
        assertEquals(j("[{'key':'b','effect':'NoSchedule'}]"), node.at("/spec/taints"));
        JsonNode ep = smp("Endpoints", "{'subsets':[{'addresses':[{'ip':'10.0.0.1'}]}]}",
                "{'subsets':[{'addresses':[{'ip':'10.0.0.2'}]}]}");
        assertEquals(j("[{'addresses':[{'ip':'10.0.0.2'}]}]"), ep.at("/subsets"));
    }

    // --- primitive lists, finalizers -----------------------------------------------------------------------------

    @Test
    void deleteFromPrimitiveListRemovesFinalizers() {
        JsonNode out = smp("Service", "{'metadata':{'finalizers':['a','b','c']}}",
                "{'metadata':{'$deleteFromPrimitiveList/finalizers':['b','zzz']}}");
        assertEquals(j("['a','c']"), out.at("/metadata/finalizers"));
    }

    @Test
    void primitiveMergeListIsAUnion() {
        JsonNode out = smp("Service", "{'metadata':{'finalizers':['a','b']}}", "{'metadata':{'finalizers':['b','c']}}");
        assertEquals(j("['a','b','c']"), out.at("/metadata/finalizers"));
        // An element unknown to the live list is put first: apimachinery only moves live elements ahead of patch
        // elements it can find in the live list.
        JsonNode node = smp("Node", "{'spec':{'podCIDRs':['10.0.0.0/24']}}", "{'spec':{'podCIDRs':['fd00::/64']}}");
        assertEquals(j("['fd00::/64','10.0.0.0/24']"), node.at("/spec/podCIDRs"));
    }

    @Test
    void namespaceFinalizersHaveNoStrategy() {
        JsonNode out = smp("Namespace", "{'spec':{'finalizers':['kubernetes','other']}}", "{'spec':{'finalizers':['x']}}");
        assertEquals(j("['x']"), out.at("/spec/finalizers"));
    }

    // --- maps, nulls, status ---------------------------------------------------------------------------------------

    @Test
    void nullDeletesAndNullsInsideNewValuesAreDropped() {
        JsonNode out = smp("Service", "{'spec':{'type':'ClusterIP','externalTrafficPolicy':'Cluster'}}",
                "{'spec':{'externalTrafficPolicy':null,'sessionAffinityConfig':{'clientIP':{'timeoutSeconds':10,'x':null}},'missing':null}}");
        assertEquals(j("{'spec':{'type':'ClusterIP','sessionAffinityConfig':{'clientIP':{'timeoutSeconds':10}}}}"), out);
    }

    @Test
    void conditionsMergeByType() {
        String node = """
                {'status':{'conditions':[{'type':'Ready','status':'False','reason':'Starting'},
                                         {'type':'MemoryPressure','status':'False'}],
                           'addresses':[{'type':'InternalIP','address':'10.0.0.5'}]}}""";
        JsonNode out = smp("Node", node, """
                {'status':{'conditions':[{'type':'Ready','status':'True','reason':'KubeletReady'}],
                           'addresses':[{'type':'Hostname','address':'n1'}]}}""");
        assertEquals(j("""
                [{'type':'Ready','status':'True','reason':'KubeletReady'},{'type':'MemoryPressure','status':'False'}]"""),
                out.at("/status/conditions"));
        assertEquals(j("[{'type':'Hostname','address':'n1'},{'type':'InternalIP','address':'10.0.0.5'}]"),
                out.at("/status/addresses"));
    }

    @Test
    void ownerReferencesMergeByUidForUnknownKinds() {
        JsonNode out = smp("Widget", "{'metadata':{'ownerReferences':[{'uid':'1','name':'a'}]}}",
                "{'metadata':{'ownerReferences':[{'uid':'1','controller':true}]}}");
        assertEquals(j("[{'uid':'1','name':'a','controller':true}]"), out.at("/metadata/ownerReferences"));
    }

    @Test
    void inputsAreNotModified() {
        JsonNode original = j(POD);
        JsonNode patch = j("""
                {'spec':{'$setElementOrder/containers':[{'name':'sidecar'},{'name':'app'}],
                         'containers':[{'name':'app','env':[{'name':'A','$patch':'delete'}]}],'tolerations':null}}""");
        JsonNode originalCopy = original.deepCopy();
        JsonNode patchCopy = patch.deepCopy();
        JsonNode out = StrategicMergePatch.apply(original, patch, PatchSchema.forKind("Pod"));
        assertEquals(originalCopy, original);
        assertEquals(patchCopy, patch);
        assertEquals("sidecar,app", names(out.at("/spec/containers")));
        assertFalse(out.at("/spec").has("tolerations"));
    }

    // --- errors ------------------------------------------------------------------------------------------------------

    @Test
    void malformedJsonIsBadRequest() {
        PatchException e = assertThrows(PatchException.class, () -> Patches.apply(PatchType.STRATEGIC_MERGE_PATCH,
                j("{}"), "{\"spec\":".getBytes(java.nio.charset.StandardCharsets.UTF_8), PatchSchema.forKind("Pod")));
        assertTrue(e.badRequest());
        assertEquals(400, e.httpStatus());
        assertTrue(smpFails("Pod", "{}", "['not','an','object']").badRequest());
    }

    @Test
    void unknownDirectivesAreInvalid() {
        PatchException e = smpFails("Service", "{'spec':{'selector':{'a':'b'}}}", "{'spec':{'selector':{'$patch':'shred'}}}");
        assertFalse(e.badRequest());
        assertEquals(422, e.httpStatus());
        assertFalse(smpFails("Service", "{}", "{'spec':{'$frobnicate':1}}").badRequest());
        assertFalse(smpFails("Pod", POD, "{'spec':{'containers':[{'name':'app','$patch':'shred'}]}}").badRequest());
        assertFalse(smpFails("Pod", POD, "{'spec':{'containers':[{'$patch':'merge'}]}}").badRequest());
    }

    @Test
    void directiveMisuseIsInvalid() {
        // a merge-list element without its merge key
        assertFalse(smpFails("Pod", POD, "{'spec':{'containers':[{'image':'x'}]}}").badRequest());
        // a patch list whose order contradicts $setElementOrder
        assertFalse(smpFails("Service", "{'spec':{'ports':[{'port':1},{'port':2}]}}",
                "{'spec':{'$setElementOrder/ports':[{'port':1}],'ports':[{'port':2}]}}").badRequest());
        // malformed directive keys are 400, as upstream
        assertTrue(smpFails("Service", "{'spec':{}}", "{'spec':{'$setElementOrder':[]}}").badRequest());
        assertTrue(smpFails("Service", "{'metadata':{}}", "{'metadata':{'$deleteFromPrimitiveList':['a']}}").badRequest());
    }

    private static String names(JsonNode list) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode n : list) sb.append(sb.isEmpty() ? "" : ",").append(n.get("name").textValue());
        return sb.toString();
    }
}
