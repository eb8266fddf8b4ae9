package dev.nodenet.controlplane.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;

/**
 * Realistic manifests as kubectl users write them (test resources kept as text blocks next to the tests).
 */
final class Manifests {

    private static final YAMLMapper YAML = new YAMLMapper();

    private Manifests() {
    }

    static JsonNode yaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final String SERVICE = """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: shop
              labels:
                app.kubernetes.io/name: web
                app.kubernetes.io/part-of: shop
              annotations:
                service.kubernetes.io/topology-mode: Auto
            spec:
              type: LoadBalancer
              selector:
                app.kubernetes.io/name: web
              ports:
                - name: http
                  protocol: TCP
                  port: 80
                  targetPort: http
                  nodePort: 30080
                - name: https
                  port: 443
                  targetPort: 8443
                  appProtocol: https
              clusterIP: 10.96.12.34
              clusterIPs: ["10.96.12.34", "fd00:10:96::1234"]
              ipFamilies: [IPv4, IPv6]
              ipFamilyPolicy: PreferDualStack
              externalTrafficPolicy: Local
              internalTrafficPolicy: Cluster
              healthCheckNodePort: 32000
              sessionAffinity: ClientIP
              sessionAffinityConfig:
                clientIP:
                  timeoutSeconds: 10800
              loadBalancerSourceRanges: ["10.0.0.0/8"]
              allocateLoadBalancerNodePorts: true
              publishNotReadyAddresses: false
              trafficDistribution: PreferClose
            status:
              loadBalancer:
                ingress:
                  - ip: 192.0.2.10
                    ipMode: VIP
                    ports:
                      - port: 80
                        protocol: TCP
              conditions:
                - type: LoadBalancerReady
                  status: "True"
                  lastTransitionTime: "2025-05-01T10:00:00Z"
                  reason: Provisioned
                  message: ready
            """;

