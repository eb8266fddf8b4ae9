package dev.nodenet.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodenet.netlink.NetNs;
import dev.nodenet.proxy.Changes;
import dev.nodenet.proxy.IpFamily;
import dev.nodenet.proxy.Metrics;
import dev.nodenet.proxy.ProxyState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A full sync over a large existing iptables-nft ruleset, as after a daemon restart (a new backend) or the hourly full
 * sync: it finds leftover per-service chains and deletes them, and re-adds a jump that went missing without
 * duplicating those present. The size is {@code -Dnodenet.secondSync.services} (default 2,000 Services x 10 endpoints,
 * 22k per-service chains; iptables-nft-save 1.8.9 was seen to crash at 10k).
 */
@Tag("privileged")
class SecondFullSyncTest {
    private static final String STALE_SVC = "KUBE-SVC-STALESTALESTALE", STALE_SEP = "KUBE-SEP-STALESTALESTALE";

    @Test
    void fullSyncOverLargeRulesetDeletesLeftoversAndRestoresJumps() throws Exception {
        int services = Integer.getInteger("nodenet.secondSync.services", 2000);
        String name = "nn-fullsync-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        NetnsLab.sh("ip", "netns", "add", name);
        try {
            NetNs ns = NetNs.named(name);
            ProxyState state = state(services);
            new IptablesBackend(States.config(), new Metrics(), ns, IptablesBackend.Variant.NFT, List.of(IpFamily.IPv4, IpFamily.IPv6))
                    .sync(state, Changes.fullSync());
            for (String family : List.of("iptables-nft", "ip6tables-nft")) {
                // leftovers of an earlier run (one referencing the other, as kube-proxy leaves them) and a lost jump
                sh(name, family, "-t", "nat", "-N", STALE_SVC);
                sh(name, family, "-t", "nat", "-N", STALE_SEP);
                sh(name, family, "-t", "nat", "-A", STALE_SVC, "-j", STALE_SEP);
                sh(name, family, "-t", "nat", "-D", "PREROUTING", "-m", "comment", "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES");
                sh(name, family, "-t", "filter", "-D", "INPUT", "-j", "KUBE-FIREWALL");
            }

            // a restarted daemon: a new backend, whose first sync is full
            new IptablesBackend(States.config(), new Metrics(), ns, IptablesBackend.Variant.NFT, List.of(IpFamily.IPv4, IpFamily.IPv6))
                    .sync(state, Changes.fullSync());

            for (String family : List.of("iptables-nft", "ip6tables-nft")) {
                String top = sh(name, family, "-t", "nat", "-S", "KUBE-SERVICES");
                if (family.equals("iptables-nft")) assertTrue(top.contains("-j KUBE-SVC-"), "our rules are still there");
                assertFalse(exists(name, family, STALE_SVC), family + ": leftover chain deleted");
                assertFalse(exists(name, family, STALE_SEP), family + ": leftover chain deleted");
                for (String[] builtIn : new String[][] {{"nat", "PREROUTING", "-j KUBE-SERVICES"}, {"nat", "OUTPUT", "-j KUBE-SERVICES"},
                        {"nat", "POSTROUTING", "-j KUBE-POSTROUTING"}, {"filter", "INPUT", "-j KUBE-FIREWALL"},
                        {"filter", "FORWARD", "-j KUBE-FORWARD"}}) {
                    String rules = sh(name, family, "-t", builtIn[0], "-S", builtIn[1]);
                    assertEquals(1, rules.lines().filter(l -> l.endsWith(builtIn[2])).count(),
                            family + " " + builtIn[0] + " " + builtIn[1] + " jumps once: " + rules);
                }
            }
        } finally {
            NetnsLab.sh("ip", "netns", "del", name);
        }
    }

    private static boolean exists(String ns, String family, String chain) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, family, "-w", "5", "-t", "nat", "-S", chain)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor() == 0;
    }

    private static String sh(String ns, String family, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, family, "-w", "5"));
        cmd.addAll(List.of(args));
        return NetnsLab.sh(cmd.toArray(String[]::new));
    }

    /** {@code n} dual-stack Services with 10 endpoints each. */
    private static ProxyState state(int n) {
        List<States.Svc> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            States.Svc s = new States.Svc("ns", "s" + i, "p", "TCP", "172.30." + (i / 250) + "." + (i % 250 + 1));
            for (int e = 0; e < 10; e++) {
                int k = i * 10 + e;
                s.ep("10." + (100 + k / 62500) + "." + (k / 250 % 250) + "." + (k % 250 + 1), 80, false);
            }
            all.add(s);
        }
        return States.state(all.toArray(States.Svc[]::new));
    }
}
