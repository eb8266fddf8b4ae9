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

    // ---- Pod (partial: undeclared fields such as volumes, probes, securityContext, affinity and
    // tolerations make decoding fail, so nothing is silently dropped) ----
    static final Msg RESOURCE_REQUIREMENTS = Msg.partial("ResourceRequirements")
            .quantityMap(1, "limits")
            .quantityMap(2, "requests")
            .build();

    static final Msg CONTAINER_PORT = Msg.of("ContainerPort")
            .string(1, "name")
            .int32(2, "hostPort")
            .int32(3, "containerPort").always()
            .string(4, "protocol")
            .string(5, "hostIP")
            .build();

    static final Msg ENV_VAR = Msg.partial("EnvVar")
            .string(1, "name").always()
            .string(2, "value")
            .build();

    static final Msg CONTAINER = Msg.partial("Container")
            .string(1, "name").always()
            .string(2, "image")
            .strings(3, "command")
            .strings(4, "args")
            .string(5, "workingDir")
            .messages(6, "ports", CONTAINER_PORT)
            .messages(7, "env", ENV_VAR)
            .message(8, "resources", RESOURCE_REQUIREMENTS)
            .string(24, "restartPolicy").always()
            .string(13, "terminationMessagePath")
            .string(20, "terminationMessagePolicy")
            .string(14, "imagePullPolicy")
            .bool(16, "stdin")
            .bool(17, "stdinOnce")
            .bool(18, "tty")
            .build();

    static final Msg POD_SPEC = Msg.partial("PodSpec")
            .messages(20, "initContainers", CONTAINER)
            .messages(2, "containers", CONTAINER)
            .string(3, "restartPolicy")
            .int64(4, "terminationGracePeriodSeconds").always()
            .int64(5, "activeDeadlineSeconds").always()
            .string(6, "dnsPolicy")
            .stringMap(7, "nodeSelector")
            .string(8, "serviceAccountName")
            .string(9, "serviceAccount")
            .bool(21, "automountServiceAccountToken").always()
            .string(10, "nodeName")
            .bool(11, "hostNetwork")
            .bool(12, "hostPID")
            .bool(13, "hostIPC")
            .bool(27, "shareProcessNamespace").always()
            .messages(15, "imagePullSecrets", LOCAL_OBJECT_REFERENCE)
            .string(16, "hostname")
            .string(17, "subdomain")
            .string(19, "schedulerName")
            .string(24, "priorityClassName")
            .int32(25, "priority").always()
            .string(29, "runtimeClassName").always()
            .bool(30, "enableServiceLinks").always()
            .string(31, "preemptionPolicy").always()
            .quantityMap(32, "overhead")
            .bool(35, "setHostnameAsFQDN").always()
            .bool(37, "hostUsers").always()
            .message(40, "resources", RESOURCE_REQUIREMENTS)
            .string(41, "hostnameOverride").always()
            .build();

    static final Msg POD_CONDITION = Msg.of("PodCondition")
            .string(1, "type").always()
            .int64(7, "observedGeneration")
            .string(2, "status").always()
            .time(3, "lastProbeTime")
            .time(4, "lastTransitionTime")
            .string(5, "reason")
            .string(6, "message")
            .build();

    static final Msg IP = Msg.of("PodIP").string(1, "ip").always().build();

    static final Msg POD_STATUS = Msg.partial("PodStatus")
            .int64(17, "observedGeneration")
            .string(1, "phase")
            .messages(2, "conditions", POD_CONDITION)
            .string(3, "message")
            .string(4, "reason")
            .string(11, "nominatedNodeName")
            .string(5, "hostIP")
            .messages(16, "hostIPs", IP)
            .string(6, "podIP")
            .messages(12, "podIPs", IP)
            .time(7, "startTime")
            .string(9, "qosClass")
            .string(14, "resize")
            .build();

    static final Msg POD = Msg.of("Pod")
            .message(1, "metadata", OBJECT_META)
            .message(2, "spec", POD_SPEC)
            .message(3, "status", POD_STATUS)
            .build();

    // ---- Node (partial: configSource, images, volumesAttached, config, runtimeHandlers, features, swap rejected) ----
    static final Msg TAINT = Msg.of("Taint")
            .string(1, "key").always()
            .string(2, "value")
            .string(3, "effect").always()
            .time(4, "timeAdded")
            .build();

    static final Msg NODE_SPEC = Msg.partial("NodeSpec")
            .string(1, "podCIDR")
            .strings(7, "podCIDRs")
            .string(3, "providerID")
            .bool(4, "unschedulable")
            .messages(5, "taints", TAINT)
            .string(2, "externalID")
            .build();

    static final Msg NODE_CONDITION = Msg.of("NodeCondition")
            .string(1, "type").always()
            .string(2, "status").always()
            .time(3, "lastHeartbeatTime")
            .time(4, "lastTransitionTime")
            .string(5, "reason")
            .string(6, "message")
            .build();

    static final Msg NODE_ADDRESS = Msg.of("NodeAddress")
            .string(1, "type").always()
            .string(2, "address").always()
            .build();

    static final Msg DAEMON_ENDPOINT = Msg.of("DaemonEndpoint").int32(1, "Port").always().build();

    static final Msg NODE_DAEMON_ENDPOINTS = Msg.of("NodeDaemonEndpoints").message(1, "kubeletEndpoint", DAEMON_ENDPOINT).build();

    static final Msg NODE_SYSTEM_INFO = Msg.partial("NodeSystemInfo")
            .string(1, "machineID").always()
            .string(2, "systemUUID").always()
            .string(3, "bootID").always()
            .string(4, "kernelVersion").always()
            .string(5, "osImage").always()
            .string(6, "containerRuntimeVersion").always()
            .string(7, "kubeletVersion").always()
            .string(8, "kubeProxyVersion").always()
            .string(9, "operatingSystem").always()
            .string(10, "architecture").always()
            .build();

    static final Msg NODE_STATUS = Msg.partial("NodeStatus")
            .quantityMap(1, "capacity")
            .quantityMap(2, "allocatable")
            .string(3, "phase")
            .messages(4, "conditions", NODE_CONDITION)
            .messages(5, "addresses", NODE_ADDRESS)
            .message(6, "daemonEndpoints", NODE_DAEMON_ENDPOINTS)
            .message(7, "nodeInfo", NODE_SYSTEM_INFO)
            .strings(9, "volumesInUse")
            .strings(14, "declaredFeatures")
            .build();

    static final Msg NODE = Msg.of("Node")
            .message(1, "metadata", OBJECT_META)
            .message(2, "spec", NODE_SPEC)
            .message(3, "status", NODE_STATUS)
            .build();

    // ---- Endpoints ----
    static final Msg ENDPOINT_ADDRESS = Msg.of("EndpointAddress")
            .string(1, "ip").always()
            .string(3, "hostname")
            .string(4, "nodeName").always()
            .message(2, "targetRef", OBJECT_REFERENCE)
            .build();

    static final Msg ENDPOINT_PORT = Msg.of("EndpointPort")
            .string(1, "name")
            .int32(2, "port").always()
            .string(3, "protocol")
            .string(4, "appProtocol").always()
            .build();

    static final Msg ENDPOINT_SUBSET = Msg.of("EndpointSubset")
            .messages(1, "addresses", ENDPOINT_ADDRESS)
            .messages(2, "notReadyAddresses", ENDPOINT_ADDRESS)
            .messages(3, "ports", ENDPOINT_PORT)
            .build();

    static final Msg ENDPOINTS = Msg.of("Endpoints")
            .message(1, "metadata", OBJECT_META)
            .messages(2, "subsets", ENDPOINT_SUBSET)
            .build();

    // ---- discovery/v1 EndpointSlice ----
    static final Msg ENDPOINT_CONDITIONS = Msg.of("EndpointConditions")
            .bool(1, "ready").always()
            .bool(2, "serving").always()
            .bool(3, "terminating").always()
            .build();

    static final Msg FOR_NAME = Msg.of("ForZone").string(1, "name").always().build();

    static final Msg ENDPOINT_HINTS = Msg.of("EndpointHints")
            .messages(1, "forZones", FOR_NAME)
            .messages(2, "forNodes", FOR_NAME)
            .build();

    static final Msg SLICE_ENDPOINT = Msg.of("Endpoint")
            .strings(1, "addresses")
            .message(2, "conditions", ENDPOINT_CONDITIONS)
            .string(3, "hostname").always()
            .message(4, "targetRef", OBJECT_REFERENCE)
            .stringMap(5, "deprecatedTopology")
            .string(6, "nodeName").always()
            .string(7, "zone").always()
            .message(8, "hints", ENDPOINT_HINTS)
            .build();

    static final Msg SLICE_PORT = Msg.of("EndpointPort")
            .string(1, "name").always()
            .string(2, "protocol").always()
            .int32(3, "port").always()
            .string(4, "appProtocol").always()
            .build();

    static final Msg ENDPOINT_SLICE = Msg.of("EndpointSlice")
            .message(1, "metadata", OBJECT_META)
            .string(4, "addressType").always()
            .messages(2, "endpoints", SLICE_ENDPOINT)
            .messages(3, "ports", SLICE_PORT)
            .build();
}