    static final String POD = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web-7d9c6b5f4-x2x7q
              namespace: shop
              labels:
                app.kubernetes.io/name: web
              ownerReferences:
                - apiVersion: apps/v1
                  kind: ReplicaSet
                  name: web-7d9c6b5f4
                  uid: 6f1c2f44-1111-4a2b-9c3d-0123456789ab
                  controller: true
                  blockOwnerDeletion: true
              finalizers: ["example.com/cleanup"]
            spec:
              serviceAccountName: web
              automountServiceAccountToken: false
              terminationGracePeriodSeconds: 30
              priorityClassName: high
              nodeSelector:
                kubernetes.io/os: linux
              securityContext:
                runAsNonRoot: true
                runAsUser: 10001
                fsGroup: 10001
                seccompProfile:
                  type: RuntimeDefault
                sysctls:
                  - name: net.ipv4.ip_unprivileged_port_start
                    value: "0"
              affinity:
                podAntiAffinity:
                  preferredDuringSchedulingIgnoredDuringExecution:
                    - weight: 100
                      podAffinityTerm:
                        topologyKey: kubernetes.io/hostname
                        labelSelector:
                          matchLabels:
                            app.kubernetes.io/name: web
              tolerations:
                - key: node.kubernetes.io/not-ready
                  operator: Exists
                  effect: NoExecute
                  tolerationSeconds: 300
              topologySpreadConstraints:
                - maxSkew: 1
                  topologyKey: topology.kubernetes.io/zone
                  whenUnsatisfiable: ScheduleAnyway
                  labelSelector:
                    matchLabels:
                      app.kubernetes.io/name: web
              initContainers:
                - name: migrate
                  image: registry.example.com/shop/web:1.4.2
                  command: ["/app/migrate", "--wait"]
                  envFrom:
                    - configMapRef:
                        name: web-config
                    - secretRef:
                        name: web-db
                        optional: false
              containers:
                - name: web
                  image: registry.example.com/shop/web:1.4.2
                  imagePullPolicy: IfNotPresent
                  args: ["--listen=:8080", "--metrics=:9090"]
                  ports:
                    - name: http
                      containerPort: 8080
                      protocol: TCP
                    - name: metrics
                      containerPort: 9090
                  env:
                    - name: POD_NAME
                      valueFrom:
                        fieldRef:
                          fieldPath: metadata.name
                    - name: DB_PASSWORD
                      valueFrom:
                        secretKeyRef:
                          name: web-db
                          key: password
                    - name: MEMORY_LIMIT
                      valueFrom:
                        resourceFieldRef:
                          resource: limits.memory
                          divisor: 1Mi
                    - name: LOG_LEVEL
                      value: info
                  resources:
                    requests:
                      cpu: 250m
                      memory: 256Mi
                    limits:
                      cpu: 1
                      memory: 512Mi
                  livenessProbe:
                    httpGet:
                      path: /healthz
                      port: http
                      httpHeaders:
                        - name: X-Probe
                          value: liveness
                    initialDelaySeconds: 10
                    periodSeconds: 10
                    failureThreshold: 3
                  readinessProbe:
                    tcpSocket:
                      port: 8080
                    periodSeconds: 5
                  startupProbe:
                    exec:
                      command: ["cat", "/tmp/started"]
                    failureThreshold: 30
                  lifecycle:
                    preStop:
                      sleep:
                        seconds: 5
                  securityContext:
                    allowPrivilegeEscalation: false
                    readOnlyRootFilesystem: true
                    capabilities:
                      drop: ["ALL"]
                      add: ["NET_BIND_SERVICE"]
                  volumeMounts:
                    - name: config
                      mountPath: /etc/web
                      readOnly: true
                    - name: tmp
                      mountPath: /tmp
                    - name: data
                      mountPath: /var/lib/web
                    - name: token
                      mountPath: /var/run/secrets/tokens
                - name: log-shipper
                  image: fluent/fluent-bit:3.0
                  resources:
                    limits:
                      memory: 64Mi
              volumes:
                - name: config
                  configMap:
                    name: web-config
                    defaultMode: 0444
                    items:
                      - key: web.yaml
                        path: web.yaml
                - name: tmp
                  emptyDir:
                    medium: Memory
                    sizeLimit: 64Mi
                - name: data
                  persistentVolumeClaim:
                    claimName: web-data
                - name: token
                  projected:
                    sources:
                      - serviceAccountToken:
                          audience: vault
                          expirationSeconds: 3600
                          path: token
                - name: host-logs
                  hostPath:
                    path: /var/log
                    type: Directory
                - name: tls
                  secret:
                    secretName: web-tls
            """;

    static final String NODE = """
            apiVersion: v1
            kind: Node
            metadata:
              name: worker-1
              labels:
                kubernetes.io/hostname: worker-1
                kubernetes.io/os: linux
                node-role.kubernetes.io/worker: ""
              annotations:
                node.alpha.kubernetes.io/ttl: "0"
            spec:
              podCIDR: 10.244.1.0/24
              podCIDRs: ["10.244.1.0/24", "fd00:10:244:1::/64"]
              providerID: nodenet://worker-1
              taints:
                - key: node-role.kubernetes.io/control-plane
                  effect: NoSchedule
            status:
              capacity:
                cpu: "4"
                memory: 16393480Ki
                pods: "110"
                ephemeral-storage: 102687672Ki
              allocatable:
                cpu: 3800m
                memory: 15881480Ki
                pods: 110
              conditions:
                - type: Ready
                  status: "True"
                  lastHeartbeatTime: "2025-05-01T10:00:00Z"
                  lastTransitionTime: "2025-05-01T09:00:00Z"
                  reason: KubeletReady
                  message: kubelet is posting ready status
                - type: MemoryPressure
                  status: "False"
                  reason: KubeletHasSufficientMemory
              addresses:
                - type: InternalIP
                  address: 10.0.0.11
                - type: Hostname
                  address: worker-1
              daemonEndpoints:
                kubeletEndpoint:
                  Port: 10250
              nodeInfo:
                machineID: 3b1f0e2a4c5d4e6f8a9b0c1d2e3f4a5b
                systemUUID: 4C4C4544-0047-3510-8052-B7C04F4E3232
                bootID: 9c7a3a52-2f43-4c1e-8f1d-1f2e3d4c5b6a
                kernelVersion: 6.1.0-18-amd64
                osImage: Debian GNU/Linux 12 (bookworm)
                containerRuntimeVersion: containerd://1.7.13
                kubeletVersion: v1.33.0
                kubeProxyVersion: ""
                operatingSystem: linux
                architecture: amd64
                swap:
                  capacity: 0
              images:
                - names:
                    - registry.k8s.io/pause@sha256:7031c1b283388d2c2e09b57badb803c05ebed362dc88d84b480cc47f72a21097
                    - registry.k8s.io/pause:3.10
                  sizeBytes: 320368
              runtimeHandlers:
                - name: runc
                  features:
                    recursiveReadOnlyMounts: true
                    userNamespaces: false
              features:
                supplementalGroupsPolicy: true
            """;

    static final String ENDPOINT_SLICE = """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: web-abc12
              namespace: shop
              labels:
                kubernetes.io/service-name: web
                endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io
              ownerReferences:
                - apiVersion: v1
                  kind: Service
                  name: web
                  uid: 0b8a8f5e-2222-4b3c-8d4e-0123456789ab
                  controller: true
                  blockOwnerDeletion: true
            addressType: IPv4
            ports:
              - name: http
                protocol: TCP
                port: 8080
                appProtocol: http
            endpoints:
              - addresses: ["10.244.1.17"]
                conditions:
                  ready: true
                  serving: true
                  terminating: false
                hostname: web-0
                nodeName: worker-1
                zone: zone-a
                targetRef:
                  kind: Pod
                  namespace: shop
                  name: web-7d9c6b5f4-x2x7q
                  uid: 1c2d3e4f-3333-4c5d-9e6f-0123456789ab
                hints:
                  forZones:
                    - name: zone-a
                  forNodes:
                    - name: worker-1
            """;

    static final String NAMESPACE = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              labels:
                pod-security.kubernetes.io/enforce: restricted
            spec:
              finalizers: ["kubernetes"]
            status:
              phase: Active
            """;

    static final String ENDPOINTS = """
            apiVersion: v1
            kind: Endpoints
            metadata:
              name: external-db
              namespace: shop
            subsets:
              - addresses:
                  - ip: 192.0.2.40
                    hostname: db-0
                    nodeName: worker-1
                    targetRef:
                      kind: Pod
                      name: db-0
                      namespace: shop
                notReadyAddresses:
                  - ip: 192.0.2.41
                ports:
                  - name: postgres
                    port: 5432
                    protocol: TCP
            """;
}
