package dev.nodenet.controlplane.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scripted kubectl sessions against a real {@link ApiServer}: the kubectl on PATH with its default settings
 * (strict field validation, client-side apply, server-side printing).
 */
class KubectlTest {
    @TempDir
    static Path dir;
    static ApiServer server;
    static Kubectl kubectl;

    static final String SERVICE = """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              labels: {app: web}
            spec:
              selector: {app: web}
              ports:
              - name: http
                port: 80
                targetPort: 8080
              - name: metrics
                port: 9090
            """;

    @BeforeAll
    static void start() throws Exception {
        server = ApiServer.start(ApiServer.Config.defaults(dir.resolve("data")).withPort(0).withWatchHeartbeat(Duration.ofSeconds(1)));
        kubectl = Kubectl.onPath(server.kubeconfig());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void applyCreatesThenUpdatesInPlace() {
        namespace("apply-test");
        String first = kubectl.withInput(SERVICE, "apply", "-n", "apply-test", "-f", "-").ok().out();
        assertTrue(first.contains("service/web created"), first);
        String uid = kubectl.run("get", "-n", "apply-test", "svc", "web", "-o", "jsonpath={.metadata.uid}").ok().out();

        String changed = SERVICE.replace("port: 9090", "port: 9191").replace("{app: web}\nspec", "{app: web, tier: front}\nspec");
        String second = kubectl.withInput(changed, "apply", "-n", "apply-test", "-f", "-").ok().out();
        assertTrue(second.contains("service/web configured"), second);
        String ports = kubectl.run("get", "-n", "apply-test", "svc", "web", "-o", "jsonpath={.spec.ports[*].port}").ok().out();
        assertEquals("80 9191", ports);
        assertEquals(uid, kubectl.run("get", "-n", "apply-test", "svc", "web", "-o", "jsonpath={.metadata.uid}").ok().out());
        String third = kubectl.withInput(changed, "apply", "-n", "apply-test", "-f", "-").ok().out();
        assertTrue(third.contains("service/web unchanged"), third);
        kubectl.run("delete", "namespace", "apply-test").ok();
    }

    @Test
    void getShowsServerSideColumns() {
        namespace("cols");
        kubectl.withInput(SERVICE, "apply", "-n", "cols", "-f", "-").ok();
        String out = kubectl.run("get", "-n", "cols", "svc").ok().out();
        assertTrue(out.matches("(?s)NAME\\s+TYPE\\s+CLUSTER-IP\\s+EXTERNAL-IP\\s+PORT\\(S\\)\\s+AGE.*"), out);
        assertTrue(out.contains("80/TCP,9090/TCP"), out);
        String wide = kubectl.run("get", "-n", "cols", "svc", "-o", "wide").ok().out();
        assertTrue(wide.contains("SELECTOR") && wide.contains("app=web"), wide);
        String ns = kubectl.run("get", "ns").ok().out();
        assertTrue(ns.contains("default") && ns.contains("kube-system") && ns.contains("Active"), ns);
        kubectl.run("delete", "namespace", "cols").ok();
    }

    @Test
    void watchSeesAddedModifiedDeleted() throws Exception {
        namespace("watch-test");
        Path out = dir.resolve("watch.out");
        Process watch = kubectl.start(out, "get", "-n", "watch-test", "svc", "-w", "--output-watch-events");
        try {
            Thread.sleep(1500);
            kubectl.withInput(SERVICE, "apply", "-n", "watch-test", "-f", "-").ok();
            kubectl.run("label", "-n", "watch-test", "svc", "web", "stage=test").ok();
            kubectl.run("delete", "-n", "watch-test", "svc", "web").ok();
            String text = waitFor(out, "DELETED", Duration.ofSeconds(20));
            assertTrue(text.matches("(?s).*\\nADDED +web .*\\nMODIFIED +web .*\\nDELETED +web .*"), text);
        } finally {
            watch.destroy();
            watch.waitFor(5, TimeUnit.SECONDS);
        }
        kubectl.run("delete", "namespace", "watch-test").ok();
    }

    @Test
    void patchInAllThreeTypesLabelAnnotateReplace() {
        namespace("patches");
        kubectl.withInput(SERVICE, "apply", "-n", "patches", "-f", "-").ok();
        kubectl.run("patch", "-n", "patches", "svc", "web", "-p", "{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":8081}]}}").ok();
        assertEquals("8081 9090", kubectl.run("get", "-n", "patches", "svc", "web", "-o", "jsonpath={.spec.ports[*].targetPort}").ok().out(),
                "strategic merge patch merges ports by port number");
        kubectl.run("patch", "-n", "patches", "svc", "web", "--type=merge", "-p", "{\"spec\":{\"sessionAffinity\":\"ClientIP\"}}").ok();
        assertEquals("ClientIP", kubectl.run("get", "-n", "patches", "svc", "web", "-o", "jsonpath={.spec.sessionAffinity}").ok().out());
        kubectl.run("patch", "-n", "patches", "svc", "web", "--type=json", "-p", "[{\"op\":\"remove\",\"path\":\"/spec/ports/1\"}]").ok();
        assertEquals("80", kubectl.run("get", "-n", "patches", "svc", "web", "-o", "jsonpath={.spec.ports[*].port}").ok().out());
        kubectl.run("label", "-n", "patches", "svc", "web", "team=net").ok();
        kubectl.run("annotate", "-n", "patches", "svc", "web", "note=hello").ok();
        assertEquals("net", kubectl.run("get", "-n", "patches", "svc", "web", "-o", "jsonpath={.metadata.labels.team}").ok().out());
        assertEquals("hello", kubectl.run("get", "-n", "patches", "svc", "web", "-o", "jsonpath={.metadata.annotations.note}").ok().out());
        kubectl.run("label", "-n", "patches", "svc", "web", "team-").ok();
        assertEquals("", kubectl.run("get", "-n", "patches", "svc", "web", "-o", "jsonpath={.metadata.labels.team}").ok().out());

        String yaml = kubectl.run("get", "-n", "patches", "svc", "web", "-o", "yaml").ok().out();
        String replaced = yaml.replace("sessionAffinity: ClientIP", "sessionAffinity: None");
        kubectl.withInput(replaced, "replace", "-f", "-").ok();
        assertEquals("None", kubectl.run("get", "-n", "patches", "svc", "web", "-o", "jsonpath={.spec.sessionAffinity}").ok().out());
        Kubectl.Result stale = kubectl.withInput(yaml, "replace", "-f", "-");
        assertNotEquals(0, stale.exitCode(), "replacing with a stale resourceVersion must conflict");
        assertTrue(stale.err().contains("the object has been modified"), stale.err());
        kubectl.run("delete", "namespace", "patches").ok();
    }

    @Test
    void everyResourceCanBeCreatedListedPatchedAndDeleted() {
        namespace("all-kinds");
        String manifests = """
                apiVersion: v1
                kind: Pod
                metadata: {name: web-1, labels: {app: web}}
                spec:
                  containers:
                  - name: echo
                    image: nodenet/echo
                    ports: [{containerPort: 8080}]
                ---
                apiVersion: v1
                kind: Endpoints
                metadata: {name: manual}
                subsets:
                - addresses: [{ip: 10.244.1.5}]
                  ports: [{port: 8080}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: manual-abc
                  labels: {kubernetes.io/service-name: manual}
                addressType: IPv4
                endpoints:
                - addresses: [10.244.1.5]
                  conditions: {ready: true}
                ports: [{name: http, port: 8080, protocol: TCP}]
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: kubectl-test-node, labels: {topology.kubernetes.io/zone: a}}
                spec: {podCIDR: 10.244.7.0/24}
                """;
        String applied = kubectl.withInput(manifests, "apply", "-n", "all-kinds", "-f", "-").ok().out();
        for (String s : new String[]{"pod/web-1 created", "endpoints/manual created", "endpointslice.discovery.k8s.io/manual-abc created", "node/kubectl-test-node created"}) {
            assertTrue(applied.contains(s), applied);
        }
        assertTrue(kubectl.run("get", "-n", "all-kinds", "po").ok().out().contains("web-1"));
        assertTrue(kubectl.run("get", "-n", "all-kinds", "ep").ok().out().contains("10.244.1.5:8080"));
        assertTrue(kubectl.run("get", "-n", "all-kinds", "endpointslices").ok().out().contains("10.244.1.5"));
        assertTrue(kubectl.run("get", "no").ok().out().contains("kubectl-test-node"));
        kubectl.run("patch", "node", "kubectl-test-node", "--subresource=status", "--type=merge", "-p",
                "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}").ok();
        assertTrue(kubectl.run("get", "no", "kubectl-test-node").ok().out().contains("Ready"));
        kubectl.run("patch", "-n", "all-kinds", "pod", "web-1", "--subresource=status", "--type=merge", "-p",
                "{\"status\":{\"phase\":\"Running\",\"podIP\":\"10.244.1.9\"}}").ok();
        assertEquals("Running 10.244.1.9", kubectl.run("get", "-n", "all-kinds", "pod", "web-1", "-o", "jsonpath={.status.phase} {.status.podIP}").ok().out());
        assertTrue(kubectl.run("get", "-n", "all-kinds", "pods", "--field-selector", "status.phase=Running", "-o", "name").ok().out().contains("pod/web-1"));
        kubectl.withInput(manifests, "delete", "-n", "all-kinds", "-f", "-").ok();
        assertTrue(kubectl.run("get", "-n", "all-kinds", "pods", "-o", "name").ok().out().isBlank());
        kubectl.run("delete", "namespace", "all-kinds").ok();
        assertNotEquals(0, kubectl.run("get", "namespace", "all-kinds").exitCode());
    }

    @Test
    void badManifestsAreRejectedReadably() {
        Kubectl.Result unknownField = kubectl.withInput(SERVICE.replace("selector:", "selectr:"), "apply", "-f", "-");
        assertNotEquals(0, unknownField.exitCode());
        assertTrue(unknownField.err().contains("selectr"), unknownField.err());

        Kubectl.Result badName = kubectl.withInput(SERVICE.replace("name: web\n", "name: Web_1\n"), "create", "-f", "-");
        assertNotEquals(0, badName.exitCode());
        assertTrue(badName.err().contains("is invalid") && badName.err().contains("metadata.name"), badName.err());

        Kubectl.Result wrongNamespace = kubectl.withInput(SERVICE, "create", "-n", "does-not-exist", "-f", "-");
        assertNotEquals(0, wrongNamespace.exitCode());
        assertTrue(wrongNamespace.err().contains("namespaces \"does-not-exist\" not found"), wrongNamespace.err());

        Kubectl.Result systemNs = kubectl.run("delete", "namespace", "default");
        assertNotEquals(0, systemNs.exitCode());
        assertTrue(systemNs.err().contains("may not be deleted"), systemNs.err());

        Kubectl.Result serverSide = kubectl.withInput(SERVICE, "apply", "--server-side", "-f", "-");
        assertNotEquals(0, serverSide.exitCode());
        assertTrue(serverSide.err().contains("server-side apply is not supported"), serverSide.err());
    }

    @Test
    void typedCreateCommandsWork() {
        // kubectl's typed clientset sends these as application/vnd.kubernetes.protobuf
        kubectl.run("create", "namespace", "typed").ok();
        kubectl.run("create", "service", "clusterip", "c1", "-n", "typed", "--tcp=80:8080", "--tcp=443:8443").ok();
        kubectl.run("create", "service", "nodeport", "n1", "-n", "typed", "--tcp=80:8080").ok();
        kubectl.run("create", "service", "externalname", "e1", "-n", "typed", "--external-name=example.com").ok();
        assertEquals("80 443", kubectl.run("get", "-n", "typed", "svc", "c1", "-o", "jsonpath={.spec.ports[*].port}").ok().out());
        assertEquals("NodePort", kubectl.run("get", "-n", "typed", "svc", "n1", "-o", "jsonpath={.spec.type}").ok().out());
        assertEquals("example.com", kubectl.run("get", "-n", "typed", "svc", "e1", "-o", "jsonpath={.spec.externalName}").ok().out());
        kubectl.run("run", "web", "-n", "typed", "--image=nodenet/echo", "--port=8080", "--labels=app=web").ok();
        assertEquals("app=web", kubectl.run("get", "-n", "typed", "pods", "-l", "app=web", "-o", "jsonpath={.items[0].metadata.labels}").ok().out()
                .replaceAll("[{}\"]", "").replace(':', '='));
        kubectl.run("delete", "namespace", "typed").ok();
    }

    @Test
    void deleteWaitsForTheObjectToGo() {
        namespace("del-wait");
        kubectl.withInput(SERVICE, "apply", "-n", "del-wait", "-f", "-").ok();
        Kubectl.Result r = kubectl.run("delete", "-n", "del-wait", "svc", "web", "--wait=true", "--timeout=20s").ok();
        assertTrue(r.out().contains("service \"web\" deleted"), r.out());
        kubectl.run("delete", "namespace", "del-wait", "--wait=true").ok();
    }

    /** Creates a namespace from a manifest (kubectl create namespace is covered by its own test). */
    static void namespace(String name) {
        kubectl.withInput("apiVersion: v1\nkind: Namespace\nmetadata: {name: " + name + "}\n", "apply", "-f", "-").ok();
    }

    static String waitFor(Path file, String needle, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String text = "";
        while (System.nanoTime() < deadline) {
            text = Files.exists(file) ? Files.readString(file) : "";
            if (text.contains(needle)) return text;
            Thread.sleep(100);
        }
        return text;
    }

}
