package dev.nodenet.controlplane.schema;

import static dev.nodenet.controlplane.schema.TypeRef.Open.ANY;
import static dev.nodenet.controlplane.schema.TypeRef.Scalar.BOOLEAN;
import static dev.nodenet.controlplane.schema.TypeRef.Scalar.DATE_TIME;
import static dev.nodenet.controlplane.schema.TypeRef.Scalar.INT32;
import static dev.nodenet.controlplane.schema.TypeRef.Scalar.INT64;
import static dev.nodenet.controlplane.schema.TypeRef.Scalar.INT_OR_STRING;
import static dev.nodenet.controlplane.schema.TypeRef.Scalar.QUANTITY;
import static dev.nodenet.controlplane.schema.TypeRef.Scalar.STRING;

/**
 * Our declaration of the Kubernetes object schemas Nodenet serves: meta/v1 (ObjectMeta, ListMeta, Status,
 * WatchEvent, ...), core/v1 Namespace, Service, Endpoints, Node, Pod, and discovery.k8s.io/v1 EndpointSlice, with
 * their List kinds.
 *
 * <p>Field names, types, required flags and the list/patch markers follow the upstream Go types of Kubernetes 1.33
 * ({@code k8s.io/api/core/v1/types.go}, {@code discovery/v1/types.go}, {@code apimachinery/pkg/apis/meta/v1}); the
 * markers matter because {@code kubectl apply} computes strategic merge patches from them. Embedded Go structs
 * ({@code ProbeHandler}, {@code VolumeSource}, {@code LocalObjectReference}, {@code EphemeralContainerCommon})
 * are flattened into their parent, as they are on the wire.
 *
 * <p>Deliberately open (any content accepted, no field checks): {@code Affinity}, the volume sources other than
 * configMap, secret, emptyDir, hostPath and persistentVolumeClaim, {@code ManagedFieldsEntry}, the deprecated
 * {@code NodeConfigSource}/{@code NodeConfigStatus}, {@code ContainerUser}, {@code ResourceStatus}, and the
 * {@code object} of a WatchEvent. See {@link #OPEN_SCHEMAS}.
 *
 * <p>Built once on first use; the resulting {@link SchemaCatalog} is immutable and thread-safe.
 */
public final class KubeSchemas {

    /** Component-name prefix of meta/v1 types. */
    public static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
    /** Component-name prefix of core/v1 types. */
    public static final String CORE = "io.k8s.api.core.v1.";
    /** Component-name prefix of discovery.k8s.io/v1 types. */
    public static final String DISCOVERY = "io.k8s.api.discovery.v1.";

    /** Schemas declared open, with the reason. */
    public static final java.util.Map<String, String> OPEN_SCHEMAS = openSchemas();

    private static final SchemaCatalog CATALOG = build();

    private KubeSchemas() {
    }

    /** The catalog of every declared schema. */
    public static SchemaCatalog catalog() {
        return CATALOG;
    }

    private static SchemaCatalog build() {
        SchemaCatalog.Builder b = new SchemaCatalog.Builder();
        meta(b);
        core(b);
        discovery(b);
        OPEN_SCHEMAS.forEach((name, why) -> b.open(name, why));
        return b.build();
    }

