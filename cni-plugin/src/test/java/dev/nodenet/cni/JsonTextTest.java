package dev.nodenet.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTextTest {
    @Test
    void roundTripKeepsOrderAndEscapes() {
        String text = "{\"b\":1,\"a\":[true,false,null,\"x\\\"y\\n\\u00e9\"],\"c\":{\"d\":-1.5e3}}";
        Object v = JsonText.parse(text);
        assertEquals(List.of("b", "a", "c"), List.copyOf(((Map<?, ?>) v).keySet()));
        assertEquals(new BigDecimal("-1.5e3"), ((Map<?, ?>) ((Map<?, ?>) v).get("c")).get("d"));
        assertEquals("x\"y\né", ((List<?>) ((Map<?, ?>) v).get("a")).get(3));
        assertEquals("{\"b\":1,\"a\":[true,false,null,\"x\\\"y\\né\"],\"c\":{\"d\":-1.5E+3}}", JsonText.write(v));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ctl", "\u0001");
        assertEquals("{\"ctl\":\"\\u0001\"}", JsonText.write(m));
    }

    @Test
    void rejectsMalformedInput() {
        for (String bad : List.of("", "{", "{\"a\":1,}", "{\"a\":1,\"a\":2}", "[1 2]", "01", "1.", "tru", "\"\\x\"",
                "\"a\nb\"", "{} {}", "{\"a\":}", "[".repeat(100) + "]".repeat(100))) {
            assertThrows(IllegalArgumentException.class, () -> JsonText.parse(bad), bad);
        }
    }
}
