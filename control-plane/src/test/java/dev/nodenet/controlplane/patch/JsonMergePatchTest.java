package dev.nodenet.controlplane.patch;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static dev.nodenet.controlplane.patch.TestJson.j;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 7386 appendix A examples. */
class JsonMergePatchTest {

    @ParameterizedTest(name = "{0} + {1} = {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "{'a':'b'}                 | {'a':'c'}                   | {'a':'c'}",
            "{'a':'b'}                 | {'b':'c'}                   | {'a':'b','b':'c'}",
            "{'a':'b'}                 | {'a':null}                  | {}",
            "{'a':'b','b':'c'}         | {'a':null}                  | {'b':'c'}",
            "{'a':['b']}               | {'a':'c'}                   | {'a':'c'}",
            "{'a':'c'}                 | {'a':['b']}                 | {'a':['b']}",
            "{'a':{'b':'c'}}           | {'a':{'b':'d','c':null}}    | {'a':{'b':'d'}}",
            "{'a':[{'b':'c'}]}         | {'a':[1]}                   | {'a':[1]}",
            "['a','b']                 | ['c','d']                   | ['c','d']",
            "{'a':'b'}                 | ['c']                       | ['c']",
            "{'a':'foo'}               | null                        | null",
            "{'a':'foo'}               | 'bar'                       | 'bar'",
            "{'e':null}                | {'a':1}                     | {'e':null,'a':1}",
            "[1,2]                     | {'a':'b','c':null}          | {'a':'b'}",
            "{}                        | {'a':{'bb':{'ccc':null}}}   | {'a':{'bb':{}}}",
    })
    void rfc7386AppendixA(String target, String patch, String expected) {
        assertEquals(j(expected), JsonMergePatch.apply(j(target), j(patch)));
    }

    @Test
    void rfc7386Section3Example() {
        JsonNode target = j("{'title':'Goodbye!','author':{'givenName':'John','familyName':'Doe'},"
                + "'tags':['example','sample'],'content':'This will be unchanged'}");
        JsonNode patch = j("{'title':'Hello!','phoneNumber':'+01-123-456-7890','author':{'familyName':null},'tags':['example']}");
        assertEquals(j("{'title':'Hello!','author':{'givenName':'John'},'tags':['example'],"
                        + "'content':'This will be unchanged','phoneNumber':'+01-123-456-7890'}"),
                JsonMergePatch.apply(target, patch));
        assertEquals(j("{'title':'Goodbye!','author':{'givenName':'John','familyName':'Doe'},"
                + "'tags':['example','sample'],'content':'This will be unchanged'}"), target, "target untouched");
    }
}
