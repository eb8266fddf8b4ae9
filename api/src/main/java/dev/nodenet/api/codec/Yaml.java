package dev.nodenet.api.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared YAML codec, configured like {@link Json}. Reads multi-document manifests ({@code ---} separated).
 * <p>Thread-safe.
 */
public final class Yaml {
    private static final ObjectMapper MAPPER = Json.configure(YAMLMapper.builder(
                    YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build()))
            .build();

    private Yaml() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static <T> T read(String yaml, Class<T> type) {
        try {
            return MAPPER.readValue(yaml, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad YAML for " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Every document of a manifest as an object tree, in order; empty documents (a bare {@code ---}, comments only) are
     * skipped, a document that is not a mapping is an error.
     * Decode each with {@link Json#convert(Object, Class)} once its {@code kind} is known.
     */
    public static List<JsonNode> readAll(String yaml) {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = MAPPER.readerFor(JsonNode.class).readValues(yaml)) {
            for (int n = 1; it.hasNextValue(); n++) {
                JsonNode doc = it.nextValue();
                if (doc == null || doc.isNull() || doc.isMissingNode() || doc.isTextual() && doc.asText().isEmpty()) continue;
                if (!doc.isObject()) throw new IllegalArgumentException("bad YAML manifest: document " + n + " is not a mapping");
                docs.add(doc);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("bad YAML manifest: " + Json.message(e), e);
        }
        return docs;
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
