package dev.nodenet.api.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nodenet.api.codec.Yaml;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Where and how to reach an API server: the server URI, the TLS context (CA trust, client certificate) and the
 * Authorization header. Built from a kubeconfig file ({@link #load(Path, String)}), from a pod's service account
 * ({@link #inCluster}), or for a plain server ({@link #of(URI)}).
 * <p>Supported kubeconfig fields: cluster {@code server}, {@code certificate-authority(-data)},
 * {@code insecure-skip-tls-verify}; user {@code token}, {@code tokenFile}, {@code username}/{@code password},
 * {@code client-certificate(-data)} + {@code client-key(-data)} (PEM; PKCS#8, PKCS#1 RSA or SEC1 EC keys); context
 * {@code namespace}. Relative file paths resolve against the kubeconfig's directory, as kubectl does.
 * Exec and auth-provider plugins are rejected with a clear error.
 * <p>Immutable and thread-safe. Token files are re-read at most once a minute, so rotated service-account tokens
 * are picked up.
 */
public final class KubeConfig {
    /** Where a pod finds its service account token, CA and namespace. */
    public static final Path SERVICE_ACCOUNT_DIR = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
    private static final Duration TOKEN_FILE_REFRESH = Duration.ofMinutes(1);

    private final URI server;
    private final String namespace;
    private final String contextName;
    private final SSLContext sslContext;
    private final Supplier<String> authorization;

    private KubeConfig(URI server, String namespace, String contextName, SSLContext sslContext, Supplier<String> authorization) {
        this.server = server;
        this.namespace = namespace;
        this.contextName = contextName;
        this.sslContext = sslContext;
        this.authorization = authorization;
    }

    /** A server without credentials; https uses the JDK's default trust store. */
    public static KubeConfig of(URI server) {
        return new KubeConfig(checkServer(server.toString(), "server"), "default", null, null, () -> null);
    }

    /** Loads a kubeconfig (YAML or JSON) with its {@code current-context}. */
    public static KubeConfig load(Path path) {
        return load(path, null);
    }

    /**
     * Loads a kubeconfig (YAML or JSON) with the named context, or its {@code current-context} when null.
     * @throws KubeConfigException naming the file and the field at fault
     */
    public static KubeConfig load(Path path, String context) {
        String where = "kubeconfig " + path;
        byte[] text = readFile(path, where);
        JsonNode root;
        try {
            root = Yaml.mapper().readTree(text);
        } catch (IOException e) {
            String detail = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new KubeConfigException(where + ": not valid YAML or JSON: " + detail, e);
        }
        if (root == null || !root.isObject()) throw new KubeConfigException(where + ": not a kubeconfig (expected a mapping)");
        return new Loader(where, path.toAbsolutePath().getParent()).load(root, context);
    }

    /**
     * The default client configuration: the first file of {@code $KUBECONFIG}, else {@code ~/.kube/config}, else
     * the in-cluster service account.
     */
    public static KubeConfig loadDefault() {
        String env = System.getenv("KUBECONFIG");
        if (env != null && !env.isBlank()) return load(Path.of(env.split(java.io.File.pathSeparator)[0]));
        Path home = Path.of(System.getProperty("user.home"), ".kube", "config");
        if (Files.isRegularFile(home)) return load(home);
        return inCluster();
    }

    /** In-cluster configuration from the process environment and {@link #SERVICE_ACCOUNT_DIR}. */
    public static KubeConfig inCluster() {
        return inCluster(System.getenv(), SERVICE_ACCOUNT_DIR);
    }

    /**
     * In-cluster configuration: {@code https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT}, bearer token from
     * {@code token}, trust from {@code ca.crt}, namespace from {@code namespace} (default "default") in
     * {@code serviceAccountDir}.
     */
    public static KubeConfig inCluster(Map<String, String> env, Path serviceAccountDir) {
        String host = env.get("KUBERNETES_SERVICE_HOST");
        String port = env.get("KUBERNETES_SERVICE_PORT");
        if (host == null || host.isBlank() || port == null || port.isBlank()) {
            throw new KubeConfigException("in-cluster config: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set");
        }
        String hostPart = host.contains(":") ? "[" + host + "]" : host;
        URI server = checkServer("https://" + hostPart + ":" + port, "KUBERNETES_SERVICE_HOST/PORT");
        Path tokenFile = serviceAccountDir.resolve("token");
        Path caFile = serviceAccountDir.resolve("ca.crt");
        Supplier<String> auth = tokenFileAuthorization(tokenFile, "in-cluster config " + tokenFile);
        auth.get(); // fail now, not on the first request
        List<X509Certificate> ca = certificates(readFile(caFile, "in-cluster config " + caFile), "in-cluster config " + caFile);
        String namespace = "default";
        Path nsFile = serviceAccountDir.resolve("namespace");
        if (Files.isRegularFile(nsFile)) {
            namespace = new String(readFile(nsFile, "in-cluster config " + nsFile), StandardCharsets.UTF_8).strip();
        }
        return new KubeConfig(server, namespace, null, sslContext(ca, null, null, false, "in-cluster config"), auth);
    }

    public URI server() {
        return server;
    }

    /** The context's namespace, "default" when it names none. */
    public String namespace() {
        return namespace;
    }

    /** The kubeconfig context used, or null when not from a kubeconfig. */
    public String contextName() {
        return contextName;
    }

    /** The TLS context for an https server; null means the JDK default (or plain http). */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** The Authorization header value ({@code Bearer ...} or {@code Basic ...}), if any. */
    public Optional<String> authorization() {
        return Optional.ofNullable(authorization.get());
    }

    @Override
    public String toString() {
        return "KubeConfig[server=" + server + ", context=" + contextName + ", namespace=" + namespace + "]";
    }

    /** Certificate or key bytes, and where they came from for error messages. */
    private record Material(byte[] bytes, String where) {
    }

    /** Resolves one context of a parsed kubeconfig. */
    private record Loader(String where, Path dir) {
        KubeConfig load(JsonNode root, String requested) {
            String contextName = requested;
            if (contextName == null) {
                contextName = text(root, "current-context");
                if (contextName == null || contextName.isEmpty()) {
                    throw new KubeConfigException(where + ": current-context is not set and no context was named");
                }
            }
            JsonNode context = named(root, "contexts", contextName, "context");
            String clusterName = required(context, "cluster", "contexts[" + contextName + "].context.cluster");
            JsonNode cluster = named(root, "clusters", clusterName, "cluster");
            String userName = text(context, "user");
            JsonNode user = userName == null || userName.isEmpty() ? null : named(root, "users", userName, "user");
            String ns = text(context, "namespace");

            String clusterField = "clusters[" + clusterName + "].cluster.";
            URI server = checkServer(required(cluster, "server", clusterField + "server"), where + ": " + clusterField + "server");
            boolean insecure = cluster.path("insecure-skip-tls-verify").asBoolean(false);
            List<X509Certificate> ca = null;
            Material caPem = material(cluster, "certificate-authority", clusterField);
            if (caPem != null) ca = certificates(caPem.bytes(), caPem.where());

            Supplier<String> auth = () -> null;
            List<X509Certificate> clientCert = null;
            PrivateKey clientKey = null;
            if (user != null) {
                String userField = "users[" + userName + "].user.";
                for (String unsupported : List.of("exec", "auth-provider")) {
                    if (user.has(unsupported)) {
                        throw new KubeConfigException(
                                where + ": " + userField + unsupported + ": credential plugins are not supported");
                    }
                }
                String token = text(user, "token");
                String tokenFile = text(user, "tokenFile");
                String username = text(user, "username");
                if (token != null && !token.isEmpty()) {
                    auth = () -> "Bearer " + token;
                } else if (tokenFile != null && !tokenFile.isEmpty()) {
                    auth = tokenFileAuthorization(resolve(tokenFile), where + ": " + userField + "tokenFile " + tokenFile);
                    auth.get();
                } else if (username != null && !username.isEmpty()) {
                    String password = Optional.ofNullable(text(user, "password")).orElse("");
                    String basic = Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
                    auth = () -> "Basic " + basic;
                }
                Material certPem = material(user, "client-certificate", userField);
                Material keyPem = material(user, "client-key", userField);
                if ((certPem == null) != (keyPem == null)) {
                    throw new KubeConfigException(
                            where + ": " + userField + "client-certificate and client-key must be given together");
                }
                if (certPem != null) {
                    clientCert = certificates(certPem.bytes(), certPem.where());
                    try {
                        clientKey = Pem.privateKey(keyPem.bytes());
                    } catch (IllegalArgumentException e) {
                        throw new KubeConfigException(keyPem.where() + ": " + e.getMessage(), e);
                    }
                }
            }
            SSLContext ssl = server.getScheme().equals("https") && (ca != null || insecure || clientCert != null)
                    ? sslContext(ca, clientCert, clientKey, insecure, where)
                    : null;
            return new KubeConfig(server, ns == null || ns.isEmpty() ? "default" : ns, contextName, ssl, auth);
        }

        private JsonNode named(JsonNode root, String list, String name, String inner) {
            JsonNode entries = root.path(list);
            if (entries.isArray()) {
                for (JsonNode e : entries) {
                    if (name.equals(e.path("name").asText(null))) {
                        JsonNode value = e.path(inner);
                        if (!value.isObject()) {
                            throw new KubeConfigException(where + ": " + list + "[" + name + "]." + inner + " is missing");
                        }
                        return value;
                    }
                }
            }
            throw new KubeConfigException(where + ": " + list + ": no entry named \"" + name + "\"");
        }

        private String required(JsonNode node, String field, String path) {
            String v = text(node, field);
            if (v == null || v.isEmpty()) throw new KubeConfigException(where + ": " + path + " is missing");
            return v;
        }

        /** PEM from {@code field-data} (base64) or {@code field} (a file path); null when neither is set. */
        private Material material(JsonNode node, String field, String prefix) {
            String data = text(node, field + "-data");
            if (data != null && !data.isEmpty()) {
                String at = where + ": " + prefix + field + "-data";
                try {
                    return new Material(Base64.getDecoder().decode(data.replaceAll("\\s", "")), at);
                } catch (IllegalArgumentException e) {
                    throw new KubeConfigException(at + ": not valid base64", e);
                }
            }
            String file = text(node, field);
            if (file == null || file.isEmpty()) return null;
            String at = where + ": " + prefix + field + " " + file;
            return new Material(readFile(resolve(file), at), at);
        }

        private Path resolve(String file) {
            Path p = Path.of(file);
            return p.isAbsolute() || dir == null ? p : dir.resolve(p);
        }

        private static String text(JsonNode node, String field) {
            JsonNode v = node.get(field);
            return v == null || v.isNull() ? null : v.asText();
        }
    }

    private static URI checkServer(String server, String where) {
        try {
            URI uri = new URI(server);
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new KubeConfigException(where + ": \"" + server + "\" is not an http(s) URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new KubeConfigException(where + ": \"" + server + "\" is not a URL: " + e.getMessage(), e);
        }
    }

    private static byte[] readFile(Path file, String where) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new KubeConfigException(where + ": cannot read: " + e, e);
        }
    }

    private static List<X509Certificate> certificates(byte[] pem, String where) {
        try {
            return Pem.certificates(pem);
        } catch (IllegalArgumentException e) {
            throw new KubeConfigException(where + ": " + e.getMessage(), e);
        }
    }

    /** Reads a token file now and again when it is older than {@link #TOKEN_FILE_REFRESH}. Thread-safe. */
    private static Supplier<String> tokenFileAuthorization(Path file, String where) {
        return new Supplier<>() {
            private String header;
            private Instant readAt = Instant.MIN;

            @Override
            public synchronized String get() {
                Instant now = Instant.now();
                if (header == null || readAt.plus(TOKEN_FILE_REFRESH).isBefore(now)) {
                    String token = new String(readFile(file, where), StandardCharsets.UTF_8).strip();
                    if (token.isEmpty()) throw new KubeConfigException(where + ": token file is empty");
                    header = "Bearer " + token;
                    readAt = now;
                }
                return header;
            }
        };
    }

    private static SSLContext sslContext(List<X509Certificate> ca, List<X509Certificate> clientCert, PrivateKey clientKey,
                                         boolean insecure, String where) {
        try {
            TrustManager[] trust = null; // JDK default
            if (insecure) {
                trust = new TrustManager[] {new TrustAll()};
            } else if (ca != null) {
                KeyStore ts = KeyStore.getInstance(KeyStore.getDefaultType());
                ts.load(null, null);
                for (int i = 0; i < ca.size(); i++) ts.setCertificateEntry("ca-" + i, ca.get(i));
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ts);
                trust = tmf.getTrustManagers();
            }
            KeyManagerFactory kmf = null;
            if (clientCert != null) {
                char[] password = "nodenet".toCharArray(); // in-memory store only; PKCS12 wants some password
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("client", clientKey, password, clientCert.toArray(new X509Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, password);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), trust, null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new KubeConfigException(where + ": cannot build TLS context: " + e.getMessage(), e);
        }
    }

    /**
     * insecure-skip-tls-verify: accepts any server certificate. Being an X509ExtendedTrustManager it also takes over
     * (and so skips) the hostname check that the JDK HttpClient would otherwise perform.
     */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) throws CertificateException {
            throw new CertificateException("not a server-side trust manager");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("not a server-side trust manager");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server-side trust manager");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
