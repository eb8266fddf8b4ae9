package dev.nodenet.controlplane.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pod, Node, Endpoints and EndpointSlice bodies built the way Go's gogo marshaller writes them (zero scalars included). */
class MoreKindsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    private static Pb meta(String name) {
        return Pb.of().str(1, name).str(2, "").str(3, "default").str(4, "").str(5, "").str(6, "").varint(7, 0).msg(8, Pb.of());
    }

    private static Pb container() {
        return Pb.of().str(1, "web").str(2, "nginx:1.27").str(3, "nginx").str(4, "-g").str(4, "daemon off;").str(5, "")
                .msg(6, Pb.of().str(1, "http").varint(2, 0).varint(3, 80).str(4, "TCP").str(5, ""))
                .msg(7, Pb.of().str(1, "MODE").str(2, "prod"))
                .msg(7, Pb.of().str(1, "EMPTY").str(2, ""))
                .msg(8, Pb.of().msg(1, Pb.of().str(1, "memory").msg(2, Pb.of().str(1, "128Mi"))).msg(2, Pb.of().str(1, "cpu").msg(2, Pb.of().str(1, "100m"))))
                .str(13, "/dev/termination-log").str(20, "File").str(14, "IfNotPresent")
                .varint(16, 0).varint(17, 0).varint(18, 0);
    }

    @Test
    void pod() throws Exception {
        Pb spec = Pb.of().msg(2, container()).str(3, "Always").varint(4, 30).str(6, "ClusterFirst")
                .entry(7, "disk", "ssd").str(8, "").str(9, "").str(10, "").varint(11, 1).varint(12, 0).varint(13, 0)
                .str(16, "").str(17, "").str(19, "default-scheduler").str(24, "").varint(30, 1);
        Pb status = Pb.of().str(1, "Pending").str(3, "").str(4, "").str(5, "").str(6, "").str(9, "").str(11, "")
                .msg(12, Pb.of().str(1, "10.244.0.5"))
                .msg(2, Pb.of().str(1, "PodScheduled").str(2, "True").msg(3, Pb.of()).msg(4, Pb.of().varint(1, 1700000000)).str(5, "").str(6, ""));
        assertEquals(json("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default","creationTimestamp":null},
                 "spec":{"containers":[{"name":"web","image":"nginx:1.27","command":["nginx"],"args":["-g","daemon off;"],
                     "ports":[{"name":"http","containerPort":80,"protocol":"TCP"}],
                     "env":[{"name":"MODE","value":"prod"},{"name":"EMPTY"}],
                     "resources":{"limits":{"memory":"128Mi"},"requests":{"cpu":"100m"}},
                     "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],
                   "restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","nodeSelector":{"disk":"ssd"},
                   "hostNetwork":true,"schedulerName":"default-scheduler","enableServiceLinks":true},
                 "status":{"phase":"Pending","podIPs":[{"ip":"10.244.0.5"}],
                   "conditions":[{"type":"PodScheduled","status":"True","lastProbeTime":null,"lastTransitionTime":"2023-11-14T22:13:20Z"}]}}"""),
                KubeProtobuf.decode(Pb.body("v1", "Pod", Pb.of().msg(1, meta("p")).msg(2, spec).msg(3, Pb.of().raw()).msg(3, status))));
    }

    @Test
    void podFieldsWeDoNotDeclareAreRejectedNotDropped() {
        Pb volumes = Pb.of().msg(1, Pb.of().str(1, "data")).msg(2, container());
        ProtobufException e = assertThrows(ProtobufException.class, () -> KubeProtobuf.decode(Pb.body("v1", "Pod", Pb.of().msg(2, volumes))));
        assertTrue(e.getMessage().contains("field 1 of PodSpec at spec"), e.getMessage());
        assertTrue(e.unsupported());
        Pb probe = Pb.of().msg(2, Pb.of().str(1, "c").msg(10, Pb.of()));
        e = assertThrows(ProtobufException.class, () -> KubeProtobuf.decode(Pb.body("v1", "Pod", Pb.of().msg(2, probe))));
        assertTrue(e.getMessage().contains("field 10 of Container at spec.containers[0]"), e.getMessage());
        Pb valueFrom = Pb.of().msg(2, Pb.of().str(1, "c").msg(7, Pb.of().str(1, "X").msg(3, Pb.of())));
        assertThrows(ProtobufException.class, () -> KubeProtobuf.decode(Pb.body("v1", "Pod", Pb.of().msg(2, valueFrom))));
    }

    @Test
    void node() throws Exception {
        Pb spec = Pb.of().str(1, "10.244.1.0/24").str(7, "10.244.1.0/24").str(3, "").varint(4, 1)
                .msg(5, Pb.of().str(1, "node.kubernetes.io/unschedulable").str(2, "").str(3, "NoSchedule").msg(4, Pb.of().varint(1, 1700000000)))
                .str(2, "");
        Pb info = Pb.of();
        String[] names = {"m", "s", "b", "k", "o", "c", "v1.32.0", "", "linux", "amd64"};
        for (int i = 0; i < names.length; i++) info.str(i + 1, names[i]);
        Pb status = Pb.of().msg(1, Pb.of().str(1, "cpu").msg(2, Pb.of().str(1, "4"))).msg(2, Pb.of().str(1, "pods").msg(2, Pb.of().str(1, "110")))
                .str(3, "")
                .msg(4, Pb.of().str(1, "Ready").str(2, "True").msg(3, Pb.of().varint(1, 1700000000)).msg(4, Pb.of()).str(5, "KubeletReady").str(6, ""))
                .msg(5, Pb.of().str(1, "InternalIP").str(2, "192.0.2.10"))
                .msg(5, Pb.of().str(1, "Hostname").str(2, "n1"))
                .msg(6, Pb.of().msg(1, Pb.of().varint(1, 10250)))
                .msg(7, info);
        assertEquals(json("""
                {"apiVersion":"v1","kind":"Node","metadata":{"name":"n1","namespace":"default","creationTimestamp":null},
                 "spec":{"podCIDR":"10.244.1.0/24","podCIDRs":["10.244.1.0/24"],"unschedulable":true,
                   "taints":[{"key":"node.kubernetes.io/unschedulable","effect":"NoSchedule","timeAdded":"2023-11-14T22:13:20Z"}]},
                 "status":{"capacity":{"cpu":"4"},"allocatable":{"pods":"110"},
                   "conditions":[{"type":"Ready","status":"True","lastHeartbeatTime":"2023-11-14T22:13:20Z","lastTransitionTime":null,"reason":"KubeletReady"}],
                   "addresses":[{"type":"InternalIP","address":"192.0.2.10"},{"type":"Hostname","address":"n1"}],
                   "daemonEndpoints":{"kubeletEndpoint":{"Port":10250}},
                   "nodeInfo":{"machineID":"m","systemUUID":"s","bootID":"b","kernelVersion":"k","osImage":"o","containerRuntimeVersion":"c",
                     "kubeletVersion":"v1.32.0","kubeProxyVersion":"","operatingSystem":"linux","architecture":"amd64"}}}"""),
                KubeProtobuf.decode(Pb.body("v1", "Node", Pb.of().msg(1, meta("n1")).msg(2, spec).msg(3, status))));
        assertThrows(ProtobufException.class, () -> KubeProtobuf.decode(Pb.body("v1", "Node", Pb.of().msg(3, Pb.of().msg(8, Pb.of())))));
    }

    @Test
    void endpoints() throws Exception {
        Pb subset = Pb.of()
                .msg(1, Pb.of().str(1, "10.244.0.5").str(3, "").str(4, "n1").msg(2, Pb.of().str(1, "Pod").str(2, "default").str(3, "p").str(4, "u").str(5, "").str(6, "").str(7, "")))
                .msg(2, Pb.of().str(1, "10.244.0.6").str(3, ""))
                .msg(3, Pb.of().str(1, "").varint(2, 8080).str(3, "TCP"));
        assertEquals(json("""
                {"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"s1","namespace":"default","creationTimestamp":null},
                 "subsets":[{"addresses":[{"ip":"10.244.0.5","nodeName":"n1","targetRef":{"kind":"Pod","namespace":"default","name":"p","uid":"u"}}],
                   "notReadyAddresses":[{"ip":"10.244.0.6"}],"ports":[{"port":8080,"protocol":"TCP"}]}]}"""),
                KubeProtobuf.decode(Pb.body("v1", "Endpoints", Pb.of().msg(1, meta("s1")).msg(2, subset))));
    }

    @Test
    void endpointSlice() throws Exception {
        Pb ep = Pb.of().str(1, "10.244.0.5").msg(2, Pb.of().varint(1, 1).varint(3, 0))
                .msg(4, Pb.of().str(1, "Pod").str(3, "p")).str(6, "n1").str(7, "zone-a")
                .msg(8, Pb.of().msg(1, Pb.of().str(1, "zone-a")));
        Pb slice = Pb.of().msg(1, meta("s1-abc").entry(11, "kubernetes.io/service-name", "s1")).str(4, "IPv4")
                .msg(2, ep).msg(2, Pb.of().str(1, "10.244.0.6").msg(2, Pb.of()))
                .msg(3, Pb.of().str(1, "").str(2, "TCP").varint(3, 8080));
        assertEquals(json("""
                {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
                 "metadata":{"name":"s1-abc","namespace":"default","creationTimestamp":null,"labels":{"kubernetes.io/service-name":"s1"}},
                 "addressType":"IPv4",
                 "endpoints":[{"addresses":["10.244.0.5"],"conditions":{"ready":true,"terminating":false},"targetRef":{"kind":"Pod","name":"p"},
                     "nodeName":"n1","zone":"zone-a","hints":{"forZones":[{"name":"zone-a"}]}},
                   {"addresses":["10.244.0.6"],"conditions":{}}],
                 "ports":[{"name":"","protocol":"TCP","port":8080}]}"""),
                KubeProtobuf.decode(Pb.body("discovery.k8s.io/v1", "EndpointSlice", slice)));
        assertThrows(ProtobufException.class, () -> KubeProtobuf.decode(Pb.body("v1", "EndpointSlice", slice)));
    }
}
