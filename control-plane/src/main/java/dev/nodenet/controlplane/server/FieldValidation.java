package dev.nodenet.controlplane.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.nodenet.controlplane.schema.FieldError;
import dev.nodenet.controlplane.schema.FieldValidator;
import dev.nodenet.controlplane.schema.GroupVersionKind;
import dev.nodenet.controlplane.schema.KubeSchemas;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes request bodies and applies the {@code fieldValidation} directive as kube-apiserver does: {@code Strict}
 * rejects unknown and duplicate fields, {@code Warn} (the default) answers with {@code Warning} headers,
 * {@code Ignore} keeps quiet. Type mismatches fail whatever the directive. Thread-safe.
 */
final class FieldValidation {
    enum Directive { IGNORE, WARN, STRICT }

    /** A decoded body and the warnings to send with the response. */
    record Decoded(ObjectNode object, List<String> warnings) {}

    private final FieldValidator validator = new FieldValidator(KubeSchemas.catalog());
    private final ObjectMapper yaml = new YAMLMapper();

    static Directive directive(String value) {
        if (value == null || value.isEmpty()) return Directive.WARN;
        return switch (value) {
            case "Ignore" -> Directive.IGNORE;
            case "Warn" -> Directive.WARN;
            case "Strict" -> Directive.STRICT;
            default -> throw ApiException.badRequest("fieldValidation must be one of Ignore, Warn or Strict, got \"" + value + "\"");
        };
    }

    /** Parses a create/update body (JSON or YAML) for {@code type}; 400 when malformed or, under Strict, not clean. */
    Decoded decode(ResourceType type, byte[] body, boolean isYaml, Directive directive) {
        JsonNode tree;
        List<FieldError> errors = new ArrayList<>();
        try {
            if (isYaml) {
                tree = yaml.readTree(body);
            } else {
                FieldValidator.StrictParse parsed = FieldValidator.parseStrict(body);
                tree = parsed.tree();
                errors.addAll(parsed.duplicates());
            }
        } catch (IOException e) {
            throw ApiException.badRequest("the body of the request could not be decoded as " + (isYaml ? "YAML" : "JSON") + ": " + firstLine(e.getMessage()));
        }
        if (!(tree instanceof ObjectNode obj)) throw ApiException.badRequest("the body of the request must be a JSON object (a " + type.kind() + ")");
        GroupVersionKind gvk = new GroupVersionKind(type.group(), type.version(), type.kind());
        errors.addAll(validator.validate(gvk, obj));
        List<String> warnings = outcome(errors, directive, msg -> ApiException.badRequest(
                FieldValidator.createOrUpdateMessage(gvk, msg).orElseThrow()));
        return new Decoded(obj, warnings);
    }

    /** Checks the result of a patch; failures are 422 with one cause on {@code patch}, as kube-apiserver words them. */
    List<String> checkPatched(ResourceType type, ObjectNode patched, Directive directive) {
        GroupVersionKind gvk = new GroupVersionKind(type.group(), type.version(), type.kind());
        List<FieldError> errors = validator.validate(gvk, patched);
        return outcome(errors, directive, errs -> ApiException.invalid(type, patched.path("metadata").path("name").asText(), List.of(
                new ApiException.Cause("FieldValueInvalid", "patch", FieldValidator.decodingMessage(errs).orElseThrow()))));
    }

    private static List<String> outcome(List<FieldError> errors, Directive directive, java.util.function.Function<List<FieldError>, ApiException> failure) {
        if (errors.isEmpty()) return List.of();
        boolean typeMismatch = errors.stream().anyMatch(e -> !e.isStrict());
        if (typeMismatch || directive == Directive.STRICT) throw failure.apply(errors);
        return directive == Directive.WARN ? FieldValidator.warnings(errors) : List.of();
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
