package dev.nodenet.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodenet.api.cli.Flags;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyCommandTest {
    static final PrintStream NULL = new PrintStream(new ByteArrayOutputStream());

    static ProxyConfig parse(String... args) {
        return ProxyCommand.parse(args, NULL);
    }

    static String usageError(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, ProxyCommand.run(args, NULL, new PrintStream(err)));
        return err.toString();
    }

    @Test
    void defaultsAreKubeProxys() {
        ProxyConfig c = parse("--hostname-override", "Node-1");
        assertEquals("iptables", c.mode());
        assertEquals("node-1", c.hostnameOverride());
        assertEquals("127.0.0.1:10249", c.metricsBindAddress());
        assertEquals("0.0.0.0:10256", c.healthzBindAddress());
        assertEquals(Duration.ofSeconds(30), c.syncPeriod());
        assertEquals(Duration.ofSeconds(1), c.minSyncPeriod());
        assertEquals("0x4000", c.masqueradeMark());
        assertEquals(List.of(), c.nodePortAddresses());
        assertEquals(Duration.ofMillis(250), c.udpIdleTimeout());
    }

    @Test
    void userspaceModeWithUdpTimeout() {
        ProxyConfig c = parse("--proxy-mode=userspace", "--udp-timeout=2s");
        assertEquals("userspace", c.mode());
        assertEquals(Duration.ofSeconds(2), c.udpIdleTimeout());
    }

    @Test
    void flagsParse() {
        ProxyConfig c = parse("--proxy-mode=iptables", "--cluster-cidr", "10.244.0.0/16,fd00:10:244::/56", "--masquerade-all",
                "--nodeport-addresses", "192.168.1.0/24, 127.0.0.0/8", "--iptables-sync-period=1m", "--iptables-min-sync-period=0",
                "--metrics-bind-address", "127.0.0.1:0", "--v=4");
        assertEquals(List.of("10.244.0.0/16", "fd00:10:244::/56"), c.clusterCIDRs());
        assertEquals("ClusterCIDR", c.detectLocalMode(), "a cluster CIDR implies ClusterCIDR detection");
        assertTrue(c.masqueradeAll());
        assertEquals(List.of("192.168.1.0/24", "127.0.0.0/8"), c.nodePortAddresses());
        assertEquals(Duration.ofMinutes(1), c.syncPeriod());
        assertEquals(Duration.ZERO, c.minSyncPeriod());
        assertEquals(4, c.verbosity());
    }

    @Test
    void badFlagsExitTwoWithAClearMessage() {
        assertTrue(usageError("--bogus").contains("unknown flag: --bogus"));
        assertTrue(usageError("--proxy-mode=ipvs").contains("proxy mode \"ipvs\" is not implemented yet"));
        assertTrue(usageError("--proxy-mode=nftables").contains("not implemented yet"));
        assertTrue(usageError("--proxy-mode=kernelspace").contains("invalid proxy mode"));
        assertTrue(usageError("--udp-timeout=0s").contains("--udp-timeout must be greater than 0"));
        assertTrue(usageError("--udp-timeout=-1s").contains("--udp-timeout"));
        assertTrue(usageError("--cluster-cidr=10.0.0.0/33").contains("--cluster-cidr"));
        assertTrue(usageError("--cluster-cidr=10.0.0.0/8,10.1.0.0/16").contains("one CIDR per IP family"));
        assertTrue(usageError("--iptables-min-sync-period=1m", "--iptables-sync-period=30s").contains("must not exceed"));
        assertTrue(usageError("--iptables-sync-period=0s").contains("greater than 0"));
        assertTrue(usageError("--iptables-sync-period=5parsecs").contains("--iptables-sync-period"));
        assertTrue(usageError("--detect-local-mode=BridgeInterface").contains("needs --pod-bridge-interface"));
        assertTrue(usageError("--detect-local-mode=ClusterCIDR").contains("needs --cluster-cidr"));
        assertTrue(usageError("--detect-local-mode=Magic").contains("invalid --detect-local-mode"));
        assertTrue(usageError("--nodeport-addresses=1.2.3.4").contains("missing /prefix"));
        assertTrue(usageError("--nodeport-addresses=primary,10.0.0.0/8").contains("cannot be combined"));
        assertTrue(usageError("--metrics-bind-address=localhost").contains("--metrics-bind-address"));
        assertTrue(usageError("--healthz-bind-address=0.0.0.0:99999").contains("port out of range"));
        assertTrue(usageError("--iptables-masquerade-bit=32").contains("[0, 31]"));
        assertTrue(usageError("--kubeconfig=/x", "--master=https://1.2.3.4:6443").contains("--master together with --kubeconfig"));
        assertTrue(usageError("--master=not a url").contains("--master"));
        assertTrue(usageError("stray").contains("unexpected argument"));
    }

    @Test
    void helpExitsZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, ProxyCommand.run(new String[] {"--help"}, new PrintStream(out), NULL));
        assertTrue(out.toString().contains("--iptables-min-sync-period"));
    }

    @Test
    void configFileWithFlagsOverriding(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("kp.yaml");
        Files.writeString(f, """
                apiVersion: kubeproxy.config.k8s.io/v1alpha1
                kind: KubeProxyConfiguration
                mode: iptables
                clientConnection:
                  kubeconfig: /etc/kube/proxy.conf
                  qps: 5
                clusterCIDR: 10.244.0.0/16
                hostnameOverride: worker-1
                metricsBindAddress: 0.0.0.0:10249
                nodePortAddresses: ["10.0.0.0/8"]
                iptables:
                  masqueradeAll: true
                  syncPeriod: 45s
                  minSyncPeriod: 2s
                conntrack:
                  maxPerCore: 32768
                """);
        ProxyConfig c = parse("--config", f.toString(), "--iptables-min-sync-period=500ms");
        assertEquals("/etc/kube/proxy.conf", c.kubeconfig());
        assertEquals(List.of("10.244.0.0/16"), c.clusterCIDRs());
        assertEquals("worker-1", c.hostnameOverride());
        assertEquals("0.0.0.0:10249", c.metricsBindAddress());
        assertEquals(List.of("10.0.0.0/8"), c.nodePortAddresses());
        assertTrue(c.masqueradeAll());
        assertEquals(Duration.ofSeconds(45), c.syncPeriod());
        assertEquals(Duration.ofMillis(500), c.minSyncPeriod(), "the flag wins over the file");
        Files.writeString(f, "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nsyncPeriod: 1m\nminSyncPeriod: 5s\n");
        ProxyConfig top = parse("--config", f.toString());
        assertEquals(Duration.ofMinutes(1), top.syncPeriod());
        assertEquals(Duration.ofSeconds(5), top.minSyncPeriod());
    }

    @Test
    void badConfigFilesAreRejected(@TempDir Path dir) throws Exception {
        String head = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n";
        String[][] cases = {
                {head + "bogusField: 1\n", "unknown field \"bogusField\""},
                {head + "iptables:\n  syncPerod: 1s\n", "unknown field \"iptables.syncPerod\""},
                {head + "iptables:\n  syncPeriod: soon\n", "iptables.syncPeriod"},
                {head + "iptables:\n  masqueradeAll: yes please\n", "iptables.masqueradeAll"},
                {head + "nodePortAddresses: 10.0.0.0/8\n", "nodePortAddresses: expected a list"},
                {"apiVersion: kubeproxy.config.k8s.io/v1alpha2\nkind: KubeProxyConfiguration\n", "apiVersion must be"},
                {"apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeletConfiguration\n", "kind must be"},
                {head + "mode: [\n", "invalid --config"},
                {head + "mode: ipvs\n", "not implemented yet"},
                {head + "syncPeriod: 10s\niptables:\n  syncPeriod: 20s\n", "contradicts"},
        };
        for (String[] c : cases) {
            Path f = dir.resolve("c.yaml");
            Files.writeString(f, c[0]);
            Flags.UsageException e = assertThrows(Flags.UsageException.class, () -> parse("--config", f.toString()), c[0]);
            assertTrue(e.getMessage().contains(c[1]), e.getMessage() + " should contain " + c[1]);
        }
        assertTrue(assertThrows(Flags.UsageException.class, () -> parse("--config", dir.resolve("missing.yaml").toString()))
                .getMessage().contains("cannot read --config"));
    }
}
