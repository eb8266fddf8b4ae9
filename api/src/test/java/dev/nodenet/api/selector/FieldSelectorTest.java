package dev.nodenet.api.selector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodenet.api.codec.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FieldSelectorTest {
    private static final JsonNode POD = Json.read("""
            {"metadata":{"name":"web-1","namespace":"default"},"spec":{"nodeName":"n1"},"status":{"phase":"Running"}}
            """, JsonNode.class);

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                                            | true  | ''",
            "metadata.name=web-1                           | true  | metadata.name=web-1",
            "metadata.name==web-1                          | true  | metadata.name=web-1",
            "metadata.name!=web-1                          | false | metadata.name!=web-1",
            "metadata.namespace=default,spec.nodeName=n1   | true  | metadata.namespace=default,spec.nodeName=n1",
            "metadata.namespace!=kube-system,status.phase=Pending | false | metadata.namespace!=kube-system,status.phase=Pending",
            "spec.missing=                                 | true  | spec.missing=",
            "metadata.name=a\\,b\\=c                        | false | metadata.name=a\\,b\\=c",
    })
    void parseMatchAndRoundTrip(String text, boolean matches, String canonical) {
        FieldSelector s = FieldSelector.parse(text);
        assertEquals(matches, s.matches(POD), text);
        assertEquals(canonical, s.toString());
        assertEquals(s, FieldSelector.parse(s.toString()));
    }

    @org.junit.jupiter.api.Test
    void nameSelectorAsKubectlUsesIt() {
        assertEquals("metadata.name=web-1", FieldSelector.name("web-1").toString());
        assertTrue(FieldSelector.name("web-1").matches(POD));
        assertEquals(false, FieldSelector.name("web-2").matches(POD));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "metadata.name        | 13 | expected =, == or !=",
            "=x                   | 0  | expected a field path",
            "metadata.name=a=b    | 15 | unescaped '='",
            "metadata.name=a\\    | 16 | dangling escape",
            "a=b,,c=d             | 4  | expected a field path",
    })
    void invalidSyntaxNamesThePosition(String text, int position, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FieldSelector.parse(text));
        assertTrue(e.getMessage().contains("at position " + position + ":"), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
