package dev.nodenet.controlplane.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The same short session with every kubectl build installed on the machine (1.27 ... 1.33), default settings. */
class KubectlVersionsTest {
    @TempDir
    static Path dir;
    static ApiServer server;

    @BeforeAll
    static void start() throws Exception {
        server = ApiServer.start(ApiServer.Config.defaults(dir.resolve("data")).withPort(0).withWatchHeartbeat(Duration.ofSeconds(1)));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static List<String> binaries() {
        List<String> b = Kubectl.versionedBinaries();
        assertFalse(b.isEmpty(), "no versioned kubectl builds under " + Kubectl.VERSIONED_DIR);
        return b;
    }

    @ParameterizedTest
    @MethodSource("binaries")
    void applyGetPatchDelete(String binary) {
        Kubectl k = new Kubectl(binary, server.kubeconfig());
        String ns = "v" + binary.replaceAll("\\D", "");
        k.run("create", "namespace", ns).ok();
        String svc = KubectlTest.SERVICE;
        assertTrue(k.withInput(svc, "apply", "-n", ns, "-f", "-").ok().out().contains("created"));
        assertTrue(k.withInput(svc.replace("port: 9090", "port: 9191"), "apply", "-n", ns, "-f", "-").ok().out().contains("configured"));
        assertEquals("80 9191", k.run("get", "-n", ns, "svc", "web", "-o", "jsonpath={.spec.ports[*].port}").ok().out());
        assertTrue(k.run("get", "-n", ns, "svc").ok().out().contains("PORT(S)"));
        k.run("label", "-n", ns, "svc", "web", "v=" + ns).ok();
        k.run("patch", "-n", ns, "svc", "web", "--type=merge", "-p", "{\"spec\":{\"sessionAffinity\":\"ClientIP\"}}").ok();
        assertEquals("ClientIP " + ns, k.run("get", "-n", ns, "svc", "web", "-o", "jsonpath={.spec.sessionAffinity} {.metadata.labels.v}").ok().out());
        Kubectl.Result bad = k.withInput(svc.replace("selector:", "selectr:"), "apply", "-n", ns, "-f", "-");
        assertTrue(bad.exitCode() != 0 && bad.err().contains("selectr"), bad.err());
        k.run("delete", "-n", ns, "svc", "web").ok();
        k.run("delete", "namespace", ns).ok();
    }
}
