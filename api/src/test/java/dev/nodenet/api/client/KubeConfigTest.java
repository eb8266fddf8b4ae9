package dev.nodenet.api.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.nodenet.api.codec.Json;
import dev.nodenet.api.model.ObjectMeta;
import dev.nodenet.api.model.Service;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kubeconfig parsing, in-cluster config, and TLS with client certificates against a real HTTPS server. */
class KubeConfigTest {
    @TempDir
    static Path dir;
    static HttpsServer https;

    static void openssl(String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(args).directory(dir.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new AssertionError(String.join(" ", args) + " failed: " + out);
    }

    static String b64(String file) throws IOException {
        return Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve(file)));
    }

    @BeforeAll
    static void certificatesAndServer() throws Exception {
        openssl("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.crt",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1");
        openssl("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "client.key", "-out", "client.crt", "-subj", "/CN=node-1", "-days", "1");
        openssl("openssl", "ec", "-in", "client.key", "-out", "client-sec1.key");
        openssl("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key", "-out", "other.crt",
                "-subj", "/CN=other", "-days", "1");
        openssl("openssl", "rsa", "-in", "other.key", "-traditional", "-out", "other-pkcs1.key");
        assertTrue(Files.readString(dir.resolve("client-sec1.key")).contains("BEGIN EC PRIVATE KEY"));
        assertTrue(Files.readString(dir.resolve("other-pkcs1.key")).contains("BEGIN RSA PRIVATE KEY"));

        // server: its own certificate, trusting the two client certificates, requiring one
        char[] pw = "pw".toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", Pem.privateKey(Files.readAllBytes(dir.resolve("server.key"))), pw,
                Pem.certificates(Files.readAllBytes(dir.resolve("server.crt"))).toArray(new X509Certificate[0]));
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("client", Pem.certificates(Files.readAllBytes(dir.resolve("client.crt"))).get(0));
        ts.setCertificateEntry("other", Pem.certificates(Files.readAllBytes(dir.resolve("other.crt"))).get(0));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

        https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(ctx) {
            @Override
            public void configure(HttpsParameters params) {
                var p = ctx.getDefaultSSLParameters();
                p.setWantClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        // answers every GET with a Service whose labels say who called
        https.createContext("/", ex -> {
            String peer;
            try {
                peer = ((X509Certificate) ((HttpsExchange) ex).getSSLSession().getPeerCertificates()[0])
                        .getSubjectX500Principal().getName();
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                peer = "none";
            }
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            Service svc = Service.of(ObjectMeta.of("default", "web").withLabel("peer", peer)
                    .withAnnotation("auth", auth == null ? "none" : auth));
            byte[] body = Json.writeBytes(svc);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        https.setExecutor(Executors.newCachedThreadPool());
        https.start();
    }

    @AfterAll
    static void stopServer() {
        https.stop(0);
    }

    static String server() {
        return "https://127.0.0.1:" + https.getAddress().getPort();
    }

    static Path kubeconfig(String name, String yaml) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, yaml);
        return p;
    }

    static Service call(KubeConfig config) {
        return new KubeClient(config).get(dev.nodenet.api.client.Resource.SERVICES, "default", "web");
    }

    @Test
    void clientCertificateWithSec1KeyFromDataFieldsAndCaFromRelativePath() throws Exception {
        Path p = kubeconfig("tls.yaml", """
                apiVersion: v1
                kind: Config
                current-context: lab
                clusters:
                - name: lab-cluster
                  cluster:
                    server: %s
                    certificate-authority: server.crt
                users:
                - name: node
                  user:
                    client-certificate-data: %s
                    client-key-data: %s
                contexts:
                - name: lab
                  context: {cluster: lab-cluster, user: node, namespace: kube-system}
                """.formatted(server(), b64("client.crt"), b64("client-sec1.key")));
        KubeConfig config = KubeConfig.load(p);
        assertEquals("lab", config.contextName());
        assertEquals("kube-system", config.namespace());
        assertTrue(config.authorization().isEmpty());
        Service svc = call(config); // HTTP/2 by default over https: falls back to HTTP/1.1 with this server
        assertEquals("CN=node-1", svc.metadata().label("peer"));
    }

    @Test
    void namedContextWithPkcs1KeyFilesAndToken() throws Exception {
        Path p = kubeconfig("two.json", """
                {"current-context":"lab","clusters":[{"name":"c","cluster":{"server":"%s","certificate-authority-data":"%s"}}],
                 "users":[{"name":"u","user":{"client-certificate":"%s","client-key":"other-pkcs1.key","token":"s3cret"}}],
                 "contexts":[{"name":"lab","context":{"cluster":"c"}},{"name":"admin","context":{"cluster":"c","user":"u"}}]}
                """.formatted(server(), b64("server.crt"), dir.resolve("other.crt")));
        Service svc = call(KubeConfig.load(p, "admin"));
        assertEquals("CN=other", svc.metadata().label("peer"));
        assertEquals("Bearer s3cret", svc.metadata().annotation("auth"));
        Service anonymous = call(KubeConfig.load(p)); // current-context: no user
        assertEquals("none", anonymous.metadata().label("peer"));
        assertEquals("none", anonymous.metadata().annotation("auth"));
        assertEquals("default", KubeConfig.load(p).namespace());
    }

    @Test
    void trustIsEnforcedUnlessInsecureSkipTlsVerify() throws Exception {
        Path untrusted = kubeconfig("untrusted.yaml", """
                current-context: x
                clusters: [{name: c, cluster: {server: "%s"}}]
                contexts: [{name: x, context: {cluster: c}}]
                """.formatted(server()));
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> call(KubeConfig.load(untrusted)));
        assertTrue(e.getCause() instanceof SSLHandshakeException, e.toString());

        Path insecure = kubeconfig("insecure.yaml", """
                current-context: x
                clusters: [{name: c, cluster: {server: "%s", insecure-skip-tls-verify: true}}]
                users: [{name: u, user: {username: admin, password: pw}}]
                contexts: [{name: x, context: {cluster: c, user: u}}]
                """.formatted(server().replace("127.0.0.1", "localhost")));
        // localhost is not in the certificate: skipped verification also skips the hostname check
        KubeConfig config = KubeConfig.load(insecure);
        assertEquals("Basic " + Base64.getEncoder().encodeToString("admin:pw".getBytes()), config.authorization().orElseThrow());
        assertEquals("web", call(config).name());
    }

    @Test
    void tokenFileIsReadRelativeToTheKubeconfig() throws Exception {
        Files.writeString(dir.resolve("token"), "tok-1\n");
        Path p = kubeconfig("tf.yaml", """
                current-context: x
                clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]
                users: [{name: u, user: {tokenFile: token}}]
                contexts: [{name: x, context: {cluster: c, user: u}}]
                """);
        KubeConfig config = KubeConfig.load(p);
        assertEquals("Bearer tok-1", config.authorization().orElseThrow());
        assertNull(config.sslContext());
        assertEquals(URI.create("http://127.0.0.1:1"), config.server());
    }

    @Test
    void badKubeconfigsNameTheFileAndField() throws Exception {
        String cluster = "clusters: [{name: c, cluster: {server: \"https://127.0.0.1:6443\"}}]\n";
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("current-context: nope\n" + cluster, "contexts: no entry named \"nope\"");
        cases.put(cluster + "contexts: [{name: x, context: {cluster: c}}]\n", "current-context is not set and no context was named");
        cases.put("current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\n", "clusters: no entry named \"c\"");
        cases.put("current-context: x\ncontexts: [{name: x, context: {user: u}}]\n", "contexts[x].context.cluster is missing");
        cases.put("current-context: x\nclusters: [{name: c, cluster: {server: \"ftp://h\"}}]\ncontexts: [{name: x, context: {cluster: c}}]\n",
                "clusters[c].cluster.server: \"ftp://h\" is not an http(s) URL with a host");
        cases.put("current-context: x\n" + cluster + "contexts: [{name: x, context: {cluster: c, user: u}}]\n"
                + "users: [{name: u, user: {client-certificate-data: " + b64("client.crt") + ", client-key-data: "
                + Base64.getEncoder().encodeToString("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".getBytes()) + "}}]\n",
                "users[u].user.client-key-data: cannot read private key");
        cases.put("current-context: x\n" + cluster + "contexts: [{name: x, context: {cluster: c, user: u}}]\n"
                + "users: [{name: u, user: {client-certificate-data: " + b64("client.crt") + "}}]\n",
                "users[u].user.client-certificate and client-key must be given together");
        cases.put("current-context: x\n" + cluster + "contexts: [{name: x, context: {cluster: c, user: u}}]\n"
                + "users: [{name: u, user: {exec: {command: aws}}}]\n", "users[u].user.exec: credential plugins are not supported");
        cases.put("current-context: x\n" + cluster + "contexts: [{name: x, context: {cluster: c, user: u}}]\n"
                + "users: [{name: u, user: {client-certificate: missing.crt, client-key: missing.key}}]\n",
                "users[u].user.client-certificate missing.crt: cannot read");
        cases.put("current-context: x\nclusters: [{name: c, cluster: {server: \"https://h\", certificate-authority-data: \"@@\"}}]\n"
                + "contexts: [{name: x, context: {cluster: c}}]\n", "clusters[c].cluster.certificate-authority-data: not valid base64");
        cases.put("current-context: x\nclusters: [{name: c, cluster: {server: \"https://h\", certificate-authority-data: "
                + Base64.getEncoder().encodeToString("junk".getBytes()) + "}}]\ncontexts: [{name: x, context: {cluster: c}}]\n",
                "clusters[c].cluster.certificate-authority-data: no PEM CERTIFICATE block found");
        cases.put("[1, 2]", "not a kubeconfig (expected a mapping)");
        cases.put("a: [", "not valid YAML or JSON");
        int i = 0;
        for (var c : cases.entrySet()) {
            Path p = kubeconfig("bad-" + i++ + ".yaml", c.getKey());
            KubeConfigException e = assertThrows(KubeConfigException.class, () -> KubeConfig.load(p), c.getValue());
            assertTrue(e.getMessage().startsWith("kubeconfig " + p + ": "), e.getMessage());
            assertTrue(e.getMessage().contains(c.getValue()), e.getMessage());
        }
        Path missing = dir.resolve("does-not-exist");
        KubeConfigException e = assertThrows(KubeConfigException.class, () -> KubeConfig.load(missing));
        assertTrue(e.getMessage().startsWith("kubeconfig " + missing + ": cannot read"), e.getMessage());
    }

    @Test
    void inClusterConfigFromServiceAccountFiles() throws Exception {
        Path sa = Files.createDirectories(dir.resolve("sa"));
        Files.writeString(sa.resolve("token"), "sa-token\n");
        Files.copy(dir.resolve("server.crt"), sa.resolve("ca.crt"));
        Files.writeString(sa.resolve("namespace"), "kube-system\n");
        int port = https.getAddress().getPort();
        KubeConfig config = KubeConfig.inCluster(Map.of("KUBERNETES_SERVICE_HOST", "127.0.0.1",
                "KUBERNETES_SERVICE_PORT", String.valueOf(port)), sa);
        assertEquals(URI.create(server()), config.server());
        assertEquals("kube-system", config.namespace());
        assertEquals("Bearer sa-token", call(config).metadata().annotation("auth"));

        assertEquals(URI.create("https://[fd00::1]:443"), KubeConfig.inCluster(Map.of("KUBERNETES_SERVICE_HOST", "fd00::1",
                "KUBERNETES_SERVICE_PORT", "443"), sa).server());
        KubeConfigException e = assertThrows(KubeConfigException.class, () -> KubeConfig.inCluster(Map.of(), sa));
        assertTrue(e.getMessage().contains("KUBERNETES_SERVICE_HOST"), e.getMessage());
        e = assertThrows(KubeConfigException.class, () -> KubeConfig.inCluster(Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1",
                "KUBERNETES_SERVICE_PORT", "443"), dir.resolve("no-sa")));
        assertTrue(e.getMessage().startsWith("in-cluster config " + dir.resolve("no-sa").resolve("token") + ": cannot read"),
                e.getMessage());
    }
}
