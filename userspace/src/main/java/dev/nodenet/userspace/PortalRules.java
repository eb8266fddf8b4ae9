package dev.nodenet.userspace;

import dev.nodenet.proxy.ServicePortName;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders the userspace mode's iptables rules (kube-proxy's "portal" chains) as one iptables-restore input:
 * <pre>
 * nat    PREROUTING  → KUBE-PORTALS-CONTAINER   Service IP:port from pods/outside → REDIRECT to the listener
 * nat    OUTPUT      → KUBE-PORTALS-HOST        Service IP:port from the node itself → REDIRECT (to 127.0.0.1)
 * nat    PREROUTING  → KUBE-NODEPORT-CONTAINER  (dst-type LOCAL) NodePort from outside → REDIRECT
 * nat    OUTPUT      → KUBE-NODEPORT-HOST       (dst-type LOCAL) NodePort from the node → REDIRECT
 * nat    POSTROUTING → KUBE-PORTALS-HOST-SNAT   node-originated UDP redirected to 127.0.0.1 gets source 127.0.0.1, so
 *                                               the listener's reply matches the conntrack entry and is un-NATed
 * filter FORWARD, OUTPUT → KUBE-SERVICES            Service IPs without endpoints → REJECT (refused at once)
 * filter INPUT, FORWARD  → KUBE-EXTERNAL-SERVICES   NodePorts / external IPs without endpoints → REJECT
 * </pre>
 * A Service port whose policy leaves it without endpoints for some traffic (eTP/iTP Local, no local endpoint) DROPs
 * that traffic instead, like the iptables mode. Pure function of its input; any thread.
 */
final class PortalRules {
    static final String PORTALS_CONTAINER = "KUBE-PORTALS-CONTAINER", PORTALS_HOST = "KUBE-PORTALS-HOST",
            NODEPORT_CONTAINER = "KUBE-NODEPORT-CONTAINER", NODEPORT_HOST = "KUBE-NODEPORT-HOST",
            HOST_SNAT = "KUBE-PORTALS-HOST-SNAT", SERVICES = "KUBE-SERVICES", EXTERNAL_SERVICES = "KUBE-EXTERNAL-SERVICES";
    static final List<String> NAT_CHAINS = List.of(PORTALS_CONTAINER, PORTALS_HOST, NODEPORT_CONTAINER, NODEPORT_HOST, HOST_SNAT);
    static final List<String> FILTER_CHAINS = List.of(SERVICES, EXTERNAL_SERVICES);

    /** What happens to one kind of traffic of a Service port. */
    enum Action { REDIRECT, REJECT, DROP }

    /**
     * One Service port as the rules see it (IPv4 only).
     *
     * @param internalPort the listener for ClusterIP traffic
     * @param externalPort the listener for NodePort / external IP / load-balancer IP traffic (may equal internalPort)
     */
    record Portal(ServicePortName name, List<String> clusterIPs, int port, int nodePort, List<String> externalIPs,
            Action internal, int internalPort, Action external, int externalPort) {
        public Portal {
            clusterIPs = List.copyOf(clusterIPs);
            externalIPs = List.copyOf(externalIPs);
        }
    }

    /** A jump from a built-in chain to one of ours; {@code first} inserts it at the top, else it is appended. */
    record Jump(String table, String chain, String match, String target, boolean first) {
        String spec() {
            return match.isEmpty() ? "-j " + target : match + " -j " + target;
        }
    }

    static final List<Jump> JUMPS = List.of(
            new Jump("nat", "PREROUTING", "-m comment --comment \"kubernetes service portals\"", PORTALS_CONTAINER, true),
            new Jump("nat", "OUTPUT", "-m comment --comment \"kubernetes service portals\"", PORTALS_HOST, true),
            new Jump("nat", "PREROUTING", "-m addrtype --dst-type LOCAL -m comment --comment \"kubernetes service nodeports\"", NODEPORT_CONTAINER, false),
            new Jump("nat", "OUTPUT", "-m addrtype --dst-type LOCAL -m comment --comment \"kubernetes service nodeports\"", NODEPORT_HOST, false),
            new Jump("nat", "POSTROUTING", "-m comment --comment \"kubernetes service portals from the node\"", HOST_SNAT, true),
            new Jump("filter", "FORWARD", "-m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\"", SERVICES, true),
            new Jump("filter", "OUTPUT", "-m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\"", SERVICES, true),
            new Jump("filter", "INPUT", "-m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\"", EXTERNAL_SERVICES, true),
            new Jump("filter", "FORWARD", "-m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\"", EXTERNAL_SERVICES, true));

    private PortalRules() {
    }

