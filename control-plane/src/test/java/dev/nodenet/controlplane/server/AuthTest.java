package dev.nodenet.controlplane.server;

import dev.nodenet.controlplane.NodeKubeconfigCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Static tokens, client certificates and the node authorizer, exercised with real kubectl where it matters. */
class AuthTest {
    @TempDir
    static Path dir;
    static ApiServer server;
    static Kubectl admin;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens.csv"), """
                # token,user,uid,groups
                ops-token,ops,1001,"system:masters,ops"
                viewer-token,viewer,1002
                """);
        server = ApiServer.start(ApiServer.Config.defaults(dir.resolve("data")).withPort(0).withTokenAuthFile(tokens));
        admin = Kubectl.onPath(server.kubeconfig());
        http = new Http(dir.resolve("data"), server.url());
        admin.withInput("""
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec: {ports: [{port: 80}]}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: node-a}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: node-b}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: on-a}
                spec: {nodeName: node-a, containers: [{name: c, image: i}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: on-b}
                spec: {nodeName: node-b, containers: [{name: c, image: i}]}
                """, "apply", "-f", "-").ok();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static int status(String token, String method, String path) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.client.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void tokenFileUsersAndAnonymous() throws Exception {
        assertEquals(200, status("ops-token", "GET", "/api/v1/namespaces/default/services"), "system:masters is admin");
        assertEquals(403, status("viewer-token", "GET", "/api/v1/namespaces/default/services"), "no role, no access");
        assertEquals(200, status("viewer-token", "GET", "/api/v1"), "discovery is open to every authenticated user");
        assertEquals(401, status(null, "GET", "/api/v1"));
        assertEquals(401, status("wrong", "GET", "/api/v1"));
        assertEquals(200, status(null, "GET", "/healthz"), "health is open to anonymous callers");
        assertEquals(200, status(null, "GET", "/version"));
    }

    @Test
    void nodeKubeconfigCanReadButNotWriteOthersThings() throws Exception {
        Path kubeconfig = dir.resolve("node-a.kubeconfig");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = NodeKubeconfigCommand.run(new String[]{"--data-dir", dir.resolve("data").toString(), "--node", "node-a", "--out", kubeconfig.toString()},
                new PrintStream(out), new PrintStream(err));
        assertEquals(0, code, err.toString());
        Kubectl node = new Kubectl("kubectl", kubeconfig);
        assertTrue(node.run("get", "svc", "web").ok().out().contains("web"));
        assertTrue(node.run("get", "endpointslices", "-A").exitCode() == 0);
        Kubectl.Result delete = node.run("delete", "svc", "web");
        assertNotEquals(0, delete.exitCode());
        assertTrue(delete.err().contains("forbidden") && delete.err().contains("system:node:node-a"), delete.err());

        node.run("label", "node", "node-a", "zone=a").ok();
        Kubectl.Result other = node.run("label", "node", "node-b", "zone=b");
        assertNotEquals(0, other.exitCode(), "a node may not modify another node");
        node.run("patch", "pod", "on-a", "--subresource=status", "--type=merge", "-p", "{\"status\":{\"phase\":\"Running\"}}").ok();
        Kubectl.Result foreignPod = node.run("patch", "pod", "on-b", "--subresource=status", "--type=merge", "-p", "{\"status\":{\"phase\":\"Running\"}}");
        assertNotEquals(0, foreignPod.exitCode(), "a node may only update pods bound to it");
        Kubectl.Result podSpec = node.run("label", "pod", "on-a", "x=y");
        assertNotEquals(0, podSpec.exitCode(), "a node may not change pod specs or metadata");
        assertNotEquals(0, node.withInput("apiVersion: v1\nkind: Node\nmetadata: {name: node-z}\n", "create", "-f", "-").exitCode(),
                "a node may only register itself");
        Kubectl.Result foreignDelete = node.run("delete", "pod", "on-b", "--grace-period=0", "--force");
        assertNotEquals(0, foreignDelete.exitCode(), "a node may only delete pods bound to it");
        assertTrue(foreignDelete.err().contains("forbidden"), foreignDelete.err());
        node.run("delete", "pod", "on-a", "--grace-period=0", "--force").ok(); // a kubelet removes its terminated pod
    }

    @Test
    void badTokenFilesStopStartUpNamingTheLine() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.csv"), "good,user,1\nonly-two,fields\n");
        var e = assertThrows(java.io.IOException.class,
                () -> ApiServer.start(ApiServer.Config.defaults(dir.resolve("data2")).withPort(0).withTokenAuthFile(bad)));
        assertTrue(e.getMessage().contains("bad.csv line 2"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("data2")), "a bad token file stops start-up before anything is created");
        var missing = assertThrows(java.io.IOException.class,
                () -> ApiServer.start(ApiServer.Config.defaults(dir.resolve("data3")).withPort(0).withTokenAuthFile(dir.resolve("nope.csv"))));
        assertTrue(missing.getMessage().contains("nope.csv"), missing.getMessage());
    }
}
