package dev.nodenet.userspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodenet.proxy.ServicePortName;
import dev.nodenet.userspace.PortalRules.Action;
import dev.nodenet.userspace.PortalRules.Portal;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortalRulesTest {
    static final ServicePortName WEB = new ServicePortName("ns", "web", "http", "TCP");
    static final ServicePortName DNS = new ServicePortName("ns", "dns", "", "UDP");

    @Test
    void redirectsEveryServiceAddressToItsListener() {
        String rules = PortalRules.render(List.of(
                new Portal(WEB, List.of("10.96.0.10"), 80, 30080, List.of("203.0.113.7"), Action.REDIRECT, 40001, Action.REDIRECT, 40002),
                new Portal(DNS, List.of("10.96.0.53"), 53, 0, List.of(), Action.REDIRECT, 40003, Action.REDIRECT, 40003)), List.of());
        assertEquals("""
                *nat
                :KUBE-PORTALS-CONTAINER - [0:0]
                :KUBE-PORTALS-HOST - [0:0]
                :KUBE-NODEPORT-CONTAINER - [0:0]
                :KUBE-NODEPORT-HOST - [0:0]
                :KUBE-PORTALS-HOST-SNAT - [0:0]
                -A KUBE-PORTALS-CONTAINER -m comment --comment "ns/web:http" -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 40001
                -A KUBE-PORTALS-HOST -m comment --comment "ns/web:http" -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 40001
                -A KUBE-PORTALS-CONTAINER -m comment --comment "ns/web:http" -d 203.0.113.7/32 -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 40002
                -A KUBE-PORTALS-HOST -m comment --comment "ns/web:http" -d 203.0.113.7/32 -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 40002
                -A KUBE-NODEPORT-CONTAINER -m comment --comment "ns/web:http" -p tcp -m tcp --dport 30080 -j REDIRECT --to-ports 40002
                -A KUBE-NODEPORT-HOST -m comment --comment "ns/web:http" -p tcp -m tcp --dport 30080 -j REDIRECT --to-ports 40002
                -A KUBE-PORTALS-CONTAINER -m comment --comment "ns/dns" -d 10.96.0.53/32 -p udp -m udp --dport 53 -j REDIRECT --to-ports 40003
                -A KUBE-PORTALS-HOST -m comment --comment "ns/dns" -d 10.96.0.53/32 -p udp -m udp --dport 53 -j REDIRECT --to-ports 40003
                -A KUBE-PORTALS-HOST-SNAT -m comment --comment "ns/dns" -o lo -d 127.0.0.1/32 ! -s 127.0.0.0/8 -p udp -m udp --dport 40003 -m conntrack --ctstate DNAT -j SNAT --to-source 127.0.0.1
                COMMIT
                *filter
                :KUBE-SERVICES - [0:0]
                :KUBE-EXTERNAL-SERVICES - [0:0]
                COMMIT
                """, rules);
    }

    @Test
    void withoutEndpointsTrafficIsRejectedAndWithoutLocalOnesDropped() {
        String rules = PortalRules.render(List.of(
                new Portal(WEB, List.of("10.96.0.10"), 80, 30080, List.of(), Action.REJECT, 40001, Action.DROP, 40001)), List.of());
        assertTrue(rules.contains("-A KUBE-SERVICES -m comment --comment \"ns/web:http has no endpoints\" -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable\n"), rules);
        assertTrue(rules.contains("-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns/web:http has no endpoints\" -m addrtype --dst-type LOCAL -p tcp -m tcp --dport 30080 -j DROP\n"), rules);
        assertTrue(!rules.contains("REDIRECT"), rules);
    }

    @Test
    void missingJumpsAreAddedInTheSameRestore() {
        String save = """
                *nat
                :PREROUTING ACCEPT [0:0]
                :KUBE-PORTALS-CONTAINER - [0:0]
                -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-PORTALS-CONTAINER
                COMMIT
                """;
        List<PortalRules.Jump> missing = PortalRules.missingJumps(save);
        assertEquals(PortalRules.JUMPS.size() - 1, missing.size());
        String rules = PortalRules.render(List.of(), missing);
        assertTrue(rules.contains("-I OUTPUT 1 -m comment --comment \"kubernetes service portals\" -j KUBE-PORTALS-HOST\n"), rules);
        assertTrue(rules.contains("-A PREROUTING -m addrtype --dst-type LOCAL -m comment --comment \"kubernetes service nodeports\" -j KUBE-NODEPORT-CONTAINER\n"), rules);
        assertTrue(!rules.contains("-I PREROUTING 1 -m comment --comment \"kubernetes service portals\""), "present jumps are not added twice");
    }

    @Test
    void cleanupDeletesJumpsAndChainsOnlyOfOurs() {
        String save = """
                *nat
                :PREROUTING ACCEPT [0:0]
                :KUBE-PORTALS-CONTAINER - [0:0]
                :KUBE-SVC-ABC - [0:0]
                -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-PORTALS-CONTAINER
                -A PREROUTING -j SOMETHING-ELSE
                -A KUBE-PORTALS-CONTAINER -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 40001
                COMMIT
                *mangle
                :KUBE-PORTALS-HOST - [0:0]
                COMMIT
                """;
        assertEquals("""
                *nat
                :KUBE-PORTALS-CONTAINER - [0:0]
                -D PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-PORTALS-CONTAINER
                -X KUBE-PORTALS-CONTAINER
                COMMIT
                """, PortalRules.cleanup(save));
        assertEquals("", PortalRules.cleanup("*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n"));
    }
}