    private static java.util.Map<String, String> openSchemas() {
        var m = new java.util.LinkedHashMap<String, String>();
        m.put(META + "ManagedFieldsEntry", "Server-side apply bookkeeping; accepted as written (open object).");
        m.put(META + "Patch", "Body of a PATCH request; its shape depends on the content type (open object).");
        m.put(CORE + "Affinity", "Node, pod and anti-affinity rules; not checked field by field (open object).");
        m.put(CORE + "NodeConfigSource", "Deprecated dynamic kubelet configuration (open object).");
        m.put(CORE + "NodeConfigStatus", "Deprecated dynamic kubelet configuration status (open object).");
        m.put(CORE + "ContainerUser", "User identity of a running container (open object).");
        m.put(CORE + "ResourceStatus", "Health of resources allocated to a container (open object).");
        for (String source : java.util.List.of("AWSElasticBlockStore", "AzureDisk", "AzureFile", "CSI", "CephFS",
                "Cinder", "DownwardAPI", "Ephemeral", "FC", "Flex", "Flocker", "GCEPersistentDisk", "GitRepo",
                "Glusterfs", "ISCSI", "Image", "NFS", "PhotonPersistentDisk", "Portworx", "Projected", "Quobyte",
                "RBD", "ScaleIO", "StorageOS", "VsphereVirtualDisk")) {
            m.put(CORE + source + "VolumeSource", "A " + source + " volume source; not checked field by field (open object).");
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    // ---- DSL helpers: keep declarations one line per field.

    private static FieldSchema f(String name, TypeRef type) {
        return FieldSchema.of(name, type);
    }

    private static TypeRef ref(String prefix, String shortName) {
        return new TypeRef.Ref(prefix + shortName);
    }

    private static TypeRef arrayOf(TypeRef items) {
        return new TypeRef.ArrayOf(items);
    }

    private static TypeRef mapOf(TypeRef values) {
        return new TypeRef.MapOf(values);
    }

    private static void meta(SchemaCatalog.Builder b) {
        b.object(META, "ObjectMeta", "Metadata every persisted object carries: name, namespace, labels, owners, finalizers.",
                f("name", STRING),
                f("generateName", STRING),
                f("namespace", STRING),
                f("selfLink", STRING),
                f("uid", STRING),
                f("resourceVersion", STRING),
                f("generation", INT64),
                f("creationTimestamp", DATE_TIME),
                f("deletionTimestamp", DATE_TIME),
                f("deletionGracePeriodSeconds", INT64),
                f("labels", mapOf(STRING)),
                f("annotations", mapOf(STRING)),
                f("ownerReferences", arrayOf(ref(META, "OwnerReference"))).patch("merge", "uid").listMap("uid"),
                f("finalizers", arrayOf(STRING)).patch("merge").listType("set"),
                f("managedFields", arrayOf(ref(META, "ManagedFieldsEntry"))).listType("atomic"));
        b.object(META, "OwnerReference", "Points at the object that owns this one (garbage collection).",
                f("apiVersion", STRING).required(),
                f("kind", STRING).required(),
                f("name", STRING).required(),
                f("uid", STRING).required(),
                f("controller", BOOLEAN),
                f("blockOwnerDeletion", BOOLEAN));
        b.object(META, "ListMeta", "Metadata of a list response: resourceVersion and continue token.",
                f("selfLink", STRING),
                f("resourceVersion", STRING),
                f("continue", STRING),
                f("remainingItemCount", INT64));
        b.kind(META, "Status", "", "v1", "Result of an operation that returns no object, and the body of every error response.",
                f("apiVersion", STRING),
                f("kind", STRING),
                f("metadata", ref(META, "ListMeta")),
                f("status", STRING),
                f("message", STRING),
                f("reason", STRING),
                f("details", ref(META, "StatusDetails")),
                f("code", INT32));
        b.object(META, "StatusDetails", "Machine-readable details of a Status.",
                f("name", STRING),
                f("group", STRING),
                f("kind", STRING),
                f("uid", STRING),
                f("causes", arrayOf(ref(META, "StatusCause"))).listType("atomic"),
                f("retryAfterSeconds", INT32));
        b.object(META, "StatusCause", "One cause of a failed operation, often a field path.",
                f("reason", STRING),
                f("message", STRING),
                f("field", STRING));
        b.object(META, "Condition", "Generic condition (meta/v1) used by newer status blocks.",
                f("type", STRING).required(),
                f("status", STRING).required(),
                f("observedGeneration", INT64),
                f("lastTransitionTime", DATE_TIME).required(),
                f("reason", STRING).required(),
                f("message", STRING).required());
        b.object(META, "DeleteOptions", "Body of a DELETE request.",
                f("apiVersion", STRING),
                f("kind", STRING),
                f("gracePeriodSeconds", INT64),
                f("preconditions", ref(META, "Preconditions")),
                f("orphanDependents", BOOLEAN),
                f("propagationPolicy", STRING),
                f("dryRun", arrayOf(STRING)).listType("atomic"),
                f("ignoreStoreReadErrorWithClusterBreakingPotential", BOOLEAN));
        b.object(META, "Preconditions", "Conditions that must hold for a delete to proceed.",
                f("uid", STRING),
                f("resourceVersion", STRING));
        b.object(META, "LabelSelector", "Label query: matchLabels AND matchExpressions.",
                f("matchLabels", mapOf(STRING)),
                f("matchExpressions", arrayOf(ref(META, "LabelSelectorRequirement"))).listType("atomic"));
        b.object(META, "LabelSelectorRequirement", "One set-based label requirement.",
                f("key", STRING).required(),
                f("operator", STRING).required(),
                f("values", arrayOf(STRING)).listType("atomic"));
        b.object(META, "WatchEvent", "One event of a watch stream: type and object.",
                f("type", STRING).required(),
                f("object", ANY).required());
    }

    private static void core(SchemaCatalog.Builder b) {
        b.kind(CORE, "Namespace", "", "v1", "A namespace scopes names of namespaced objects.",
                f("apiVersion", STRING),
                f("kind", STRING),
                f("metadata", ref(META, "ObjectMeta")),
                f("spec", ref(CORE, "NamespaceSpec")),
                f("status", ref(CORE, "NamespaceStatus")));
        b.object(CORE, "NamespaceSpec", "Desired state of a namespace.",
                f("finalizers", arrayOf(STRING)).listType("atomic"));
        b.object(CORE, "NamespaceStatus", "Observed state of a namespace.",
                f("phase", STRING),
                f("conditions", arrayOf(ref(CORE, "NamespaceCondition"))).patch("merge", "type").listMap("type"));
        b.object(CORE, "NamespaceCondition", "One condition of a namespace.",
                f("type", STRING).required(),
                f("status", STRING).required(),
                f("lastTransitionTime", DATE_TIME),
                f("reason", STRING),
                f("message", STRING));
        b.kind(CORE, "NamespaceList", "", "v1", "A list of namespaces.",
                f("apiVersion", STRING),
                f("kind", STRING),
                f("metadata", ref(META, "ListMeta")),
                f("items", arrayOf(ref(CORE, "Namespace"))).required());
        b.kind(CORE, "Service", "", "v1", "A named, load-balanced set of endpoints selected by labels.",
                f("apiVersion", STRING),
                f("kind", STRING),
                f("metadata", ref(META, "ObjectMeta")),
                f("spec", ref(CORE, "ServiceSpec")),
                f("status", ref(CORE, "ServiceStatus")));
        b.object(CORE, "ServiceSpec", "Desired state of a Service (as of Kubernetes 1.33).",
                f("ports", arrayOf(ref(CORE, "ServicePort"))).patch("merge", "port").listMap("port", "protocol"),
                f("selector", mapOf(STRING)).mapType("atomic"),
                f("clusterIP", STRING),
                f("clusterIPs", arrayOf(STRING)).listType("atomic"),
                f("type", STRING),
                f("externalIPs", arrayOf(STRING)).listType("atomic"),
                f("sessionAffinity", STRING),
                f("loadBalancerIP", STRING),
                f("loadBalancerSourceRanges", arrayOf(STRING)).listType("atomic"),
                f("externalName", STRING),
                f("externalTrafficPolicy", STRING),
                f("healthCheckNodePort", INT32),
                f("publishNotReadyAddresses", BOOLEAN),
                f("sessionAffinityConfig", ref(CORE, "SessionAffinityConfig")),
                f("ipFamilies", arrayOf(STRING)).listType("atomic"),
                f("ipFamilyPolicy", STRING),
                f("allocateLoadBalancerNodePorts", BOOLEAN),
                f("loadBalancerClass", STRING),
                f("internalTrafficPolicy", STRING),
                f("trafficDistribution", STRING));
        b.object(CORE, "ServicePort", "One port a Service exposes.",
                f("name", STRING),
                f("protocol", STRING),
                f("appProtocol", STRING),
                f("port", INT32).required(),
                f("targetPort", INT_OR_STRING),
                f("nodePort", INT32));
        b.object(CORE, "SessionAffinityConfig", "Session affinity settings.",
                f("clientIP", ref(CORE, "ClientIPConfig")));
        b.object(CORE, "ClientIPConfig", "ClientIP session affinity settings.",
                f("timeoutSeconds", INT32));
        b.object(CORE, "ServiceStatus", "Observed state of a Service.",
                f("loadBalancer", ref(CORE, "LoadBalancerStatus")),
                f("conditions", arrayOf(ref(META, "Condition"))).patch("merge", "type").listMap("type"));
        b.object(CORE, "LoadBalancerStatus", "Load balancer ingress points.",
                f("ingress", arrayOf(ref(CORE, "LoadBalancerIngress"))).listType("atomic"));
        b.object(CORE, "LoadBalancerIngress", "One load balancer ingress point.",
                f("ip", STRING),
                f("hostname", STRING),
                f("ipMode", STRING),
                f("ports", arrayOf(ref(CORE, "PortStatus"))).listType("atomic"));
        b.object(CORE, "PortStatus", "Status of one load balancer port.",
                f("port", INT32).required(),
                f("protocol", STRING).required(),
                f("error", STRING));
        b.kind(CORE, "ServiceList", "", "v1", "A list of Services.",
                f("apiVersion", STRING),
                f("kind", STRING),
                f("metadata", ref(META, "ListMeta")),
                f("items", arrayOf(ref(CORE, "Service"))).required());
        b.kind(CORE, "Endpoints", "", "v1", "Legacy endpoints of a Service (core/v1).",
                f("apiVersion", STRING),
                f("kind", STRING),
                f("metadata", ref(META, "ObjectMeta")),
                f("subsets", arrayOf(ref(CORE, "EndpointSubset"))).listType("atomic"));
        b.object(CORE, "EndpointSubset", "A group of addresses sharing the same ports.",
                f("addresses", arrayOf(ref(CORE, "EndpointAddress"))).listType("atomic"),
                f("notReadyAddresses", arrayOf(ref(CORE, "EndpointAddress"))).listType("atomic"),
                f("ports", arrayOf(ref(CORE, "EndpointPort"))).listType("atomic"));
        b.object(CORE, "EndpointAddress", "One endpoint address.",
                f("ip", STRING).required(),
                f("hostname", STRING),
                f("nodeName", STRING),
                f("targetRef", ref(CORE, "ObjectReference")));
        b.object(CORE, "EndpointPort", "One port of an Endpoints subset.",
                f("name", STRING),
                f("port", INT32).required(),
                f("protocol", STRING),
                f("appProtocol", STRING));
        b.object(CORE, "ObjectReference", "Reference to another object.",
                f("kind", STRING),
                f("namespace", STRING),
                f("name", STRING),
                f("uid", STRING),
                f("apiVersion", STRING),
                f("resourceVersion", STRING),
                f("fieldPath", STRING));
        b.kind(CORE, "EndpointsList", "", "v1", "A list of Endpoints.",
                f("apiVersion", STRING),
                f("kind", STRING),
                f("metadata", ref(META, "ListMeta")),
                f("items", arrayOf(ref(CORE, "Endpoints"))).required());
        b.kind(CORE, "Node", "", "v1", "A worker node.",
                f("apiVersion", STRING),
                f("kind", STRING),
                f("metadata", ref(META, "ObjectMeta")),
                f("spec", ref(CORE, "NodeSpec")),
                f("status", ref(CORE, "NodeStatus")));
        b.object(CORE, "NodeSpec", "Desired state of a node: pod CIDRs, taints, schedulability.",
                f("podCIDR", STRING),
                f("podCIDRs", arrayOf(STRING)).patch("merge").listType("set"),
                f("providerID", STRING),
                f("unschedulable", BOOLEAN),
                f("taints", arrayOf(ref(CORE, "Taint"))).listType("atomic"),
                f("configSource", ref(CORE, "NodeConfigSource")),
                f("externalID", STRING));
        b.object(CORE, "Taint", "A taint repels pods that do not tolerate it.",
                f("key", STRING).required(),
                f("value", STRING),
                f("effect", STRING).required(),
                f("timeAdded", DATE_TIME));
        b.object(CORE, "NodeStatus", "Observed state of a node.",
                f("capacity", mapOf(QUANTITY)),
                f("allocatable", mapOf(QUANTITY)),
                f("phase", STRING),
                f("conditions", arrayOf(ref(CORE, "NodeCondition"))).patch("merge", "type").listMap("type"),
                f("addresses", arrayOf(ref(CORE, "NodeAddress"))).patch("merge", "type").listMap("type"),
                f("daemonEndpoints", ref(CORE, "NodeDaemonEndpoints")),
                f("nodeInfo", ref(CORE, "NodeSystemInfo")),
                f("images", arrayOf(ref(CORE, "ContainerImage"))).listType("atomic"),
                f("volumesInUse", arrayOf(STRING)).listType("atomic"),
                f("volumesAttached", arrayOf(ref(CORE, "AttachedVolume"))).listType("atomic"),
                f("config", ref(CORE, "NodeConfigStatus")),
                f("runtimeHandlers", arrayOf(ref(CORE, "NodeRuntimeHandler"))).listType("atomic"),
                f("features", ref(CORE, "NodeFeatures")));
        b.object(CORE, "NodeAddress", "One address of a node (InternalIP, ExternalIP, Hostname, ...).",
                f("type", STRING).required(),
                f("address", STRING).required());
        b.object(CORE, "NodeCondition", "One condition of a node (Ready, MemoryPressure, ...).",
                f("type", STRING).required(),
                f("status", STRING).required(),
                f("lastHeartbeatTime", DATE_TIME),
                f("lastTransitionTime", DATE_TIME),
                f("reason", STRING),
                f("message", STRING));
        b.object(CORE, "NodeSystemInfo", "Identity and versions reported by the kubelet.",
                f("machineID", STRING).required(),
                f("systemUUID", STRING).required(),
                f("bootID", STRING).required(),
                f("kernelVersion", STRING).required(),
                f("osImage", STRING).required(),
                f("containerRuntimeVersion", STRING).required(),
                f("kubeletVersion", STRING).required(),
                f("kubeProxyVersion", STRING).required(),
                f("operatingSystem", STRING).required(),
                f("architecture", STRING).required(),
                f("swap", ref(CORE, "NodeSwapStatus")));
        b.object(CORE, "NodeSwapStatus", "Swap memory of a node.",
                f("capacity", INT64));
        b.object(CORE, "NodeDaemonEndpoints", "Ports of daemons running on the node.",
                f("kubeletEndpoint", ref(CORE, "DaemonEndpoint")));
        b.object(CORE, "DaemonEndpoint", "One daemon port; the field is spelt \"Port\" on the wire.",
                f("Port", INT32).required());
        b.object(CORE, "ContainerImage", "One image present on the node.",
                f("names", arrayOf(STRING)).listType("atomic"),
                f("sizeBytes", INT64));
        b.object(CORE, "AttachedVolume", "A volume attached to the node.",
                f("name", STRING).required(),
                f("devicePath", STRING).required());
        b.object(CORE, "NodeRuntimeHandler", "A runtime handler of the container runtime.",
                f("name", STRING),
                f("features", ref(CORE, "NodeRuntimeHandlerFeatures")));
        b.object(CORE, "NodeRuntimeHandlerFeatures", "Features of a runtime handler.",
                f("recursiveReadOnlyMounts", BOOLEAN),
                f("userNamespaces", BOOLEAN));
        b.object(CORE, "NodeFeatures", "Features the node supports.",
                f("supplementalGroupsPolicy", BOOLEAN));
        b.kind(CORE, "NodeList", "", "v1", "A list of nodes.",
                f("apiVersion", STRING),
                f("kind", STRING),
                f("metadata", ref(META, "ListMeta")),
                f("items", arrayOf(ref(CORE, "Node"))).required());
        b.kind(CORE, "Pod", "", "v1", "A group of containers scheduled together on a node.",
                f("apiVersion", STRING),
                f("kind", STRING),
                f("metadata", ref(META, "ObjectMeta")),
                f("spec", ref(CORE, "PodSpec")),
                f("status", ref(CORE, "PodStatus")));
        b.object(CORE, "PodSpec", "Desired state of a pod (as of Kubernetes 1.33).",
                f("volumes", arrayOf(ref(CORE, "Volume"))).patch("merge,retainKeys", "name").listMap("name"),
                f("initContainers", arrayOf(ref(CORE, "Container"))).patch("merge", "name").listMap("name"),
                f("containers", arrayOf(ref(CORE, "Container"))).required().patch("merge", "name").listMap("name"),
                f("ephemeralContainers", arrayOf(ref(CORE, "EphemeralContainer"))).patch("merge", "name").listMap("name"),
                f("restartPolicy", STRING),
                f("terminationGracePeriodSeconds", INT64),
                f("activeDeadlineSeconds", INT64),
                f("dnsPolicy", STRING),
                f("nodeSelector", mapOf(STRING)).mapType("atomic"),
                f("serviceAccountName", STRING),
                f("serviceAccount", STRING),
                f("automountServiceAccountToken", BOOLEAN),
                f("nodeName", STRING),
                f("hostNetwork", BOOLEAN),
                f("hostPID", BOOLEAN),
                f("hostIPC", BOOLEAN),
                f("shareProcessNamespace", BOOLEAN),
                f("securityContext", ref(CORE, "PodSecurityContext")),
                f("imagePullSecrets", arrayOf(ref(CORE, "LocalObjectReference"))).patch("merge", "name").listMap("name"),
                f("hostname", STRING),
                f("subdomain", STRING),
                f("affinity", ref(CORE, "Affinity")),
                f("schedulerName", STRING),
                f("tolerations", arrayOf(ref(CORE, "Toleration"))).listType("atomic"),
                f("hostAliases", arrayOf(ref(CORE, "HostAlias"))).patch("merge", "ip").listMap("ip"),
                f("priorityClassName", STRING),
                f("priority", INT32),
                f("dnsConfig", ref(CORE, "PodDNSConfig")),
                f("readinessGates", arrayOf(ref(CORE, "PodReadinessGate"))).listType("atomic"),
                f("runtimeClassName", STRING),
                f("enableServiceLinks", BOOLEAN),
                f("preemptionPolicy", STRING),
                f("overhead", mapOf(QUANTITY)),
                f("topologySpreadConstraints", arrayOf(ref(CORE, "TopologySpreadConstraint"))).patch("merge", "topologyKey").listMap("topologyKey", "whenUnsatisfiable"),
                f("setHostnameAsFQDN", BOOLEAN),
                f("os", ref(CORE, "PodOS")),
                f("hostUsers", BOOLEAN),
                f("schedulingGates", arrayOf(ref(CORE, "PodSchedulingGate"))).patch("merge", "name").listMap("name"),
                f("resourceClaims", arrayOf(ref(CORE, "PodResourceClaim"))).patch("merge,retainKeys", "name").listMap("name"),
                f("resources", ref(CORE, "ResourceRequirements")));
        // EphemeralContainer has Container's fields (upstream's EphemeralContainerCommon) plus targetContainerName.
        FieldSchema[] containerFields = {
                f("name", STRING).required(),
                f("image", STRING),
                f("command", arrayOf(STRING)).listType("atomic"),
                f("args", arrayOf(STRING)).listType("atomic"),
                f("workingDir", STRING),
                f("ports", arrayOf(ref(CORE, "ContainerPort"))).patch("merge", "containerPort").listMap("containerPort", "protocol"),
                f("envFrom", arrayOf(ref(CORE, "EnvFromSource"))).listType("atomic"),
                f("env", arrayOf(ref(CORE, "EnvVar"))).patch("merge", "name").listMap("name"),
                f("resources", ref(CORE, "ResourceRequirements")),
                f("resizePolicy", arrayOf(ref(CORE, "ContainerResizePolicy"))).listType("atomic"),
                f("restartPolicy", STRING),
                f("volumeMounts", arrayOf(ref(CORE, "VolumeMount"))).patch("merge", "mountPath").listMap("mountPath"),
                f("volumeDevices", arrayOf(ref(CORE, "VolumeDevice"))).patch("merge", "devicePath").listMap("devicePath"),
                f("livenessProbe", ref(CORE, "Probe")),
                f("readinessProbe", ref(CORE, "Probe")),
                f("startupProbe", ref(CORE, "Probe")),
                f("lifecycle", ref(CORE, "Lifecycle")),
                f("terminationMessagePath", STRING),
                f("terminationMessagePolicy", STRING),
                f("imagePullPolicy", STRING),
                f("securityContext", ref(CORE, "SecurityContext")),
                f("stdin", BOOLEAN),
                f("stdinOnce", BOOLEAN),
                f("tty", BOOLEAN)
        };
        b.object(CORE, "Container", "One container of a pod.", containerFields);
        b.object(CORE, "EphemeralContainer", "A debugging container added to a running pod.",
                concat(containerFields, f("targetContainerName", STRING)));
        b.object(CORE, "ContainerPort", "One port a container listens on.",
                f("name", STRING),
                f("hostPort", INT32),
                f("containerPort", INT32).required(),
                f("protocol", STRING),
                f("hostIP", STRING));
        b.object(CORE, "EnvVar", "One environment variable.",
                f("name", STRING).required(),
                f("value", STRING),
                f("valueFrom", ref(CORE, "EnvVarSource")));
        b.object(CORE, "EnvVarSource", "Where an environment variable value comes from.",
                f("fieldRef", ref(CORE, "ObjectFieldSelector")),
                f("resourceFieldRef", ref(CORE, "ResourceFieldSelector")),
                f("configMapKeyRef", ref(CORE, "ConfigMapKeySelector")),
                f("secretKeyRef", ref(CORE, "SecretKeySelector")));
        b.object(CORE, "ObjectFieldSelector", "Selects a field of the pod.",
                f("apiVersion", STRING),
                f("fieldPath", STRING).required());
        b.object(CORE, "ResourceFieldSelector", "Selects a resource of a container.",
                f("containerName", STRING),
                f("resource", STRING).required(),
                f("divisor", QUANTITY));
        b.object(CORE, "ConfigMapKeySelector", "Selects a key of a ConfigMap.",
                f("name", STRING),
                f("key", STRING).required(),
                f("optional", BOOLEAN));
        b.object(CORE, "SecretKeySelector", "Selects a key of a Secret.",
                f("name", STRING),
                f("key", STRING).required(),
                f("optional", BOOLEAN));
        b.object(CORE, "EnvFromSource", "Populates environment variables from a ConfigMap or Secret.",
                f("prefix", STRING),
                f("configMapRef", ref(CORE, "ConfigMapEnvSource")),
                f("secretRef", ref(CORE, "SecretEnvSource")));
        b.object(CORE, "ConfigMapEnvSource", "ConfigMap used as environment source.",
                f("name", STRING),
                f("optional", BOOLEAN));
        b.object(CORE, "SecretEnvSource", "Secret used as environment source.",
                f("name", STRING),
                f("optional", BOOLEAN));
        b.object(CORE, "VolumeMount", "Mounts a volume into a container.",
                f("name", STRING).required(),
                f("readOnly", BOOLEAN),
                f("recursiveReadOnly", STRING),
                f("mountPath", STRING).required(),
                f("subPath", STRING),
                f("mountPropagation", STRING),
                f("subPathExpr", STRING));
        b.object(CORE, "VolumeDevice", "Maps a raw block volume into a container.",
                f("name", STRING).required(),
                f("devicePath", STRING).required());
        b.object(CORE, "ResourceRequirements", "Compute resource requests and limits.",
                f("limits", mapOf(QUANTITY)),
                f("requests", mapOf(QUANTITY)),
                f("claims", arrayOf(ref(CORE, "ResourceClaim"))).listMap("name"));
        b.object(CORE, "ResourceClaim", "Reference to a resource claim of the pod.",
                f("name", STRING).required(),
                f("request", STRING));
        b.object(CORE, "ContainerResizePolicy", "Resize policy for one resource.",
                f("resourceName", STRING).required(),
                f("restartPolicy", STRING).required());
        b.object(CORE, "Probe", "Health check of a container.",
                f("exec", ref(CORE, "ExecAction")),
                f("httpGet", ref(CORE, "HTTPGetAction")),
                f("tcpSocket", ref(CORE, "TCPSocketAction")),
                f("grpc", ref(CORE, "GRPCAction")),
                f("initialDelaySeconds", INT32),
                f("timeoutSeconds", INT32),
                f("periodSeconds", INT32),
                f("successThreshold", INT32),
                f("failureThreshold", INT32),
                f("terminationGracePeriodSeconds", INT64));
        b.object(CORE, "ExecAction", "Runs a command in the container.",
                f("command", arrayOf(STRING)).listType("atomic"));
        b.object(CORE, "HTTPGetAction", "HTTP GET request against the container.",
                f("path", STRING),
                f("port", INT_OR_STRING).required(),
                f("host", STRING),
                f("scheme", STRING),
                f("httpHeaders", arrayOf(ref(CORE, "HTTPHeader"))).listType("atomic"));
        b.object(CORE, "HTTPHeader", "One HTTP header.",
                f("name", STRING).required(),
                f("value", STRING).required());
        b.object(CORE, "TCPSocketAction", "TCP connect to the container.",
                f("port", INT_OR_STRING).required(),
                f("host", STRING));
        b.object(CORE, "GRPCAction", "gRPC health check.",
                f("port", INT32).required(),
                f("service", STRING));
        b.object(CORE, "Lifecycle", "Actions run on container start and stop.",
                f("postStart", ref(CORE, "LifecycleHandler")),
                f("preStop", ref(CORE, "LifecycleHandler")),
                f("stopSignal", STRING));
        b.object(CORE, "LifecycleHandler", "One lifecycle action.",
                f("exec", ref(CORE, "ExecAction")),
                f("httpGet", ref(CORE, "HTTPGetAction")),
                f("tcpSocket", ref(CORE, "TCPSocketAction")),
                f("sleep", ref(CORE, "SleepAction")));
        b.object(CORE, "SleepAction", "Sleeps for some seconds.",
                f("seconds", INT64).required());
        b.object(CORE, "SecurityContext", "Security settings of one container.",
                f("capabilities", ref(CORE, "Capabilities")),
                f("privileged", BOOLEAN),
                f("seLinuxOptions", ref(CORE, "SELinuxOptions")),
                f("windowsOptions", ref(CORE, "WindowsSecurityContextOptions")),
                f("runAsUser", INT64),
                f("runAsGroup", INT64),
                f("runAsNonRoot", BOOLEAN),
                f("readOnlyRootFilesystem", BOOLEAN),
                f("allowPrivilegeEscalation", BOOLEAN),
                f("procMount", STRING),
                f("seccompProfile", ref(CORE, "SeccompProfile")),
                f("appArmorProfile", ref(CORE, "AppArmorProfile")));
        b.object(CORE, "Capabilities", "Linux capabilities to add and drop.",
                f("add", arrayOf(STRING)).listType("atomic"),
                f("drop", arrayOf(STRING)).listType("atomic"));
        b.object(CORE, "SELinuxOptions", "SELinux labels.",
                f("user", STRING),
                f("role", STRING),
                f("type", STRING),
                f("level", STRING));
        b.object(CORE, "SeccompProfile", "Seccomp profile.",
                f("type", STRING).required(),
                f("localhostProfile", STRING));
        b.object(CORE, "AppArmorProfile", "AppArmor profile.",
                f("type", STRING).required(),
                f("localhostProfile", STRING));
        b.object(CORE, "WindowsSecurityContextOptions", "Windows-specific security settings.",
                f("gmsaCredentialSpecName", STRING),
                f("gmsaCredentialSpec", STRING),
                f("runAsUserName", STRING),
                f("hostProcess", BOOLEAN));
        b.object(CORE, "PodSecurityContext", "Security settings that apply to all containers of a pod.",
                f("seLinuxOptions", ref(CORE, "SELinuxOptions")),
                f("windowsOptions", ref(CORE, "WindowsSecurityContextOptions")),
                f("runAsUser", INT64),
                f("runAsGroup", INT64),
                f("runAsNonRoot", BOOLEAN),
                f("supplementalGroups", arrayOf(INT64)).listType("atomic"),
                f("supplementalGroupsPolicy", STRING),
                f("fsGroup", INT64),
                f("sysctls", arrayOf(ref(CORE, "Sysctl"))).listType("atomic"),
                f("fsGroupChangePolicy", STRING),
                f("seccompProfile", ref(CORE, "SeccompProfile")),
                f("appArmorProfile", ref(CORE, "AppArmorProfile")),
                f("seLinuxChangePolicy", STRING));
        b.object(CORE, "Sysctl", "One namespaced sysctl.",
                f("name", STRING).required(),
                f("value", STRING).required());
        b.object(CORE, "Volume", "A named volume of a pod; exactly one source field is set.",
                f("name", STRING).required(),
                f("hostPath", ref(CORE, "HostPathVolumeSource")),
                f("emptyDir", ref(CORE, "EmptyDirVolumeSource")),
                f("gcePersistentDisk", ref(CORE, "GCEPersistentDiskVolumeSource")),
                f("awsElasticBlockStore", ref(CORE, "AWSElasticBlockStoreVolumeSource")),
                f("gitRepo", ref(CORE, "GitRepoVolumeSource")),
                f("secret", ref(CORE, "SecretVolumeSource")),
                f("nfs", ref(CORE, "NFSVolumeSource")),
                f("iscsi", ref(CORE, "ISCSIVolumeSource")),
                f("glusterfs", ref(CORE, "GlusterfsVolumeSource")),
                f("persistentVolumeClaim", ref(CORE, "PersistentVolumeClaimVolumeSource")),
                f("rbd", ref(CORE, "RBDVolumeSource")),
                f("flexVolume", ref(CORE, "FlexVolumeSource")),
                f("cinder", ref(CORE, "CinderVolumeSource")),
                f("cephfs", ref(CORE, "CephFSVolumeSource")),
                f("flocker", ref(CORE, "FlockerVolumeSource")),
                f("downwardAPI", ref(CORE, "DownwardAPIVolumeSource")),
                f("fc", ref(CORE, "FCVolumeSource")),
                f("azureFile", ref(CORE, "AzureFileVolumeSource")),
                f("configMap", ref(CORE, "ConfigMapVolumeSource")),
                f("vsphereVolume", ref(CORE, "VsphereVirtualDiskVolumeSource")),
                f("quobyte", ref(CORE, "QuobyteVolumeSource")),
                f("azureDisk", ref(CORE, "AzureDiskVolumeSource")),
                f("photonPersistentDisk", ref(CORE, "PhotonPersistentDiskVolumeSource")),
                f("projected", ref(CORE, "ProjectedVolumeSource")),
                f("portworxVolume", ref(CORE, "PortworxVolumeSource")),
                f("scaleIO", ref(CORE, "ScaleIOVolumeSource")),
                f("storageos", ref(CORE, "StorageOSVolumeSource")),
                f("csi", ref(CORE, "CSIVolumeSource")),
                f("ephemeral", ref(CORE, "EphemeralVolumeSource")),
                f("image", ref(CORE, "ImageVolumeSource")));
        b.object(CORE, "ConfigMapVolumeSource", "Volume with the keys of a ConfigMap.",
                f("name", STRING),
                f("items", arrayOf(ref(CORE, "KeyToPath"))).listType("atomic"),
                f("defaultMode", INT32),
                f("optional", BOOLEAN));
        b.object(CORE, "SecretVolumeSource", "Volume with the keys of a Secret.",
                f("secretName", STRING),
                f("items", arrayOf(ref(CORE, "KeyToPath"))).listType("atomic"),
                f("defaultMode", INT32),
                f("optional", BOOLEAN));
        b.object(CORE, "KeyToPath", "Maps one key to a file path.",
                f("key", STRING).required(),
                f("path", STRING).required(),
                f("mode", INT32));
        b.object(CORE, "EmptyDirVolumeSource", "Scratch directory that lives as long as the pod.",
                f("medium", STRING),
                f("sizeLimit", QUANTITY));
        b.object(CORE, "HostPathVolumeSource", "Directory or file of the host.",
                f("path", STRING).required(),
                f("type", STRING));
        b.object(CORE, "PersistentVolumeClaimVolumeSource", "Volume bound through a PersistentVolumeClaim.",
                f("claimName", STRING).required(),
                f("readOnly", BOOLEAN));
        b.object(CORE, "Toleration", "Lets a pod schedule onto nodes with a matching taint.",
                f("key", STRING),
                f("operator", STRING),
                f("value", STRING),
                f("effect", STRING),
                f("tolerationSeconds", INT64));
        b.object(CORE, "HostAlias", "One /etc/hosts entry.",
                f("ip", STRING).required(),
                f("hostnames", arrayOf(STRING)).listType("atomic"));
        b.object(CORE, "PodDNSConfig", "DNS settings of a pod.",
                f("nameservers", arrayOf(STRING)).listType("atomic"),
                f("searches", arrayOf(STRING)).listType("atomic"),
                f("options", arrayOf(ref(CORE, "PodDNSConfigOption"))).listType("atomic"));
        b.object(CORE, "PodDNSConfigOption", "One resolver option.",
                f("name", STRING),
                f("value", STRING));
        b.object(CORE, "PodReadinessGate", "Extra condition required for pod readiness.",
                f("conditionType", STRING).required());
        b.object(CORE, "PodOS", "Operating system of the pod.",
                f("name", STRING).required());
        b.object(CORE, "PodSchedulingGate", "Blocks scheduling until removed.",
                f("name", STRING).required());
        b.object(CORE, "PodResourceClaim", "A resource claim of the pod.",
                f("name", STRING).required(),
                f("resourceClaimName", STRING),
                f("resourceClaimTemplateName", STRING));
        b.object(CORE, "LocalObjectReference", "Reference to an object in the same namespace.",
                f("name", STRING));
        b.object(CORE, "TopologySpreadConstraint", "Spreads pods across topology domains.",
                f("maxSkew", INT32).required(),
                f("topologyKey", STRING).required(),
                f("whenUnsatisfiable", STRING).required(),
                f("labelSelector", ref(META, "LabelSelector")),
                f("minDomains", INT32),
                f("nodeAffinityPolicy", STRING),
                f("nodeTaintsPolicy", STRING),
                f("matchLabelKeys", arrayOf(STRING)).listType("atomic"));
        b.object(CORE, "PodStatus", "Observed state of a pod (as of Kubernetes 1.33).",
                f("observedGeneration", INT64),
                f("phase", STRING),
                f("conditions", arrayOf(ref(CORE, "PodCondition"))).patch("merge", "type").listMap("type"),
                f("message", STRING),
                f("reason", STRING),
                f("nominatedNodeName", STRING),
                f("hostIP", STRING),
                f("hostIPs", arrayOf(ref(CORE, "HostIP"))).patch("merge", "ip").listType("atomic"),
                f("podIP", STRING),
                f("podIPs", arrayOf(ref(CORE, "PodIP"))).patch("merge", "ip").listMap("ip"),
                f("startTime", DATE_TIME),
                f("initContainerStatuses", arrayOf(ref(CORE, "ContainerStatus"))).listType("atomic"),
                f("containerStatuses", arrayOf(ref(CORE, "ContainerStatus"))).listType("atomic"),
                f("qosClass", STRING),
                f("ephemeralContainerStatuses", arrayOf(ref(CORE, "ContainerStatus"))).listType("atomic"),
                f("resize", STRING),
                f("resourceClaimStatuses", arrayOf(ref(CORE, "PodResourceClaimStatus"))).patch("merge,retainKeys", "name").listMap("name"));
        b.object(CORE, "PodCondition", "One condition of a pod (Ready, PodScheduled, ...).",
                f("type", STRING).required(),
                f("observedGeneration", INT64),
                f("status", STRING).required(),
                f("lastProbeTime", DATE_TIME),
                f("lastTransitionTime", DATE_TIME),
                f("reason", STRING),
                f("message", STRING));
        b.object(CORE, "PodIP", "One IP address of a pod.",
                f("ip", STRING).required());
        b.object(CORE, "HostIP", "One IP address of the pod's host.",
                f("ip", STRING).required());
        b.object(CORE, "ContainerStatus", "Observed state of one container.",
                f("name", STRING).required(),
                f("state", ref(CORE, "ContainerState")),
                f("lastState", ref(CORE, "ContainerState")),
                f("ready", BOOLEAN).required(),
                f("restartCount", INT32).required(),
                f("image", STRING).required(),
                f("imageID", STRING).required(),
                f("containerID", STRING),
                f("started", BOOLEAN),
                f("allocatedResources", mapOf(QUANTITY)),
                f("resources", ref(CORE, "ResourceRequirements")),
                f("volumeMounts", arrayOf(ref(CORE, "VolumeMountStatus"))).patch("merge", "mountPath").listMap("mountPath"),
                f("user", ref(CORE, "ContainerUser")),
                f("allocatedResourcesStatus", arrayOf(ref(CORE, "ResourceStatus"))).patch("merge", "name").listMap("name"),
                f("stopSignal", STRING));
        b.object(CORE, "ContainerState", "Exactly one of waiting, running, terminated.",
                f("waiting", ref(CORE, "ContainerStateWaiting")),
                f("running", ref(CORE, "ContainerStateRunning")),
                f("terminated", ref(CORE, "ContainerStateTerminated")));
        b.object(CORE, "ContainerStateWaiting", "Container not yet running.",
                f("reason", STRING),
                f("message", STRING));
        b.object(CORE, "ContainerStateRunning", "Container running.",
                f("startedAt", DATE_TIME));
        b.object(CORE, "ContainerStateTerminated", "Container finished.",
                f("exitCode", INT32).required(),
                f("signal", INT32),
                f("reason", STRING),
                f("message", STRING),
                f("startedAt", DATE_TIME),
                f("finishedAt", DATE_TIME),
                f("containerID", STRING));
        b.object(CORE, "VolumeMountStatus", "Observed state of one volume mount.",
                f("name", STRING).required(),
                f("mountPath", STRING).required(),
                f("readOnly", BOOLEAN),
                f("recursiveReadOnly", STRING));
        b.object(CORE, "PodResourceClaimStatus", "Observed state of one resource claim.",
                f("name", STRING).required(),
                f("resourceClaimName", STRING));
        b.kind(CORE, "PodList", "", "v1", "A list of pods.",
                f("apiVersion", STRING),
                f("kind", STRING),
                f("metadata", ref(META, "ListMeta")),
                f("items", arrayOf(ref(CORE, "Pod"))).required());
    }

    private static void discovery(SchemaCatalog.Builder b) {
        b.kind(DISCOVERY, "EndpointSlice", "discovery.k8s.io", "v1", "A slice of the endpoints of a Service (discovery.k8s.io/v1).",
                f("apiVersion", STRING),
                f("kind", STRING),
                f("metadata", ref(META, "ObjectMeta")),
                f("addressType", STRING).required(),
                f("endpoints", arrayOf(ref(DISCOVERY, "Endpoint"))).required().listType("atomic"),
                f("ports", arrayOf(ref(DISCOVERY, "EndpointPort"))).listType("atomic"));
        b.object(DISCOVERY, "Endpoint", "One backend of an EndpointSlice.",
                f("addresses", arrayOf(STRING)).required().listType("set"),
                f("conditions", ref(DISCOVERY, "EndpointConditions")),
                f("hostname", STRING),
                f("targetRef", ref(CORE, "ObjectReference")),
                f("deprecatedTopology", mapOf(STRING)),
                f("nodeName", STRING),
                f("zone", STRING),
                f("hints", ref(DISCOVERY, "EndpointHints")));
        b.object(DISCOVERY, "EndpointConditions", "Ready, serving, terminating.",
                f("ready", BOOLEAN),
                f("serving", BOOLEAN),
                f("terminating", BOOLEAN));
        b.object(DISCOVERY, "EndpointHints", "Topology hints for consumers such as kube-proxy.",
                f("forZones", arrayOf(ref(DISCOVERY, "ForZone"))).listType("atomic"),
                f("forNodes", arrayOf(ref(DISCOVERY, "ForNode"))).listType("atomic"));
        b.object(DISCOVERY, "ForZone", "A zone this endpoint should serve.",
                f("name", STRING).required());
        b.object(DISCOVERY, "ForNode", "A node this endpoint should serve.",
                f("name", STRING).required());
        b.object(DISCOVERY, "EndpointPort", "One port of an EndpointSlice.",
                f("name", STRING),
                f("protocol", STRING),
                f("port", INT32),
                f("appProtocol", STRING));
        b.kind(DISCOVERY, "EndpointSliceList", "discovery.k8s.io", "v1", "A list of EndpointSlices.",
                f("apiVersion", STRING),
                f("kind", STRING),
                f("metadata", ref(META, "ListMeta")),
                f("items", arrayOf(ref(DISCOVERY, "EndpointSlice"))).required());
    }

    private static FieldSchema[] concat(FieldSchema[] fields, FieldSchema... more) {
        FieldSchema[] all = java.util.Arrays.copyOf(fields, fields.length + more.length);
        System.arraycopy(more, 0, all, fields.length, more.length);
        return all;
    }
}
