package dev.nodenet.iptables;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodenet.proxy.Changes;
import dev.nodenet.proxy.IpFamily;
import dev.nodenet.proxy.Metrics;
import dev.nodenet.proxy.ProxyConfig;
import dev.nodenet.proxy.ProxyState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * With more than {@link IptablesBackend#LARGE_CLUSTER_CHAINS} per-service chains, a partial sync leaves chains that
 * fell out of use in place (unreferenced, so harmless) and the first sync after syncPeriod deletes them, as kube-proxy
 * does in large clusters.
 */
@Tag("privileged")
class DeferredChainDeletionTest {
    @Test
    void unusedChainsGoAtTheNextSweep() throws Exception {
        try (NetnsLab lab = new NetnsLab()) {
            ProxyConfig c = States.config();
            ProxyConfig config = new ProxyConfig(c.mode(), c.kubeconfig(), c.master(), c.hostnameOverride(), c.clusterCIDRs(),
                    c.masqueradeAll(), c.masqueradeBit(), c.detectLocalMode(), c.bridgeInterface(), c.interfaceNamePrefix(),
                    c.nodePortAddresses(), c.localhostNodePorts(), c.metricsBindAddress(), c.healthzBindAddress(),
                    Duration.ofSeconds(2), c.minSyncPeriod(), false, 0, "");
            IptablesBackend backend = new IptablesBackend(config, new Metrics(), lab.node, IptablesBackend.Variant.NFT, List.of(IpFamily.IPv4));
            backend.sync(state(-1), Changes.fullSync());
            String oldSep = ChainNames.endpoint(States.state(svc(0, 0)).services().firstKey(),
                    States.state(svc(0, 0)).services().firstEntry().getValue().endpoints().getFirst());
            assertTrue(nat(lab).contains(":" + oldSep), "programmed");

            Changes one = new Changes(false, Set.of(svc(0, 0).name));
            backend.sync(state(0), one);
            assertTrue(nat(lab).contains(":" + oldSep), "unused, kept until the next sweep");
            assertFalse(nat(lab).contains("-j " + oldSep), "and no longer referenced");
            Thread.sleep(2_100);
            backend.sync(state(0), new Changes(false, Set.of()));
            assertFalse(nat(lab).contains(":" + oldSep), "deleted once syncPeriod has passed");
        }
    }

    /** Service i with 10 endpoints, moved by {@code shift}. */
    private static States.Svc svc(int i, int shift) {
        States.Svc s = new States.Svc("ns", "s" + i, "p", "TCP", "172.30." + (i / 250) + "." + (i % 250 + 1));
        for (int e = 0; e < 10; e++) s.ep("10.200." + (i / 25) + "." + ((i % 25) * 10 + e + shift + 1), 80, false);
        return s;
    }

    /** 120 Services (1,320 per-service chains), Service {@code moved}'s endpoints shifted. */
    private static ProxyState state(int moved) {
        List<States.Svc> all = new ArrayList<>();
        for (int i = 0; i < 120; i++) all.add(svc(i, i == moved ? 100 : 0));
        return States.state(all.toArray(States.Svc[]::new));
    }

    private static String nat(NetnsLab lab) throws Exception {
        return NetnsLab.sh("ip", "netns", "exec", lab.nodeName, "iptables-nft-save", "-t", "nat");
    }
}