    /**
     * The restore input (for {@code iptables-restore --noflush}): declares (and so flushes) our chains, fills them,
     * and adds the jumps in {@code missingJumps}.
     */
    static String render(List<Portal> portals, List<Jump> missingJumps) {
        StringBuilder nat = new StringBuilder(), filter = new StringBuilder();
        for (Portal p : portals) {
            String proto = p.name().protocolLower();
            String comment = " -m comment --comment " + quote(p.name().toString());
            String noEndpoints = " -m comment --comment " + quote(p.name() + " has no endpoints");
            for (String ip : p.clusterIPs()) {
                String match = " -d " + ip + "/32 -p " + proto + " -m " + proto + " --dport " + p.port();
                portal(nat, filter, SERVICES, match, comment, noEndpoints, p.internal(), p.internalPort());
            }
            for (String ip : p.externalIPs()) {
                String match = " -d " + ip + "/32 -p " + proto + " -m " + proto + " --dport " + p.port();
                portal(nat, filter, EXTERNAL_SERVICES, match, comment, noEndpoints, p.external(), p.externalPort());
            }
            if (p.nodePort() != 0) {
                String match = " -p " + proto + " -m " + proto + " --dport " + p.nodePort();
                if (p.external() == Action.REDIRECT) {
                    nat.append("-A ").append(NODEPORT_CONTAINER).append(comment).append(match).append(" -j REDIRECT --to-ports ").append(p.externalPort()).append('\n');
                    nat.append("-A ").append(NODEPORT_HOST).append(comment).append(match).append(" -j REDIRECT --to-ports ").append(p.externalPort()).append('\n');
                } else {
                    filter.append("-A ").append(EXTERNAL_SERVICES).append(noEndpoints).append(" -m addrtype --dst-type LOCAL").append(match)
                            .append(target(p.external())).append('\n');
                }
            }
            if (proto.equals("udp")) {
                for (int listener : p.internalPort() == p.externalPort() ? new int[] {p.internalPort()} : new int[] {p.internalPort(), p.externalPort()}) {
                    nat.append("-A ").append(HOST_SNAT).append(comment).append(" -o lo -d 127.0.0.1/32 ! -s 127.0.0.0/8 -p udp -m udp --dport ")
                            .append(listener).append(" -m conntrack --ctstate DNAT -j SNAT --to-source 127.0.0.1\n");
                }
            }
        }
        StringBuilder out = new StringBuilder(nat.length() + filter.length() + 1024);
        out.append("*nat\n");
        for (String c : NAT_CHAINS) out.append(':').append(c).append(" - [0:0]\n");
        out.append(nat);
        jumps(out, "nat", missingJumps);
        out.append("COMMIT\n*filter\n");
        for (String c : FILTER_CHAINS) out.append(':').append(c).append(" - [0:0]\n");
        out.append(filter);
        jumps(out, "filter", missingJumps);
        out.append("COMMIT\n");
        return out.toString();
    }

    private static void portal(StringBuilder nat, StringBuilder filter, String rejectChain, String match, String comment,
            String noEndpoints, Action action, int listener) {
        if (action == Action.REDIRECT) {
            nat.append("-A ").append(PORTALS_CONTAINER).append(comment).append(match).append(" -j REDIRECT --to-ports ").append(listener).append('\n');
            nat.append("-A ").append(PORTALS_HOST).append(comment).append(match).append(" -j REDIRECT --to-ports ").append(listener).append('\n');
        } else {
            filter.append("-A ").append(rejectChain).append(noEndpoints).append(match).append(target(action)).append('\n');
        }
    }

    private static String target(Action a) {
        return a == Action.REJECT ? " -j REJECT --reject-with icmp-port-unreachable" : " -j DROP";
    }

    private static void jumps(StringBuilder out, String table, List<Jump> jumps) {
        for (Jump j : jumps) {
            if (!j.table().equals(table)) continue;
            out.append(j.first() ? "-I " + j.chain() + " 1 " : "-A " + j.chain() + " ").append(j.spec()).append('\n');
        }
    }

    /** The jumps of {@link #JUMPS} that {@code save} (iptables-save output) lacks. */
    static List<Jump> missingJumps(String save) {
        List<Jump> out = new ArrayList<>();
        String table = null;
        List<String[]> present = new ArrayList<>();
        for (String line : save.split("\n")) {
            if (line.startsWith("*")) table = line.substring(1).trim();
            else if (line.startsWith("-A ") && table != null) present.add(new String[] {table, line});
        }
        for (Jump j : JUMPS) {
            boolean found = false;
            for (String[] p : present) {
                if (p[0].equals(j.table()) && p[1].startsWith("-A " + j.chain() + " ") && p[1].endsWith("-j " + j.target())
                        && p[1].contains(commentOf(j))) {
                    found = true;
                    break;
                }
            }
            if (!found) out.add(j);
        }
        return out;
    }

    private static String commentOf(Jump j) {
        int i = j.match().indexOf("--comment ");
        return i < 0 ? "" : j.match().substring(i);
    }

    /**
     * The restore input that removes our chains and every rule of a built-in chain jumping to them, from
     * {@code save}; empty when nothing of ours is there.
     */
    static String cleanup(String save) {
        StringBuilder out = new StringBuilder();
        String table = null;
        List<String> ours = List.of(), deletes = new ArrayList<>(), declared = new ArrayList<>();
        for (String line : (save + "\n*END").split("\n")) {
            if (line.startsWith("*")) {
                if (table != null && !declared.isEmpty()) {
                    out.append('*').append(table).append('\n');
                    for (String c : declared) out.append(':').append(c).append(" - [0:0]\n");
                    for (String d : deletes) out.append(d).append('\n');
                    for (String c : declared) out.append("-X ").append(c).append('\n');
                    out.append("COMMIT\n");
                }
                table = line.substring(1).trim();
                ours = switch (table) {
                    case "nat" -> NAT_CHAINS;
                    case "filter" -> FILTER_CHAINS;
                    default -> List.of();
                };
                deletes = new ArrayList<>();
                declared = new ArrayList<>();
            } else if (line.startsWith(":")) {
                String chain = line.substring(1, line.indexOf(' ') < 0 ? line.length() : line.indexOf(' '));
                if (ours.contains(chain)) declared.add(chain);
            } else if (line.startsWith("-A ")) {
                String chain = line.split(" ", 3)[1];
                int j = line.lastIndexOf(" -j ");
                String target = j < 0 ? "" : line.substring(j + 4).trim();
                if (!ours.contains(chain) && ours.contains(target)) deletes.add("-D" + line.substring(2));
            }
        }
        return out.toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\"", "") + "\""; // Kubernetes names cannot hold quotes; never let one break the rule
    }
}
