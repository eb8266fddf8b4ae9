package dev.nodenet.api.selector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodenet.api.codec.Json;
import dev.nodenet.api.model.LabelSelectorRequirement;
import dev.nodenet.api.model.LabelSelectorSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class LabelSelectorTest {
    private static final Map<String, String> LABELS = Map.of("app", "web", "tier", "front", "n", "5",
            "service.kubernetes.io/foo", "");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                                   | true  | ''",
            "app=web                              | true  | app=web",
            "app==web                             | true  | app=web",
            "app = web                            | true  | app=web",
            "app=db                               | false | app=db",
            "app!=db                              | true  | app!=db",
            "missing!=x                           | true  | missing!=x",
            "app in (db, web)                     | true  | app in (db,web)",
            "app in (db)                          | false | app in (db)",
            "app notin (db)                       | true  | app notin (db)",
            "missing notin (db)                   | true  | missing notin (db)",
            "app                                  | true  | app",
            "!app                                 | false | !app",
            "!service.kubernetes.io/service-proxy-name,!service.kubernetes.io/headless | true | !service.kubernetes.io/headless,!service.kubernetes.io/service-proxy-name",
            "tier=front,app=web                   | true  | app=web,tier=front",
            "tier=front,app=db                    | false | app=db,tier=front",
            "service.kubernetes.io/foo=           | true  | service.kubernetes.io/foo=",
            "n>3                                  | true  | n>3",
            "n<3                                  | false | n<3",
            "app>3                                | false | app>3",
            "app in (web,),tier                   | true  | app in (,web),tier",
    })
    void parseMatchAndRoundTrip(String text, boolean matches, String canonical) {
        LabelSelector s = LabelSelector.parse(text);
        assertEquals(matches, s.matches(LABELS), text);
        assertEquals(canonical, s.toString());
        assertEquals(s, LabelSelector.parse(s.toString()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "app=web,             | 8  | expected a label key",
            "app in web           | 7  | expected '('",
            "app in ()            | 8  | cannot be empty",
            "app in (a,b          | 11 | expected ',' or ')'",
            "app web              | 4  | expected an operator",
            "app=a b              | 6  | expected ',' or end",
            "!app=x               | 4  | takes no operator",
            "-app=x               | 0  | name must be",
            "app=-x               | 0  | value -x",
            "n>x                  | 0  | not an integer",
            "Bad_Prefix/app       | 0  | prefix must be a DNS subdomain",
            "=x                   | 0  | expected a label key",
    })
    void invalidSyntaxNamesThePosition(String text, int position, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse(text));
        assertTrue(e.getMessage().contains("at position " + position + ":"), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void fromLabelSelectorObject() {
        LabelSelectorSpec spec = Json.read("""
                {"matchLabels":{"app":"web"},"matchExpressions":[
                  {"key":"tier","operator":"In","values":["front","edge"]},
                  {"key":"env","operator":"NotIn","values":["prod"]},
                  {"key":"n","operator":"Exists"},
                  {"key":"legacy","operator":"DoesNotExist"}]}
                """, LabelSelectorSpec.class);
        LabelSelector s = LabelSelector.from(spec);
        assertEquals("app=web,env notin (prod),!legacy,n,tier in (edge,front)", s.toString());
        assertTrue(s.matches(LABELS));
        assertFalse(s.matches(Map.of("app", "web", "tier", "front", "n", "1", "legacy", "x")));
        assertTrue(LabelSelector.from(new LabelSelectorSpec(null, null)).matches(Map.of()));
        assertFalse(LabelSelector.from(null).matches(Map.of()));
        assertThrows(IllegalArgumentException.class, () -> LabelSelector.from(new LabelSelectorSpec(null,
                List.of(new LabelSelectorRequirement("a", "Gt", List.of("1"))))));
        assertThrows(IllegalArgumentException.class, () -> LabelSelector.from(new LabelSelectorSpec(null,
                List.of(new LabelSelectorRequirement("a", "In", List.of())))));

        LabelSelector built = LabelSelector.of(List.of(
                LabelSelector.requirement("tier", LabelSelector.Operator.IN, List.of("front", "edge")),
                LabelSelector.requirement("app", LabelSelector.Operator.EQUALS, List.of("web"))));
        assertEquals(LabelSelector.parse("app=web,tier in (edge,front)"), built);
        assertThrows(IllegalArgumentException.class,
                () -> LabelSelector.requirement("app", LabelSelector.Operator.EXISTS, List.of("x")));
    }
}
