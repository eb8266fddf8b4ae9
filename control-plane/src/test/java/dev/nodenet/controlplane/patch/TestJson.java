package dev.nodenet.controlplane.patch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;

/** Test helpers: JSON written with single quotes for readability. */
final class TestJson {
    private static final ObjectMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .build();

    private TestJson() {}

    /** Parses JSON that may use single quotes. */
    static JsonNode j(String json) {
        try {
            return LENIENT.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad test JSON: " + json, e);
        }
    }

    /** The same document as strict JSON bytes, as a request body. */
    static byte[] body(String json) {
        return j(json).toString().getBytes(StandardCharsets.UTF_8);
    }
}
