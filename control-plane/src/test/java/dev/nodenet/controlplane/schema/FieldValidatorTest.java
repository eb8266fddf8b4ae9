package dev.nodenet.controlplane.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FieldValidatorTest {

    private static final GroupVersionKind SERVICE = new GroupVersionKind("", "v1", "Service");
    private static final GroupVersionKind POD = new GroupVersionKind("", "v1", "Pod");

    private final FieldValidator validator = new FieldValidator(KubeSchemas.catalog());

    private List<FieldError> validate(JsonNode manifest) {
        return validator.validate(GroupVersionKind.of(manifest.get("apiVersion").asText(),
                manifest.get("kind").asText()), manifest);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SERVICE", "POD", "NODE", "ENDPOINT_SLICE", "NAMESPACE", "ENDPOINTS"})
    void realisticManifestsAreAccepted(String name) throws Exception {
        String text = (String) Manifests.class.getDeclaredField(name).get(null);
        JsonNode manifest = Manifests.yaml(text);
        assertTrue(catalogKnows(manifest), "test must exercise a declared kind");
        assertEquals(List.of(), validate(manifest));
    }

    private static boolean catalogKnows(JsonNode m) {
        return KubeSchemas.catalog().byKind(GroupVersionKind.of(m.get("apiVersion").asText(), m.get("kind").asText()))
                .isPresent();
    }

    @Test
    void unknownNestedServiceFieldsAreReportedWithUpstreamPaths() {
        ObjectNode svc = (ObjectNode) Manifests.yaml(Manifests.SERVICE);
        ObjectNode spec = (ObjectNode) svc.get("spec");
        spec.set("prots", spec.get("ports").deepCopy());
        ((ObjectNode) spec.get("ports").get(0)).put("nme", "http");
        ((ObjectNode) spec.get("sessionAffinityConfig").get("clientIP")).put("timeout", 5);

        List<FieldError> errors = validate(svc);

        assertEquals(List.of(
                "unknown field \"spec.ports[0].nme\"",
                "unknown field \"spec.sessionAffinityConfig.clientIP.timeout\"",
                "unknown field \"spec.prots\""), errors.stream().map(FieldError::message).toList());
        assertEquals(FieldError.Kind.UNKNOWN, errors.getFirst().kind());
        assertEquals(Optional.of("Service in version \"v1\" cannot be handled as a Service: strict decoding error: "
                        + "unknown field \"spec.ports[0].nme\", unknown field \"spec.sessionAffinityConfig.clientIP.timeout\", "
                        + "unknown field \"spec.prots\""),
                FieldValidator.createOrUpdateMessage(SERVICE, errors));
        assertEquals(".spec.prots: field not declared in schema", FieldValidator.applyMessage(errors.getLast()));
    }

    @Test
    void unknownNestedPodFieldsAreReported() {
        ObjectNode pod = (ObjectNode) Manifests.yaml(Manifests.POD);
        ObjectNode web = (ObjectNode) pod.get("spec").get("containers").get(0);
        web.put("imagePullPolice", "Always");
        ((ObjectNode) web.get("livenessProbe").get("httpGet")).put("prot", 8080);
        ((ObjectNode) web.get("env").get(1).get("valueFrom").get("secretKeyRef")).put("keys", "x");
        ((ObjectNode) pod.get("spec").get("volumes").get(1)).putObject("emptydir");
        ((ObjectNode) pod.get("metadata")).put("label", "x");

        List<String> paths = validate(pod).stream().map(FieldError::path).toList();

        assertEquals(List.of(
                "metadata.label",
                "spec.containers[0].env[1].valueFrom.secretKeyRef.keys",
                "spec.containers[0].livenessProbe.httpGet.prot",
                "spec.containers[0].imagePullPolice",
                "spec.volumes[1].emptydir"), paths);
    }

    @Test
    void openObjectsAndMapsAcceptAnyKeys() {
        ObjectNode pod = (ObjectNode) Manifests.yaml(Manifests.POD);
        ((ObjectNode) pod.get("spec").get("affinity")).putObject("futureAffinity").put("anything", true);
        ((ObjectNode) pod.get("metadata").get("labels")).put("any/key.example.com", "v");
        ((ObjectNode) pod.get("spec").get("volumes").get(3).get("projected")).put("notChecked", 1);
        assertEquals(List.of(), validate(pod));
    }

    @Test
    void typeMismatchIsReportedLikeGoJson() {
        ObjectNode svc = (ObjectNode) Manifests.yaml(Manifests.SERVICE);
        ((ObjectNode) svc.get("spec").get("ports").get(1)).put("port", "443");
        ((ObjectNode) svc.get("spec")).put("prots", 1);

        List<FieldError> errors = validate(svc);

        FieldError mismatch = errors.stream().filter(e -> !e.isStrict()).findFirst().orElseThrow();
        assertEquals("spec.ports[1].port", mismatch.path());
        assertEquals("json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32",
                mismatch.message());
        // A type mismatch trumps strict errors, as in kube-apiserver.
        assertEquals(Optional.of("Service in version \"v1\" cannot be handled as a Service: json: cannot unmarshal "
                + "string into Go struct field ServicePort.spec.ports.port of type int32"),
                FieldValidator.createOrUpdateMessage(SERVICE, errors));
        assertEquals(Optional.of("strict decoding error: unknown field \"spec.prots\""),
                FieldValidator.strictDecodingMessage(errors));
    }

    @Test
    void otherTypeMismatches() {
        ObjectNode pod = (ObjectNode) Manifests.yaml(Manifests.POD);
        ObjectNode web = (ObjectNode) pod.get("spec").get("containers").get(0);
        web.put("args", "--listen=:8080");
        ((ObjectNode) web.get("ports").get(0)).put("containerPort", 1.5);
        ((ObjectNode) pod.get("metadata").get("labels")).put("tier", 3);
        ((ObjectNode) web.get("livenessProbe").get("httpGet")).put("port", true);

        assertEquals(List.of(
                "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string",
                "json: cannot unmarshal string into Go struct field Container.spec.containers.args of type []string",
                "json: cannot unmarshal number 1.5 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32",
                "json: cannot unmarshal bool into Go struct field HTTPGetAction.spec.containers.livenessProbe.httpGet.port of type intstr.IntOrString"),
                validate(pod).stream().map(FieldError::message).toList());
    }

    @Test
    void nullsAndUnknownKindsAreNotErrors() {
        ObjectNode svc = (ObjectNode) Manifests.yaml(Manifests.SERVICE);
        ((ObjectNode) svc.get("spec")).putNull("clusterIP");
        ((ObjectNode) svc.get("metadata")).putNull("creationTimestamp");
        assertEquals(List.of(), validate(svc));
        JsonNode deployment = Manifests.yaml("apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 1\n  nonsense: 1\n");
        assertEquals(List.of(), validate(deployment));
    }

    @Test
    void parseStrictReportsEveryDuplicateWithItsPath() throws IOException {
        String body = """
                {"apiVersion":"v1","kind":"Service",
                 "metadata":{"name":"a","labels":{"x":"1"},"name":"b"},
                 "spec":{"ports":[{"port":80},{"port":81,"name":"x","port":82}],"type":"ClusterIP"},
                 "kind":"Service"}
                """;
        FieldValidator.StrictParse parsed = FieldValidator.parseStrict(body.getBytes(StandardCharsets.UTF_8));

        assertEquals(List.of("duplicate field \"metadata.name\"", "duplicate field \"spec.ports[1].port\"",
                "duplicate field \"kind\""), parsed.duplicates().stream().map(FieldError::message).toList());
        assertEquals("b", parsed.tree().get("metadata").get("name").asText(), "last value wins, as in Go");
        assertEquals(82, parsed.tree().get("spec").get("ports").get(1).get("port").asInt());
        assertEquals(Optional.of("strict decoding error: duplicate field \"metadata.name\", "
                        + "duplicate field \"spec.ports[1].port\", duplicate field \"kind\""),
                FieldValidator.strictDecodingMessage(parsed.duplicates()));
    }

    @Test
    void parseStrictTracksArrayIndexesAcrossNestedContainers() throws IOException {
        String body = "{\"a\":[[1,2],{\"b\":1},{\"c\":[{}],\"c\":2},{\"d\":1,\"d\":2}]}";
        assertEquals(List.of("a[2].c", "a[3].d"), FieldValidator.parseStrict(body.getBytes(StandardCharsets.UTF_8))
                .duplicates().stream().map(FieldError::path).toList());
    }

    @Test
    void parseStrictRejectsMalformedJson() {
        assertThrows(IOException.class,
                () -> FieldValidator.parseStrict("{\"a\": }".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void podWithServiceSchemaMistakesIsNotSilentlyAccepted() {
        // Guards against a validator that accepts everything: a Service body sent as a Pod fails.
        JsonNode svcAsPod = ((ObjectNode) Manifests.yaml(Manifests.SERVICE)).put("kind", "Pod");
        assertTrue(validator.validate(POD, svcAsPod).stream().anyMatch(e -> e.path().equals("spec.ports")));
    }
}
