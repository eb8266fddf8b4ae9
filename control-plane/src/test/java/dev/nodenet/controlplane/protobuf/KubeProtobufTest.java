package dev.nodenet.controlplane.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KubeProtobufTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Bodies captured from kubectl v1.32 (see KubectlProtobufTest, which re-captures them live). */
    static final byte[] NAMESPACE_NS1 = HexFormat.of().parseHex(
            "6b3873000a0f0a02763112094e616d657370616365121b0a130a036e733112001a0022002a0032003800420012001a020a001a002200");
    static final byte[] SERVICE_NODEPORT_S2 = HexFormat.of().parseHex(
            "6b3873000a0d0a02763112075365727669636512670a1d0a02733212001a0022002a003200380042005a090a036170701202733212420a1d0a0738302d38303830120354435018502207080010903f1a002880eb0112090a03617070120273321a0022084e6f6465506f72743a00420052005a00600068001a020a001a002200");
    static final byte[] SERVICE_LOADBALANCER_S4 = HexFormat.of().parseHex(
            "6b3873000a0d0a02763112075365727669636512700a1d0a02733412001a0022002a003200380042005a090a0361707012027334124b0a220a093434332d6874747073120354435018bb03220b080110001a056874747073280012090a03617070120273341a00220c4c6f616442616c616e6365723a00420052005a00600068001a020a001a002200");

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void capturedNamespace() throws Exception {
        assertEquals(json("""
                {"kind":"Namespace","apiVersion":"v1","metadata":{"name":"ns1","creationTimestamp":null},"spec":{},"status":{}}"""),
                KubeProtobuf.decode(NAMESPACE_NS1));
    }

    @Test
    void capturedNodePortService() throws Exception {
        assertEquals(json("""
                {"kind":"Service","apiVersion":"v1",
                 "metadata":{"name":"s2","creationTimestamp":null,"labels":{"app":"s2"}},
                 "spec":{"ports":[{"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080,"nodePort":30080}],
                         "selector":{"app":"s2"},"type":"NodePort"},
                 "status":{"loadBalancer":{}}}"""),
                KubeProtobuf.decode(SERVICE_NODEPORT_S2));
    }

    @Test
    void namedTargetPortIsAString() throws Exception {
        ObjectNode svc = KubeProtobuf.decode(SERVICE_LOADBALANCER_S4);
        assertEquals(json("{\"name\":\"443-https\",\"protocol\":\"TCP\",\"port\":443,\"targetPort\":\"https\"}"), svc.at("/spec/ports/0"));
        assertEquals("LoadBalancer", svc.at("/spec/type").asText());
    }

    @Test
    void everyTruncationFailsCleanly() {
        for (byte[] body : new byte[][]{NAMESPACE_NS1, SERVICE_NODEPORT_S2, SERVICE_LOADBALANCER_S4}) {
            for (int n = 0; n < body.length; n++) {
                byte[] cut = Arrays.copyOf(body, n);
                try {
                    KubeProtobuf.decode(cut); // a cut at a field boundary may still be a valid, shorter message
                } catch (ProtobufException expected) {
                    // fine
                }
            }
        }
    }

    @Test
    void randomGarbageNeverEscapesAsAnotherException() {
        Random rnd = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] body = SERVICE_NODEPORT_S2.clone();
            for (int k = 0; k < 1 + rnd.nextInt(4); k++) body[4 + rnd.nextInt(body.length - 4)] = (byte) rnd.nextInt(256);
            try {
                KubeProtobuf.decode(body);
            } catch (ProtobufException expected) {
                // fine
            }
        }
    }

    @Test
    void wrongMagic() {
        ProtobufException e = assertThrows(ProtobufException.class, () -> KubeProtobuf.decode("{\"kind\":\"x\"}".getBytes()));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
        assertFalse(e.unsupported());
        assertThrows(ProtobufException.class, () -> KubeProtobuf.decode(new byte[]{0x6b, 0x38}));
        assertThrows(ProtobufException.class, () -> KubeProtobuf.decode(null));
    }

    @Test
    void unsupportedKind() {
        ProtobufException e = assertThrows(ProtobufException.class, () -> KubeProtobuf.decode(Pb.body("apps/v1", "Deployment", Pb.of())));
        assertEquals("protobuf is not supported for kind apps/v1 Deployment; send application/json", e.getMessage());
        assertTrue(e.unsupported());
        assertThrows(ProtobufException.class, () -> KubeProtobuf.decode(Pb.body("v2", "Namespace", Pb.of())));
    }

    @Test
    void contentEncodingIsRejected() {
        byte[] body = Pb.of().raw(0x6b, 0x38, 0x73, 0).msg(1, Pb.of().str(1, "v1").str(2, "Namespace")).str(3, "gzip").build();
        assertThrows(ProtobufException.class, () -> KubeProtobuf.decode(body));
    }

    @Test
    void unknownFieldsAreSkipped() throws Exception {
        Pb meta = Pb.of().str(1, "x").varint(99, 5).tag(98, 1).raw(1, 2, 3, 4, 5, 6, 7, 8).tag(97, 5).raw(1, 2, 3, 4)
                .msg(96, Pb.of().str(1, "nested unknown"));
        Pb ns = Pb.of().msg(1, meta).msg(50, Pb.of().varint(1, 1));
        assertEquals(json("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"x\"}}"),
                KubeProtobuf.decode(Pb.body("v1", "Namespace", ns)));
    }

    @Test
    void mapsListsTimesAndPointers() throws Exception {
        Pb meta = Pb.of().str(1, "m").str(3, "default")
                .entry(11, "a", "1").entry(11, "b", "").entry(11, "a", "2") // later entry wins
                .entry(12, "note", "x")
                .msg(13, Pb.of().str(1, "ReplicaSet").str(3, "rs").str(4, "u1").str(5, "apps/v1").varint(6, 1))
                .str(14, "f1").str(14, "f2")
                .msg(8, Pb.of().varint(1, 1136214245)) // 2006-01-02T15:04:05Z
                .msg(9, Pb.of().varint(1, 1136214245).varint(2, 500))
                .varint(10, 0) // *int64 set to 0 is kept
                .varint(7, 0); // generation 0 is omitted
        Pb spec = Pb.of()
                .msg(1, Pb.of().str(1, "").str(2, "UDP").varint(3, 53).msg(4, Pb.of().varint(1, 0).varint(2, 5353).str(3, "")).varint(5, 0))
                .entry(2, "app", "dns")
                .str(3, "10.0.0.10").str(18, "10.0.0.10").str(18, "fd00::a")
                .str(4, "ClusterIP").str(7, "ClientIP")
                .varint(12, 0).varint(13, 1)
                .msg(14, Pb.of().msg(1, Pb.of().varint(1, 10800)))
                .str(19, "IPv4").str(19, "IPv6")
                .str(17, "PreferDualStack").varint(20, 0).str(21, "").str(22, "Local").str(23, "PreferClose");
        Pb status = Pb.of()
                .msg(1, Pb.of().msg(1, Pb.of().str(1, "192.0.2.1").str(3, "VIP").msg(4, Pb.of().varint(1, 53).str(2, "UDP"))))
                .msg(2, Pb.of().str(1, "Ready").str(2, "True").msg(4, Pb.of()).str(5, "").str(6, ""));
        ObjectNode svc = KubeProtobuf.decode(Pb.body("v1", "Service", Pb.of().msg(1, meta).msg(2, spec).msg(3, status)));
        assertEquals(json("""
                {"apiVersion":"v1","kind":"Service",
                 "metadata":{"name":"m","namespace":"default","creationTimestamp":"2006-01-02T15:04:05Z",
                   "deletionTimestamp":"2006-01-02T15:04:05Z","deletionGracePeriodSeconds":0,
                   "labels":{"a":"2","b":""},"annotations":{"note":"x"},
                   "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":"u1","controller":true}],
                   "finalizers":["f1","f2"]},
                 "spec":{"ports":[{"protocol":"UDP","port":53,"targetPort":5353}],"selector":{"app":"dns"},
                   "clusterIP":"10.0.0.10","clusterIPs":["10.0.0.10","fd00::a"],"type":"ClusterIP","sessionAffinity":"ClientIP",
                   "publishNotReadyAddresses":true,"sessionAffinityConfig":{"clientIP":{"timeoutSeconds":10800}},
                   "ipFamilies":["IPv4","IPv6"],"ipFamilyPolicy":"PreferDualStack","allocateLoadBalancerNodePorts":false,
                   "loadBalancerClass":"","internalTrafficPolicy":"Local","trafficDistribution":"PreferClose"},
                 "status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.1","ipMode":"VIP","ports":[{"port":53,"protocol":"UDP"}]}]},
                   "conditions":[{"type":"Ready","status":"True","lastTransitionTime":null,"reason":"","message":""}]}}"""),
                svc);
    }

    @Test
    void namespaceStatusConditions() throws Exception {
        Pb status = Pb.of().str(1, "Terminating")
                .msg(2, Pb.of().str(1, "NamespaceDeletionContentFailure").str(2, "False").msg(4, Pb.of().varint(1, 0)).str(5, "").str(6, ""));
        Pb ns = Pb.of().msg(1, Pb.of().str(1, "n")).msg(2, Pb.of().str(1, "kubernetes")).msg(3, status);
        assertEquals(json("""
                {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"n"},"spec":{"finalizers":["kubernetes"]},
                 "status":{"phase":"Terminating","conditions":[{"type":"NamespaceDeletionContentFailure","status":"False",
                   "lastTransitionTime":"1970-01-01T00:00:00Z"}]}}"""),
                KubeProtobuf.decode(Pb.body("v1", "Namespace", ns)));
    }

    @Test
    void aSingularMessageSeenTwiceIsMerged() throws Exception {
        Pb ns = Pb.of().msg(1, Pb.of().str(1, "first").entry(11, "a", "1"))
                .msg(1, Pb.of().str(1, "second").entry(11, "b", "2").str(14, "f"));
        assertEquals(json("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"second\",\"labels\":{\"a\":\"1\",\"b\":\"2\"},\"finalizers\":[\"f\"]}}"),
                KubeProtobuf.decode(Pb.body("v1", "Namespace", ns)));
    }

    @Test
    void goZeroTimeIsNullAndOutOfRangeTimeFails() throws Exception {
        ObjectNode ns = KubeProtobuf.decode(Pb.body("v1", "Namespace", Pb.of().msg(1, Pb.of().msg(8, Pb.of().rawVarint(8).rawVarint(-62135596800L)))));
        assertTrue(ns.at("/metadata/creationTimestamp").isNull());
        assertThrows(ProtobufException.class, () -> KubeProtobuf.decode(Pb.body("v1", "Namespace", Pb.of().msg(1, Pb.of().msg(8, Pb.of().varint(1, Long.MAX_VALUE))))));
    }

    @Test
    void wrongWireTypeForKnownField() {
        ProtobufException e = assertThrows(ProtobufException.class,
                () -> KubeProtobuf.decode(Pb.body("v1", "Service", Pb.of().msg(2, Pb.of().msg(1, Pb.of().str(3, "80"))))));
        assertTrue(e.getMessage().contains("spec.ports[0].port"), e.getMessage());
    }

    @Test
    void contentTypeDetection() {
        assertTrue(KubeProtobuf.isProtobuf("application/vnd.kubernetes.protobuf"));
        assertTrue(KubeProtobuf.isProtobuf("Application/VND.Kubernetes.Protobuf; charset=binary"));
        assertFalse(KubeProtobuf.isProtobuf("application/json"));
        assertFalse(KubeProtobuf.isProtobuf("application/vnd.kubernetes.protobuf-x"));
        assertFalse(KubeProtobuf.isProtobuf(null));
    }
}
