package dev.nodenet.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodenet.proxy.EndpointInfo;
import dev.nodenet.proxy.IpFamily;
import dev.nodenet.proxy.ProxyState;
import dev.nodenet.proxy.ServicePortName;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RendererTest {
    static Renderer v4() {
        ProxyState s = States.state();
        return new Renderer(RenderOptions.of(States.config(), IpFamily.IPv4, s.node()));
    }

    @Test
    void chainNamesMatchKubeProxys() {
        // values kube-proxy produces for ns1/svc1:p80 tcp and its endpoint 10.180.0.1:80 (from its own test suite)
        ServicePortName n = new ServicePortName("ns1", "svc1", "p80", "TCP");
        assertEquals("KUBE-SVC-XPGD46QRK7WJZT7O", ChainNames.cluster(n));
        assertEquals("KUBE-SEP-SXIVWICOYRO3J4NJ", ChainNames.endpoint(n, new EndpointInfo("10.180.0.1", 80, true, true, false, "x", false, Set.of())));
        assertTrue(ChainNames.external(n).startsWith("KUBE-EXT-XPGD46QRK7WJZT7O"));
    }

    @Test
    void probabilities() {
        assertEquals("0.5000000000", Renderer.probability(2));
        assertEquals("0.3333333333", Renderer.probability(3));
        assertEquals("0.1000000000", Renderer.probability(10));
    }

    @Test
    void partialRenderRewritesOnlyChangedServicesButAllTopLevelRules() {
        States.Svc a = new States.Svc("ns", "a", "", "TCP", "172.30.0.1").ep("10.244.1.1", 80, false);
        States.Svc b = new States.Svc("ns", "b", "", "TCP", "172.30.0.2").ep("10.244.1.2", 80, false);
        ProxyState state = States.state(a, b);
        Renderer.Rendered full = v4().render(state, null, Set.of());
        Renderer.Rendered partial = v4().render(state, Set.of(b.name), full.activeChains());
        assertEquals(full.activeChains(), partial.activeChains());
        String svcA = ChainNames.cluster(a.name), svcB = ChainNames.cluster(b.name);
        assertTrue(partial.text().contains("-j " + svcA), "KUBE-SERVICES still jumps to unchanged a");
        assertFalse(partial.text().contains(":" + svcA), "unchanged a's chain is neither flushed nor rewritten");
        assertTrue(partial.text().contains(":" + svcB));
        assertTrue(partial.text().contains("-A " + svcB + " "));
    }

    @Test
    void chainsNoLongerUsedAreDeleted() {
        States.Svc a = new States.Svc("ns", "a", "", "TCP", "172.30.0.1").ep("10.244.1.1", 80, false);
        Renderer.Rendered before = v4().render(States.state(a), null, Set.of());
        States.Svc gone = new States.Svc("ns", "a", "", "TCP", "172.30.0.1"); // lost its endpoint
        Renderer.Rendered after = v4().render(States.state(gone), Set.of(a.name), before.activeChains());
        assertEquals(Set.of(), after.activeChains());
        for (String c : before.activeChains()) {
            assertTrue(after.text().contains(":" + c + " - [0:0]\n"), c + " flushed");
            assertTrue(after.text().contains("-X " + c + "\n"), c + " deleted");
        }
        assertTrue(after.text().contains("ns/a has no endpoints"));
        // foreign chains found in the kernel are left alone
        Renderer.Rendered other = v4().render(States.state(), null, List.of("KUBE-SOMETHING-ELSE", "KUBE-SVC-AAAAAAAAAAAAAAAA"));
        assertFalse(other.text().contains("KUBE-SOMETHING-ELSE"));
        assertTrue(other.text().contains("-X KUBE-SVC-AAAAAAAAAAAAAAAA"));
    }

    @Test
    void masqueradeAllAndNoLocalDetection() {
        var d = States.config();
        var noDetect = new dev.nodenet.proxy.ProxyConfig(d.mode(), "", "", d.hostnameOverride(), List.of(), true, 14, "", "", "",
                List.of(), false, "", "", d.syncPeriod(), d.minSyncPeriod(), false, 0, "");
        States.Svc a = new States.Svc("ns", "a", "", "TCP", "172.30.0.1").ep("10.244.1.1", 80, false);
        ProxyState s = States.state(a);
        String text = new Renderer(RenderOptions.of(noDetect, IpFamily.IPv4, s.node())).render(s, null, Set.of()).text();
        assertTrue(text.contains("--dport 80 -j KUBE-MARK-MASQ"), "masquerade-all marks every ClusterIP packet");
        assertFalse(text.contains("block incoming localnet"), "no localhost NodePorts, no guard");
        assertTrue(text.contains("! -d 127.0.0.0/8 -j KUBE-NODEPORTS"));
    }

    @Test
    void servicesOfTheOtherFamilyAreLeftOut() {
        States.Svc v6only = new States.Svc("ns", "six", "", "TCP", "fd00:30::1").ep("fd00:10:244::1", 80, false);
        String text = v4().render(States.state(v6only), null, Set.of()).text();
        assertFalse(text.contains("ns/six"));
    }

    @Test
    void missingJumpsJoinTheRestoreTransaction() {
        String input = "*filter\n:KUBE-SERVICES - [0:0]\nCOMMIT\n*nat\n:KUBE-SERVICES - [0:0]\nCOMMIT\n";
        String saved = "*nat\n:PREROUTING ACCEPT [0:0]\n"
                + "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\nCOMMIT\n";
        String out = IptablesBackend.withMissingJumps(input, saved);
        assertTrue(out.startsWith("*filter\n:KUBE-SERVICES - [0:0]\n-I OUTPUT 1 -j KUBE-FIREWALL\n"), out);
        assertTrue(out.contains("-I INPUT 1 -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL\n"), out);
        assertTrue(out.contains("-I OUTPUT 1 -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\nCOMMIT\n"), out);
        assertFalse(out.contains("-I PREROUTING"), "already there");
        assertTrue(out.endsWith("-I POSTROUTING 1 -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING\n"
                + "-I OUTPUT 1 -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\nCOMMIT\n"), out);
        String savedAfter = saved + out.replace("-I ", "-A ").replace(" 1 ", " ");
        assertEquals(input, IptablesBackend.withMissingJumps(input, savedAfter), "nothing missing");
    }
}
