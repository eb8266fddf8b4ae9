package dev.nodenet.controlplane.patch;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static dev.nodenet.controlplane.patch.TestJson.j;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 6902 appendix A examples plus the Kubernetes error classification. */
class JsonPatchTest {

    private static JsonNode apply(String doc, String patch) {
        return JsonPatch.apply(j(doc), j(patch));
    }

    private static PatchException fails(String doc, String patch) {
        return assertThrows(PatchException.class, () -> apply(doc, patch));
    }

    @Test
    void a1AddObjectMember() {
        assertEquals(j("{'baz':'qux','foo':'bar'}"), apply("{'foo':'bar'}", "[{'op':'add','path':'/baz','value':'qux'}]"));
    }

    @Test
    void a2AddArrayElement() {
        assertEquals(j("{'foo':['bar','qux','baz']}"),
                apply("{'foo':['bar','baz']}", "[{'op':'add','path':'/foo/1','value':'qux'}]"));
    }

    @Test
    void a3RemoveObjectMember() {
        assertEquals(j("{'foo':'bar'}"), apply("{'baz':'qux','foo':'bar'}", "[{'op':'remove','path':'/baz'}]"));
    }

    @Test
    void a4RemoveArrayElement() {
        assertEquals(j("{'foo':['bar','baz']}"), apply("{'foo':['bar','qux','baz']}", "[{'op':'remove','path':'/foo/1'}]"));
    }

    @Test
    void a5ReplaceValue() {
        assertEquals(j("{'baz':'boo','foo':'bar'}"),
                apply("{'baz':'qux','foo':'bar'}", "[{'op':'replace','path':'/baz','value':'boo'}]"));
    }

    @Test
    void a6MoveValue() {
        assertEquals(j("{'foo':{'bar':'baz'},'qux':{'corge':'grault','thud':'fred'}}"),
                apply("{'foo':{'bar':'baz','waldo':'fred'},'qux':{'corge':'grault'}}",
                        "[{'op':'move','from':'/foo/waldo','path':'/qux/thud'}]"));
    }

    @Test
    void a7MoveArrayElement() {
        assertEquals(j("{'foo':['all','cows','eat','grass']}"),
                apply("{'foo':['all','grass','cows','eat']}", "[{'op':'move','from':'/foo/1','path':'/foo/3'}]"));
    }

    @Test
    void a8TestSucceeds() {
        String doc = "{'baz':'qux','foo':['a',2,'c']}";
        assertEquals(j(doc), apply(doc, "[{'op':'test','path':'/baz','value':'qux'},{'op':'test','path':'/foo/1','value':2}]"));
    }

    @Test
    void a9TestFailsAsInvalid() {
        PatchException e = fails("{'baz':'qux'}", "[{'op':'test','path':'/baz','value':'bar'}]");
        assertFalse(e.badRequest());
        assertEquals(422, e.httpStatus());
        assertTrue(e.getMessage().contains("test failed"), e.getMessage());
    }

    @Test
    void a10AddNestedMemberObject() {
        assertEquals(j("{'foo':'bar','child':{'grandchild':{}}}"),
                apply("{'foo':'bar'}", "[{'op':'add','path':'/child','value':{'grandchild':{}}}]"));
    }

    @Test
    void a11IgnoresUnrecognizedMembers() {
        assertEquals(j("{'foo':'bar','baz':'qux'}"),
                apply("{'foo':'bar'}", "[{'op':'add','path':'/baz','value':'qux','xyz':123}]"));
    }

    @Test
    void a12AddToNonexistentTargetFails() {
        assertFalse(fails("{'foo':'bar'}", "[{'op':'add','path':'/baz/bat','value':'qux'}]").badRequest());
    }

    @Test
    void a14TildeEscapeOrdering() {
        String doc = "{'/':9,'~1':10}";
        assertEquals(j(doc), apply(doc, "[{'op':'test','path':'/~01','value':10}]"));
        assertEquals(j("{'/':9,'~1':10,'a/b':1}"), apply(doc, "[{'op':'add','path':'/a~1b','value':1}]"));
    }

    @Test
    void a15StringsAndNumbersDiffer() {
        fails("{'/':9,'~1':10}", "[{'op':'test','path':'/~01','value':'10'}]");
    }

    @Test
    void a16AddArrayValueWithDash() {
        assertEquals(j("{'foo':['bar',['abc','def']]}"),
                apply("{'foo':['bar']}", "[{'op':'add','path':'/foo/-','value':['abc','def']}]"));
    }

    @Test
    void copyDeepCopiesAndTestComparesNumbersByValue() {
        JsonNode out = apply("{'a':{'x':[1]}}",
                "[{'op':'copy','from':'/a','path':'/b'},{'op':'add','path':'/b/x/-','value':2},{'op':'test','path':'/a/x','value':[1.0]}]");
        assertEquals(j("{'a':{'x':[1]},'b':{'x':[1,2]}}"), out);
    }

    @Test
    void replaceRootAndKubernetesStyleLabelPath() {
        assertEquals(j("[1]"), apply("{'a':1}", "[{'op':'replace','path':'','value':[1]}]"));
        assertEquals(j("{'metadata':{'labels':{'app.kubernetes.io/name':'web'}}}"),
                apply("{'metadata':{'labels':{}}}",
                        "[{'op':'add','path':'/metadata/labels/app.kubernetes.io~1name','value':'web'}]"));
    }

    @Test
    void pathErrorsAreInvalid() {
        fails("{'a':[1]}", "[{'op':'remove','path':'/b'}]");
        fails("{'a':[1]}", "[{'op':'replace','path':'/a/1','value':2}]");
        fails("{'a':[1]}", "[{'op':'add','path':'/a/2','value':2}]");
        fails("{'a':[1]}", "[{'op':'add','path':'/a/01','value':2}]");
        fails("{'a':[1]}", "[{'op':'add','path':'/a/-1','value':2}]");
        fails("{'a':[1]}", "[{'op':'add','path':'a','value':2}]");
        fails("{'a':[1]}", "[{'op':'add','path':'/a~2','value':2}]");
        fails("{'a':{'b':1}}", "[{'op':'move','from':'/a','path':'/a/c'}]");
        fails("{'a':1}", "[{'op':'frobnicate','path':'/a'}]");
        fails("{'a':1}", "[{'op':'add','path':'/b'}]");
        PatchException e = fails("{'a':1}", "[{'op':'add','value':1}]");
        assertFalse(e.badRequest(), "like the API server, a missing path is 422");
    }

    @Test
    void patchThatIsNotAnArrayOfObjectsIsBadRequest() {
        assertTrue(fails("{}", "{'op':'add','path':'/a','value':1}").badRequest());
        assertTrue(fails("{}", "['add']").badRequest());
    }

    @Test
    void failedPatchLeavesNoTraceAndInputsAreNotModified() {
        JsonNode doc = j("{'a':[1,2]}");
        JsonNode patch = j("[{'op':'remove','path':'/a/0'},{'op':'test','path':'/a/0','value':1}]");
        assertThrows(PatchException.class, () -> JsonPatch.apply(doc, patch));
        assertEquals(j("{'a':[1,2]}"), doc);
        JsonNode ok = JsonPatch.apply(doc, j("[{'op':'remove','path':'/a/0'}]"));
        assertEquals(j("{'a':[2]}"), ok);
        assertEquals(j("{'a':[1,2]}"), doc);
    }
}
