package dev.nodenet.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodenet.proxy.IpFamily;
import dev.nodenet.proxy.ProxyState;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The text transformations the backend applies to rendered restore input. */
class RestoreInputTest {
    static final String INPUT = """
            *filter
            :KUBE-SERVICES - [0:0]
            :KUBE-FORWARD - [0:0]
            -A KUBE-FORWARD -j ACCEPT
            -A KUBE-SERVICES -d 10.0.0.1 -j REJECT
            COMMIT
            *nat
            :KUBE-SERVICES - [0:0]
            :KUBE-SVC-AAAA - [0:0]
            -A KUBE-SERVICES -d 10.0.0.2 -j KUBE-SVC-AAAA
            -A KUBE-SVC-AAAA -j KUBE-SEP-BBBB
            COMMIT
            """;

    @Test
    void unchangedTopLevelChainsAreLeftOutOfTheirTableOnly() {
        String out = IptablesBackend.withoutChains(INPUT, Set.of("nat KUBE-SERVICES"));
        assertEquals("""
                *filter
                :KUBE-SERVICES - [0:0]
                :KUBE-FORWARD - [0:0]
                -A KUBE-FORWARD -j ACCEPT
                -A KUBE-SERVICES -d 10.0.0.1 -j REJECT
                COMMIT
                *nat
                :KUBE-SVC-AAAA - [0:0]
                -A KUBE-SVC-AAAA -j KUBE-SEP-BBBB
                COMMIT
                """, out);
        assertEquals(INPUT, IptablesBackend.withoutChains(INPUT, Set.of()));
    }

    @Test
    void nftFullSyncListsTheTableSoTheToolFetchesItWhole() {
        String out = IptablesBackend.withWholeTableCache("*mangle\n:KUBE-PROXY-CANARY - [0:0]\nCOMMIT\n" + INPUT);
        assertTrue(out.startsWith("*mangle\n:KUBE-PROXY-CANARY - [0:0]\nCOMMIT\n*filter\n-S\n:KUBE-SERVICES"), out);
        assertTrue(out.contains("*nat\n-S\n:KUBE-SERVICES"), out);
    }

    @Test
    void nftFullSyncInsertsTheJumpsFirstThenOurChainsWithTheWholeTableCache() {
        java.util.List<String> inputs = IptablesBackend.fullSyncInputs(INPUT, "", IptablesBackend.Variant.NFT);
        assertEquals(2, inputs.size());
        String jumps = inputs.get(0);
        assertTrue(jumps.startsWith("*mangle\n:KUBE-PROXY-CANARY - [0:0]\nCOMMIT\n*filter\n:KUBE-PROXY-FIREWALL - [0:0]\n"), jumps);
        assertTrue(jumps.contains("*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-POSTROUTING - [0:0]\n-I POSTROUTING 1"), jumps);
        assertEquals(3, jumps.split(":KUBE-SERVICES ", -1).length, "declared once in filter and once in nat: " + jumps);
        assertFalse(inputs.get(1).contains("-I "), inputs.get(1));
        assertTrue(inputs.get(1).startsWith("*filter\n-S\n"), inputs.get(1));
        // jumps already there: only the canary goes first, and an existing chain is never re-declared (that flushes it)
        String saved = "*nat\n:KUBE-SERVICES - [0:0]\n-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\nCOMMIT\n";
        String partlyThere = IptablesBackend.fullSyncInputs(INPUT, saved, IptablesBackend.Variant.NFT).get(0);
        assertFalse(partlyThere.contains("-I PREROUTING"), partlyThere);
        assertTrue(partlyThere.contains("-I OUTPUT 1 -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"), partlyThere);
        assertFalse(partlyThere.contains("*nat\n:KUBE-SERVICES"), partlyThere);
        // legacy: one transaction
        assertEquals(1, IptablesBackend.fullSyncInputs(INPUT, "", IptablesBackend.Variant.LEGACY).size());
    }

    @Test
    void renderedTopLevelRulesAreThoseOfTheText() {
        ProxyState state = States.state(new States.Svc("ns", "web", "http", "TCP", "172.30.0.1").nodePort(30001).ep("10.244.1.2", 80, false));
        Renderer.Rendered r = new Renderer(RenderOptions.of(States.config(), IpFamily.IPv4, state.node())).render(state, null, Set.of());
        String services = r.topLevelRules().get("nat KUBE-SERVICES");
        assertTrue(services.startsWith("-A KUBE-SERVICES ") && services.contains("172.30.0.1"), services);
        for (String line : services.split("\n")) assertTrue(r.text().contains(line + "\n"), line);
        assertTrue(r.topLevelRules().get("nat KUBE-NODEPORTS").contains("--dport 30001"));
        assertEquals(Set.of("filter KUBE-NODEPORTS", "filter KUBE-SERVICES", "filter KUBE-EXTERNAL-SERVICES", "filter KUBE-FIREWALL",
                "filter KUBE-FORWARD", "filter KUBE-PROXY-FIREWALL", "nat KUBE-NODEPORTS", "nat KUBE-SERVICES", "nat KUBE-MARK-MASQ",
                "nat KUBE-POSTROUTING"), r.topLevelRules().keySet());
    }

    @Test
    void nftChainListingGivesChainsPerTable() {
        String listing = """
                table ip mangle {
                	chain KUBE-PROXY-CANARY {
                	}
                }
                table ip nat {
                	chain KUBE-SVC-AAAA {
                	}
                	chain PREROUTING {
                		type nat hook prerouting priority dstnat; policy accept;
                	}
                	chain "odd name" {
                	}
                }
                table ip empty {
                }
                """;
        assertEquals(java.util.Map.of("mangle", java.util.List.of("KUBE-PROXY-CANARY"),
                "nat", java.util.List.of("KUBE-SVC-AAAA", "PREROUTING", "odd name"), "empty", java.util.List.of()),
                IptablesBackend.nftChains(listing));
        assertEquals(java.util.Map.of(), IptablesBackend.nftChains(""));
    }
}
