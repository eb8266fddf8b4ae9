package dev.nodenet.controlplane.protobuf;

/**
 * Our declarations of the Kubernetes messages we decode (field numbers from k8s.io/api and
 * k8s.io/apimachinery; JSON names and omission from the Go JSON tags). {@code always()} marks Go
 * pointer fields and fields without {@code omitempty}. Immutable; shared between threads.
 */
final class KubeMessages {
    private KubeMessages() {}

    // ---- meta/v1 ----
    static final Msg OWNER_REFERENCE = Msg.of("OwnerReference")
            .string(5, "apiVersion").always()
            .string(1, "kind").always()
            .string(3, "name").always()
            .string(4, "uid").always()
            .bool(6, "controller").always()
            .bool(7, "blockOwnerDeletion").always()
            .build();

    /** managedFields (17) is not declared: the server owns it, so a client-sent value is dropped. */
    static final Msg OBJECT_META = Msg.of("ObjectMeta")
            .string(1, "name")
            .string(2, "generateName")
            .string(3, "namespace")
            .string(4, "selfLink")
            .string(5, "uid")
            .string(6, "resourceVersion")
            .int64(7, "generation")
            .time(8, "creationTimestamp")
            .time(9, "deletionTimestamp")
            .int64(10, "deletionGracePeriodSeconds").always()
            .stringMap(11, "labels")
            .stringMap(12, "annotations")
            .messages(13, "ownerReferences", OWNER_REFERENCE)
            .strings(14, "finalizers")
            .build();

    static final Msg CONDITION = Msg.of("Condition")
            .string(1, "type").always()
            .string(2, "status").always()
            .int64(3, "observedGeneration")
            .time(4, "lastTransitionTime")
            .string(5, "reason").always()
            .string(6, "message").always()
            .build();

    // ---- core/v1 shared ----
    static final Msg OBJECT_REFERENCE = Msg.of("ObjectReference")
            .string(1, "kind")
            .string(2, "namespace")
            .string(3, "name")
            .string(4, "uid")
            .string(5, "apiVersion")
            .string(6, "resourceVersion")
            .string(7, "fieldPath")
            .build();

    static final Msg LOCAL_OBJECT_REFERENCE = Msg.of("LocalObjectReference").string(1, "name").build();

    // ---- Namespace ----
    static final Msg NAMESPACE_SPEC = Msg.of("NamespaceSpec").strings(1, "finalizers").build();

    static final Msg NAMESPACE_CONDITION = Msg.of("NamespaceCondition")
            .string(1, "type").always()
            .string(2, "status").always()
            .time(4, "lastTransitionTime")
            .string(5, "reason")
            .string(6, "message")
            .build();

    static final Msg NAMESPACE_STATUS = Msg.of("NamespaceStatus")
            .string(1, "phase")
            .messages(2, "conditions", NAMESPACE_CONDITION)
            .build();

    static final Msg NAMESPACE = Msg.of("Namespace")
            .message(1, "metadata", OBJECT_META)
            .message(2, "spec", NAMESPACE_SPEC)
            .message(3, "status", NAMESPACE_STATUS)
            .build();

    // ---- Service ----
    static final Msg SERVICE_PORT = Msg.of("ServicePort")
            .string(1, "name")
            .string(2, "protocol")
            .string(6, "appProtocol").always()
            .int32(3, "port").always()
            .intOrString(4, "targetPort")
            .int32(5, "nodePort")
            .build();

    static final Msg CLIENT_IP_CONFIG = Msg.of("ClientIPConfig").int32(1, "timeoutSeconds").always().build();

    static final Msg SESSION_AFFINITY_CONFIG = Msg.of("SessionAffinityConfig").message(1, "clientIP", CLIENT_IP_CONFIG).build();

    static final Msg SERVICE_SPEC = Msg.of("ServiceSpec")
            .messages(1, "ports", SERVICE_PORT)
            .stringMap(2, "selector")
            .string(3, "clusterIP")
            .strings(18, "clusterIPs")
            .string(4, "type")
            .strings(5, "externalIPs")
            .string(7, "sessionAffinity")
            .string(8, "loadBalancerIP")
            .strings(9, "loadBalancerSourceRanges")
            .string(10, "externalName")
            .string(11, "externalTrafficPolicy")
            .int32(12, "healthCheckNodePort")
            .bool(13, "publishNotReadyAddresses")
            .message(14, "sessionAffinityConfig", SESSION_AFFINITY_CONFIG)
            .strings(19, "ipFamilies")
            .string(17, "ipFamilyPolicy").always()
            .bool(20, "allocateLoadBalancerNodePorts").always()
            .string(21, "loadBalancerClass").always()
            .string(22, "internalTrafficPolicy").always()
            .string(23, "trafficDistribution").always()
            .build();

    static final Msg PORT_STATUS = Msg.of("PortStatus")
            .int32(1, "port").always()
            .string(2, "protocol").always()
            .string(3, "error").always()
            .build();

    static final Msg LOAD_BALANCER_INGRESS = Msg.of("LoadBalancerIngress")
            .string(1, "ip")
            .string(2, "hostname")
            .string(3, "ipMode").always()
            .messages(4, "ports", PORT_STATUS)
            .build();

    static final Msg LOAD_BALANCER_STATUS = Msg.of("LoadBalancerStatus").messages(1, "ingress", LOAD_BALANCER_INGRESS).build();

    static final Msg SERVICE_STATUS = Msg.of("ServiceStatus")
            .message(1, "loadBalancer", LOAD_BALANCER_STATUS)
            .messages(2, "conditions", CONDITION)
            .build();

    static final Msg SERVICE = Msg.of("Service")
            .message(1, "metadata", OBJECT_META)
            .message(2, "spec", SERVICE_SPEC)
            .message(3, "status", SERVICE_STATUS)
            .build();
}
