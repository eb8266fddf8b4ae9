package dev.nodenet.controlplane.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.nodenet.controlplane.controller.ControllerConfig;
import dev.nodenet.controlplane.controller.Controllers;
import dev.nodenet.controlplane.controller.LeaderElection;
import dev.nodenet.controlplane.service.AllocationRepair;
import dev.nodenet.controlplane.service.KubernetesService;
import dev.nodenet.controlplane.service.ServiceNetworkConfig;
import dev.nodenet.controlplane.service.ServiceStrategy;
import dev.nodenet.controlplane.storage.Compactor;
import dev.nodenet.controlplane.storage.SqliteStore;
import dev.nodenet.controlplane.storage.etcd.EtcdStore;
import dev.nodenet.controlplane.storage.Store;
import dev.nodenet.controlplane.storage.StoreException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Kubernetes-compatible API server: HTTPS with a generated CA, bearer-token authentication, discovery, OpenAPI v3,
 * and CRUD + watch over a durable {@link Store}. {@link #start} returns once it accepts connections; {@link #close}
 * stops it. Each request runs on its own virtual thread.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = System.getLogger("nodenet.apiserver");
    /** The Kubernetes release whose API (and kubectl) this server is tested with. */
    public static final String KUBERNETES_VERSION = "v1.33.0";

    /**
     * Start-up settings.
     *
     * @param dataDir                   state: database, PKI, tokens, admin.kubeconfig
     * @param bindAddress               address to listen on
     * @param securePort                HTTPS port (0 picks a free one)
     * @param minRequestTimeout         watches without timeoutSeconds last between this and twice this
     * @param watchHeartbeat            idle watches get a bookmark or newline this often
     * @param compactionInterval        how often old revisions are compacted
     * @param compactionRetainRevisions how many recent revisions stay available to watches
     * @param extraSans                 more names/IPs for the serving certificate
     * @param tokenAuthFile             kube-apiserver-style static token CSV, or null
     * @param etcdServers               etcd client URLs; empty = the embedded SQLite store in {@code dataDir}
     * @param etcdPrefix                key prefix in etcd, so several clusters can share one etcd
     * @param serviceNetwork            ClusterIP ranges and the NodePort range
     * @param advertiseAddress          the address the {@code kubernetes} Service's endpoints point at; null = the bind address
     * @param controllers               EndpointSlice/Endpoints controllers, node pod CIDRs, garbage collection
     * @param leaderLease               how long a controller leader's lease lasts without renewal (servers sharing etcd elect one)
     */
    public record Config(Path dataDir, String bindAddress, int securePort, Duration minRequestTimeout, Duration watchHeartbeat,
                         Duration compactionInterval, long compactionRetainRevisions, List<String> extraSans, Path tokenAuthFile,
                         List<URI> etcdServers, String etcdPrefix, ServiceNetworkConfig serviceNetwork, String advertiseAddress,
                         ControllerConfig controllers, Duration leaderLease) {
        public static Config defaults(Path dataDir) {
            return new Config(dataDir, "127.0.0.1", 6443, Duration.ofMinutes(30), Duration.ofSeconds(30), Duration.ofMinutes(5), 10_000, List.of(), null,
                    List.of(), "/nodenet", ServiceNetworkConfig.DEFAULT, null, ControllerConfig.defaults(),
                    Duration.ofSeconds(15));
        }

        public Config withEtcd(List<URI> servers, String prefix) {
            return new Config(dataDir, bindAddress, securePort, minRequestTimeout, watchHeartbeat, compactionInterval, compactionRetainRevisions, extraSans,
                    tokenAuthFile, servers, prefix, serviceNetwork, advertiseAddress, controllers, leaderLease);
        }

        public Config withPort(int port) {
            return new Config(dataDir, bindAddress, port, minRequestTimeout, watchHeartbeat, compactionInterval, compactionRetainRevisions, extraSans, tokenAuthFile, etcdServers, etcdPrefix, serviceNetwork, advertiseAddress, controllers, leaderLease);
        }

        public Config withWatchHeartbeat(Duration d) {
            return new Config(dataDir, bindAddress, securePort, minRequestTimeout, d, compactionInterval, compactionRetainRevisions, extraSans, tokenAuthFile, etcdServers, etcdPrefix, serviceNetwork, advertiseAddress, controllers, leaderLease);
        }

        public Config withServiceNetwork(ServiceNetworkConfig network) {
            return new Config(dataDir, bindAddress, securePort, minRequestTimeout, watchHeartbeat, compactionInterval, compactionRetainRevisions, extraSans,
                    tokenAuthFile, etcdServers, etcdPrefix, network, advertiseAddress, controllers, leaderLease);
        }

        public Config withAdvertiseAddress(String address) {
            return new Config(dataDir, bindAddress, securePort, minRequestTimeout, watchHeartbeat, compactionInterval, compactionRetainRevisions, extraSans,
                    tokenAuthFile, etcdServers, etcdPrefix, serviceNetwork, address, controllers, leaderLease);
        }

        public Config withControllers(ControllerConfig c) {
            return new Config(dataDir, bindAddress, securePort, minRequestTimeout, watchHeartbeat, compactionInterval, compactionRetainRevisions, extraSans,
                    tokenAuthFile, etcdServers, etcdPrefix, serviceNetwork, advertiseAddress, c, leaderLease);
        }

        public Config withLeaderLease(Duration lease) {
            return new Config(dataDir, bindAddress, securePort, minRequestTimeout, watchHeartbeat, compactionInterval, compactionRetainRevisions, extraSans,
                    tokenAuthFile, etcdServers, etcdPrefix, serviceNetwork, advertiseAddress, controllers, lease);
        }

        public Config withTokenAuthFile(Path file) {
            return new Config(dataDir, bindAddress, securePort, minRequestTimeout, watchHeartbeat, compactionInterval, compactionRetainRevisions, extraSans, file, etcdServers, etcdPrefix, serviceNetwork, advertiseAddress, controllers, leaderLease);
        }
    }

    /** What request handling needs; shared by every request thread (all members thread-safe). */
    record Context(ObjectMapper mapper, Registry registry, Discovery discovery, Clock clock, Authenticator authenticator,
                   Authorizer authorizer, OpenApi openApi, Patching patching, FieldValidation fieldValidation, ObjectNode version,
                   Duration minRequestTimeout, Duration watchHeartbeat, Store store, EventCache eventCache) {
        boolean healthy() {
            try {
                store.currentRevision();
                return true;
            } catch (StoreException e) {
                return false;
            }
        }
    }

    private final HttpsServer http;
    private final ExecutorService executor;
    private final Store store;
    private final Compactor compactor;
    private final AllocationRepair repair;
    private final AutoCloseable controllers;
    private final Path kubeconfig;
    private final String url;
    private final Pki pki;

    private ApiServer(HttpsServer http, ExecutorService executor, Store store, Compactor compactor, AllocationRepair repair,
                      AutoCloseable controllers, Path kubeconfig, String url, Pki pki) {
        this.controllers = controllers;
        this.compactor = compactor;
        this.repair = repair;
        this.http = http;
        this.executor = executor;
        this.store = store;
        this.kubeconfig = kubeconfig;
        this.url = url;
        this.pki = pki;
    }

    public static ApiServer start(Config config) throws IOException {
        Path dir = config.dataDir().toAbsolutePath();
        Map<String, UserInfo> tokens = new java.util.LinkedHashMap<>();
        if (config.tokenAuthFile() != null) tokens.putAll(Authenticator.readTokenFile(config.tokenAuthFile()));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("cannot create data directory " + dir + ": " + e.getMessage(), e);
        }
        if (!Files.isWritable(dir)) throw new IOException("data directory " + dir + " is not writable");
        Pki pki = Pki.loadOrCreate(dir.resolve("pki"), Pki.defaultServerNames(config.bindAddress(), config.extraSans()));
        String adminToken = loadOrCreateToken(dir.resolve("admin.token"));
        tokens.put(adminToken, new UserInfo("admin", List.of(UserInfo.MASTERS)));
        ObjectMapper mapper = new ObjectMapper();
        Store store = config.etcdServers().isEmpty() ? SqliteStore.open(dir) : EtcdStore.connect(config.etcdServers(), config.etcdPrefix());
        boolean started = false;
        Compactor compactor = null;
        AllocationRepair repair = null;
        AutoCloseable controllers = null;
        try {
            compactor = Compactor.start(store, config.compactionInterval(), config.compactionRetainRevisions());
            Clock clock = Clock.systemUTC();
            Map<String, Strategy> strategies = new java.util.HashMap<>(Strategies.builtIn());
            strategies.put("Service", new ServiceStrategy(store, config.serviceNetwork()));
            strategies.put("EndpointSlice", new dev.nodenet.controlplane.service.EndpointSliceStrategy());
            Registry registry = new Registry(store, mapper, clock, strategies);
            Bootstrap.ensureSystemNamespaces(registry);
            try {
                controllers = LeaderElection.start(store, identity(dir), config.leaderLease(),
                        () -> Controllers.start(registry, config.controllers()));
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException("cannot start the controllers: " + e.getMessage(), e);
            }

            HttpsServer http = HttpsServer.create(new InetSocketAddress(config.bindAddress(), config.securePort()), 1024);
            SSLContext ssl = pki.serverContext();
            http.setHttpsConfigurator(new HttpsConfigurator(ssl) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters p = ssl.getDefaultSSLParameters();
                    p.setProtocols(new String[]{"TLSv1.3", "TLSv1.2"});
                    p.setApplicationProtocols(new String[]{"http/1.1"});
                    p.setWantClientAuth(true); // client certificates signed by our CA authenticate (CN = user, O = groups)
                    params.setSSLParameters(p);
                }
            });
            int port = http.getAddress().getPort();
            String host = advertisedHost(config.bindAddress());
            String url = "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
            ObjectNode version = mapper.createObjectNode();
            version.put("major", "1").put("minor", "33").put("gitVersion", KUBERNETES_VERSION).put("gitCommit", "nodenet")
                    .put("gitTreeState", "clean").put("buildDate", "2026-01-01T00:00:00Z").put("goVersion", "java" + Runtime.version().feature())
                    .put("compiler", "javac").put("platform", "linux/amd64");
            Context ctx = new Context(mapper, registry, new Discovery(ResourceType.ALL, host + ":" + port), clock,
                    new Authenticator(tokens), new Authorizer(registry), new OpenApi(ResourceType.ALL), new Patching(),
                    new FieldValidation(), version, config.minRequestTimeout(), config.watchHeartbeat(), store, new EventCache(registry));
            ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
            http.setExecutor(executor);
            http.createContext("/", new ApiHandler(ctx));
            http.start();
            KubernetesService.ensure(registry, config.serviceNetwork(), config.advertiseAddress() != null ? config.advertiseAddress() : host, port);
            repair = new AllocationRepair(store, config.serviceNetwork());
            repair.start(Duration.ofMinutes(3));
            Path kubeconfig = dir.resolve("admin.kubeconfig");
            writeKubeconfig(kubeconfig, url, pki.caPem(), adminToken);
            started = true;
            return new ApiServer(http, executor, store, compactor, repair, controllers, kubeconfig, url, pki);
        } finally {
            if (!started) {
                closeQuietly(controllers);
                if (repair != null) repair.close();
                if (compactor != null) compactor.close();
                store.close();
            }
        }
    }

    private static String advertisedHost(String bindAddress) {
        return switch (bindAddress) {
            case "0.0.0.0", "" -> "127.0.0.1";
            case "::" -> "::1";
            default -> bindAddress;
        };
    }

    /** This server's identity for leader election: stable per data directory, so a restarted server resumes its lease. */
    private static String identity(Path dataDir) throws IOException {
        Path file = dataDir.resolve("identity");
        if (Files.exists(file)) {
            String id = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!id.isEmpty()) return id;
        }
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "apiserver";
        }
        String id = host + "_" + java.util.UUID.randomUUID();
        Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
        return id;
    }

    private static String loadOrCreateToken(Path file) throws IOException {
        if (Files.exists(file)) {
            String t = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!t.isEmpty()) return t;
        }
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        writeSecret(file, token + "\n");
        return token;
    }

    private static void writeSecret(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Writes a kubeconfig for a node identity ({@code system:node:NAME}, group {@code system:nodes}) authenticated by a
     * client certificate signed by this server's CA; what {@code ./nodenet node-kubeconfig} hands to a node daemon.
     */
    public Path writeNodeKubeconfig(String nodeName, Path file) throws IOException {
        return writeNodeKubeconfig(pki, url, nodeName, file);
    }

    /** The same for a server that runs elsewhere on {@code dataDir} (reads its CA). */
    public static Path writeNodeKubeconfig(Path dataDir, String url, String nodeName, Path file) throws IOException {
        return writeNodeKubeconfig(Pki.loadExisting(dataDir.resolve("pki")), url, nodeName, file);
    }

    private static Path writeNodeKubeconfig(Pki pki, String url, String nodeName, Path file) throws IOException {
        if (!Names.isSubdomain(nodeName)) throw new IllegalArgumentException("invalid node name \"" + nodeName + "\": must be a lowercase RFC 1123 subdomain");
        Pki.IssuedCredential cred = pki.issueClientCertificate(UserInfo.NODE_PREFIX + nodeName, List.of(UserInfo.NODES), Duration.ofDays(365));
        Base64.Encoder b64 = Base64.getEncoder();
        String user = UserInfo.NODE_PREFIX + nodeName;
        writeSecret(file, kubeconfigYaml(url, pki.caPem(), user, "client-certificate-data: " + b64.encodeToString(cred.certificatePem())
                + "\n    client-key-data: " + b64.encodeToString(cred.keyPem()), null));
        return file;
    }

    private static void writeKubeconfig(Path file, String url, byte[] caPem, String token) throws IOException {
        writeSecret(file, kubeconfigYaml(url, caPem, "admin", "token: " + token, "default"));
    }

    /** A one-cluster, one-user kubeconfig; {@code credentials} are the user's YAML lines (indented by the caller). */
    private static String kubeconfigYaml(String url, byte[] caPem, String user, String credentials, String namespace) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: nodenet
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                users:
                - name: %s
                  user:
                    %s
                contexts:
                - name: nodenet
                  context:
                    cluster: nodenet
                    user: %s
                %scurrent-context: nodenet
                preferences: {}
                """.formatted(url, Base64.getEncoder().encodeToString(caPem), user, credentials, user,
                namespace == null ? "" : "    namespace: " + namespace + "\n");
    }

    public String url() { return url; }

    public int port() { return http.getAddress().getPort(); }

    public Path kubeconfig() { return kubeconfig; }

    /** The storage behind this server (tests compact it to provoke 410s). */
    public Store store() { return store; }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
        closeQuietly(controllers);
        repair.close();
        compactor.close();
        store.close();
        LOG.log(Level.INFO, "API server stopped");
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "stopping " + c + " failed", e);
        }
    }
}
