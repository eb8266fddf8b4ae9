package dev.nodenet.iptables;

import static dev.nodenet.iptables.ChainNames.EXTERNAL_SERVICES;
import static dev.nodenet.iptables.ChainNames.FIREWALL;
import static dev.nodenet.iptables.ChainNames.FORWARD;
import static dev.nodenet.iptables.ChainNames.MARK_MASQ;
import static dev.nodenet.iptables.ChainNames.NODEPORTS;
import static dev.nodenet.iptables.ChainNames.POSTROUTING;
import static dev.nodenet.iptables.ChainNames.PROXY_FIREWALL;
import static dev.nodenet.iptables.ChainNames.SERVICES;

import dev.nodenet.proxy.EndpointInfo;
import dev.nodenet.proxy.IpAddresses;
import dev.nodenet.proxy.IpFamily;
import dev.nodenet.proxy.ProxyState;
import dev.nodenet.proxy.Selection;
import dev.nodenet.proxy.ServiceInfo;
import dev.nodenet.proxy.ServicePortName;
import dev.nodenet.proxy.ServicePortState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Renders the whole desired state of one family into iptables-restore input (filter and nat tables, applied with
 * {@code --noflush}), in kube-proxy's chain layout:
 * <pre>
 * nat:    PREROUTING/OUTPUT → KUBE-SERVICES ─ clusterIP → KUBE-SVC-* (Cluster) | KUBE-SVL-* (iTP Local)
 *                                        ├─ externalIP/LB IP → KUBE-EXT-* (LB with source ranges: KUBE-FW-* first)
 *                                        └─ (last) local dst → KUBE-NODEPORTS → KUBE-EXT-*
 *         KUBE-EXT-* → masquerade as needed → KUBE-SVC-* or KUBE-SVL-*;  KUBE-SVC, KUBE-SVL → statistic → KUBE-SEP-* → DNAT
 *         POSTROUTING → KUBE-POSTROUTING: MASQUERADE packets carrying the mark KUBE-MARK-MASQ set
 * filter: KUBE-SERVICES / KUBE-EXTERNAL-SERVICES: REJECT (no endpoints) or DROP (no local endpoints);
 *         KUBE-PROXY-FIREWALL: DROP LB traffic the KUBE-FW chain did not DNAT; KUBE-NODEPORTS: accept health checks;
 *         KUBE-FORWARD: accept marked and established forwarded traffic; KUBE-FIREWALL: CVE-2020-8558 guard
 * </pre>
 * A partial render (a non-null {@code changed} set) rewrites the shared top-level chains in full but only the
 * per-service chains of changed Services; chains no longer needed are flushed and deleted either way.
 * Stateless; output is deterministic (Services sorted by name, endpoints by address).
 */
final class Renderer {

    /**
     * Restore input plus the per-service nat chains it leaves in use, and the rules of each top-level chain keyed
     * "table chain" (what a partial sync compares to skip chains that did not change).
     */
    record Rendered(String text, Set<String> activeChains, int lines, java.util.Map<String, String> topLevelRules) {
    }

    /** The chains every render writes in full, by table. */
    static final List<String> FILTER_TOP = List.of(NODEPORTS, SERVICES, EXTERNAL_SERVICES, FIREWALL, FORWARD, PROXY_FIREWALL);
    static final List<String> NAT_TOP = List.of(NODEPORTS, SERVICES, MARK_MASQ, POSTROUTING);

    /** One Service port's top-level rules and chain names, as rendered for {@code state}. */
    private record Piece(ServicePortState state, Part filter, Part nat, List<String> chains) {
    }

    /** Rendered lines of one table, compact, with the top-level chains' share of them. */
    private record Part(String text, int count, java.util.Map<String, String> topLevel) {
    }

    private final RenderOptions options;
    private final java.util.Map<ServicePortName, Piece> cache;

    Renderer(RenderOptions options) {
        this(options, new java.util.HashMap<>());
    }

    /**
     * @param cache pieces kept between renders with the same options (the caller owns it and drops it when the
     *        options change); entries of Services no longer in the state are removed
     */
    Renderer(RenderOptions options, Cache cache) {
        this(options, cache.pieces);
    }

    private Renderer(RenderOptions options, java.util.Map<ServicePortName, Piece> cache) {
        this.options = options;
        this.cache = cache;
    }

    /** Renderer state kept by a backend between syncs; not thread-safe (the sync thread owns it). */
    static final class Cache {
        private final java.util.Map<ServicePortName, Piece> pieces = new java.util.HashMap<>();
    }

    /**
     * @param changed Service ports whose chains must be rewritten, or null for a full render
     * @param staleChains per-service chains present in the kernel (or in the previous sync) to delete if unused
     */
    Rendered render(ProxyState state, Set<ServicePortName> changed, Collection<String> staleChains) {
        IpFamily family = options.family();
        java.util.Map<String, String> topLevel = new java.util.LinkedHashMap<>();
        Lines filterChains = new Lines(null, FILTER_TOP), filterRules = new Lines("filter", FILTER_TOP);
        Lines natChains = new Lines(null, NAT_TOP), natRules = new Lines("nat", NAT_TOP);
        Set<String> active = new LinkedHashSet<>();
        for (String c : FILTER_TOP) filterChains.chain(c);
        for (String c : NAT_TOP) natChains.chain(c);
        String mark = options.masqueradeMark() + "/" + options.masqueradeMark();

        if (options.localhostNodePortsActive()) {
            filterRules.add("-A", FIREWALL, "-m", "comment", "--comment", q("block incoming localnet connections"),
                    "-d", "127.0.0.0/8", "!", "-s", "127.0.0.0/8", "-m", "conntrack", "!", "--ctstate",
                    "RELATED,ESTABLISHED,DNAT", "-j", "DROP");
        }
        filterRules.add("-A", FORWARD, "-m", "conntrack", "--ctstate", "INVALID", "-j", "DROP");
        filterRules.add("-A", FORWARD, "-m", "comment", "--comment", q("kubernetes forwarding rules"), "-m", "mark",
                "--mark", mark, "-j", "ACCEPT");
        filterRules.add("-A", FORWARD, "-m", "comment", "--comment", q("kubernetes forwarding conntrack rule"), "-m",
                "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT");
        natRules.add("-A", POSTROUTING, "-m", "mark", "!", "--mark", mark, "-j", "RETURN");
        natRules.add("-A", POSTROUTING, "-j", "MARK", "--xor-mark", options.masqueradeMark());
        natRules.add("-A", POSTROUTING, "-m", "comment", "--comment", q("kubernetes service traffic requiring SNAT"),
                "-j", "MASQUERADE", "--random-fully");
        natRules.add("-A", MARK_MASQ, "-j", "MARK", "--or-mark", options.masqueradeMark());

        Set<ServicePortName> seen = new java.util.HashSet<>();
        for (ServicePortState s : state.services().values()) {
            if (!s.info().hasFamily(family)) continue;
            ServicePortName name = s.info().name();
            seen.add(name);
            // a Service's top-level rules and chain names depend only on it and the options: reuse them while it is
            // unchanged (chain names hash every endpoint; at 10k Services this is most of a partial sync's render)
            Piece piece = cache.get(name);
            if (piece == null || (piece.state() != s && !piece.state().equals(s))) {
                Lines f = new Lines("filter", FILTER_TOP), n = new Lines("nat", NAT_TOP);
                Set<String> chainsInUse = new LinkedHashSet<>();
                service(s, state, true, false, f, null, n, chainsInUse);
                piece = new Piece(s, f.part(), n.part(), List.copyOf(chainsInUse));
                cache.put(name, piece);
            }
            filterRules.append(piece.filter());
            natRules.append(piece.nat());
            active.addAll(piece.chains());
            if (changed == null || changed.contains(name)) service(s, state, false, true, filterRules, natChains, natRules, new java.util.HashSet<>());
        }
        cache.keySet().retainAll(seen);

        // tail call to the NodePorts: must stay the last rule of KUBE-SERVICES
        String npComment = q("kubernetes service nodeports; NOTE: this must be the last rule in this chain");
        if (options.nodePortsOnAllAddresses()) {
            List<String> args = new ArrayList<>(List.of("-A", SERVICES, "-m", "comment", "--comment", npComment,
                    "-m", "addrtype", "--dst-type", "LOCAL"));
            if (family == IpFamily.IPv6) args.addAll(List.of("!", "-d", "::1/128"));
            else if (!options.localhostNodePorts()) args.addAll(List.of("!", "-d", "127.0.0.0/8"));
            args.addAll(List.of("-j", NODEPORTS));
            natRules.add(args);
        } else {
            for (String ip : options.nodePortIPs(state.node())) {
                natRules.add("-A", SERVICES, "-m", "comment", "--comment", npComment, "-d", ip, "-j", NODEPORTS);
            }
        }

        List<String> deleted = new ArrayList<>();
        // staleChains holds every chain of the last sync (110k at 10k Services): sort only the few that go
        for (String c : staleChains) if (!active.contains(c) && ChainNames.isServiceChain(c)) deleted.add(c);
        java.util.Collections.sort(deleted);
        for (String c : deleted) natChains.chain(c);
        StringBuilder out = new StringBuilder();
        out.append("*filter\n").append(filterChains.text).append(filterRules.text).append("COMMIT\n");
        out.append("*nat\n").append(natChains.text).append(natRules.text);
        for (String c : deleted) out.append("-X ").append(c).append('\n');
        out.append("COMMIT\n");
        int lines = filterChains.count + filterRules.count + natChains.count + natRules.count + deleted.size() + 4;
        filterRules.topLevel.forEach((c, text) -> topLevel.put("filter " + c, text.toString()));
        natRules.topLevel.forEach((c, text) -> topLevel.put("nat " + c, text.toString()));
        return new Rendered(out.toString(), active, lines, topLevel);
    }

    /** Appends a Service port's rules in top-level chains ({@code top}) and/or its own chains ({@code chains}). */
    private void service(ServicePortState s, ProxyState state, boolean top, boolean chains, Lines filterRules, Lines natChains,
            Lines natRules, Set<String> active) {
        IpFamily family = options.family();
        ServiceInfo info = s.info();
        ServicePortName name = info.name();
        Selection sel = s.selection(family);
        String svc = name.toString();
        String proto = name.protocolLower();
        String port = Integer.toString(info.port());
        String clusterChain = ChainNames.cluster(name), localChain = ChainNames.local(name);
        String extChain = ChainNames.external(name), fwChain = ChainNames.firewall(name);

        boolean hasEndpoints = sel.hasAnyEndpoints();
        boolean usesClusterChain = !sel.clusterEndpoints().isEmpty() && info.usesClusterEndpoints();
        boolean usesLocalChain = !sel.localEndpoints().isEmpty() && info.usesLocalEndpoints();
        String internalChain = info.internalPolicyLocal() ? localChain : clusterChain;
        boolean hasInternal = hasEndpoints && (!info.internalPolicyLocal() || !sel.localEndpoints().isEmpty());
        String externalPolicyChain = info.externalPolicyLocal() ? localChain : clusterChain;
        boolean hasExternal = hasEndpoints && (!info.externalPolicyLocal() || !sel.localEndpoints().isEmpty());
        boolean usesExtChain = hasEndpoints && info.externallyAccessible();
        List<String> lbIPs = info.loadBalancerIPs(family);
        List<String> sourceRanges = info.loadBalancerSourceRanges(family);
        boolean usesFwChain = hasEndpoints && !lbIPs.isEmpty() && !sourceRanges.isEmpty();
        String lbChain = usesFwChain ? fwChain : extChain;

        String internalTarget = "REJECT", externalTarget = "REJECT";
        String internalComment = q(svc + " has no endpoints"), externalComment = internalComment;
        if (hasEndpoints) {
            if (!hasInternal) {
                internalTarget = "DROP";
                internalComment = q(svc + " has no local endpoints");
            }
            if (!hasExternal) {
                externalTarget = "DROP";
                externalComment = q(svc + " has no local endpoints");
            }
        }

        if (top) {
            for (String ip : info.clusterIPs(family)) {
                if (hasInternal) {
                    natRules.add(rule(SERVICES, q(svc + " cluster IP"), proto, "-d", ip, "--dport", port, "-j", internalChain));
                } else {
                    filterRules.add(rule(SERVICES, internalComment, proto, "-d", ip, "--dport", port, "-j", internalTarget));
                }
            }
            for (String ip : info.externalIPs(family)) {
                if (hasEndpoints) natRules.add(rule(SERVICES, q(svc + " external IP"), proto, "-d", ip, "--dport", port, "-j", extChain));
                if (!hasExternal) filterRules.add(rule(EXTERNAL_SERVICES, externalComment, proto, "-d", ip, "--dport", port, "-j", externalTarget));
            }
            for (String ip : lbIPs) {
                if (hasEndpoints) natRules.add(rule(SERVICES, q(svc + " loadbalancer IP"), proto, "-d", ip, "--dport", port, "-j", lbChain));
                if (usesFwChain) {
                    filterRules.add(rule(PROXY_FIREWALL, q(svc + " traffic not accepted by " + fwChain), proto, "-d", ip, "--dport", port, "-j", "DROP"));
                }
            }
            if (!hasExternal) {
                for (String ip : lbIPs) filterRules.add(rule(EXTERNAL_SERVICES, externalComment, proto, "-d", ip, "--dport", port, "-j", externalTarget));
            }
            if (info.nodePort() != 0) {
                String np = Integer.toString(info.nodePort());
                if (hasEndpoints) natRules.add(rule(NODEPORTS, q(svc), proto, "--dport", np, "-j", extChain));
                if (!hasExternal) {
                    List<String> args = new ArrayList<>(List.of("-A", EXTERNAL_SERVICES, "-m", "comment", "--comment", externalComment,
                            "-m", "addrtype", "--dst-type", "LOCAL"));
                    args.addAll(List.of("-p", proto, "-m", proto, "--dport", np, "-j", externalTarget));
                    filterRules.add(args);
                }
            }
            if (info.healthCheckNodePort() != 0) {
                filterRules.add(rule(NODEPORTS, q(svc + " health check node port"), "tcp", "--dport",
                        Integer.toString(info.healthCheckNodePort()), "-j", "ACCEPT"));
            }
        }

        // chains in use, whether or not rewritten now
        if (usesExtChain) active.add(extChain);
        if (usesFwChain) active.add(fwChain);
        if (usesClusterChain) active.add(clusterChain);
        if (usesLocalChain) active.add(localChain);
        for (EndpointInfo ep : sel.allReachable()) active.add(ChainNames.endpoint(name, ep));
        if (!chains) return;

        if (hasInternal) {
            for (String ip : info.clusterIPs(family)) {
                List<String> args = new ArrayList<>(rule(internalChain, q(svc + " cluster IP"), proto, "-d", ip, "--dport", port));
                if (options.masqueradeAll()) {
                    args.addAll(List.of("-j", MARK_MASQ));
                } else if (!options.ifNotLocal().isEmpty()) {
                    // off-cluster clients reaching a ClusterIP (routed to this node) may be answered by another node
                    args.addAll(options.ifNotLocal());
                    args.addAll(List.of("-j", MARK_MASQ));
                } else {
                    continue;
                }
                natRules.add(args);
            }
        }
        if (usesExtChain) {
            natChains.chain(extChain);
            if (!info.externalPolicyLocal()) {
                natRules.add("-A", extChain, "-m", "comment", "--comment", q("masquerade traffic for " + svc + " external destinations"), "-j", MARK_MASQ);
            } else {
                if (!options.ifLocal().isEmpty() && usesClusterChain) {
                    // pods reaching an external address behave as if they went out to the load balancer and back
                    List<String> args = new ArrayList<>(List.of("-A", extChain, "-m", "comment", "--comment",
                            q("pod traffic for " + svc + " external destinations")));
                    args.addAll(options.ifLocal());
                    args.addAll(List.of("-j", clusterChain));
                    natRules.add(args);
                }
                // the node itself picks the external address as source: it must be masqueraded to get replies back
                natRules.add("-A", extChain, "-m", "comment", "--comment", q("masquerade LOCAL traffic for " + svc + " external destinations"),
                        "-m", "addrtype", "--src-type", "LOCAL", "-j", MARK_MASQ);
                if (usesClusterChain) {
                    natRules.add("-A", extChain, "-m", "comment", "--comment", q("route LOCAL traffic for " + svc + " external destinations"),
                            "-m", "addrtype", "--src-type", "LOCAL", "-j", clusterChain);
                }
            }
            if (hasExternal) natRules.add("-A", extChain, "-j", externalPolicyChain);
        }
        if (usesFwChain) {
            natChains.chain(fwChain);
            boolean allowFromNode = false;
            for (String cidr : sourceRanges) {
                natRules.add("-A", fwChain, "-m", "comment", "--comment", q(svc + " loadbalancer IP"), "-s", cidr, "-j", extChain);
                for (String ip : state.node().localAddresses()) allowFromNode |= IpFamily.of(ip) == family && IpAddresses.contains(cidr, ip);
            }
            if (allowFromNode) {
                // a node reaching a VIP it holds locally arrives with the VIP as source
                for (String ip : lbIPs) natRules.add("-A", fwChain, "-m", "comment", "--comment", q(svc + " loadbalancer IP"), "-s", ip, "-j", extChain);
            }
            // whatever falls off the end was not DNATed and meets the DROP in filter KUBE-PROXY-FIREWALL
        }
        if (usesClusterChain) {
            natChains.chain(clusterChain);
            endpointJumps(natRules, name, info, clusterChain, sel.clusterEndpoints());
        }
        if (usesLocalChain) {
            natChains.chain(localChain);
            endpointJumps(natRules, name, info, localChain, sel.localEndpoints());
        }
        for (EndpointInfo ep : sel.allReachable()) {
            String sep = ChainNames.endpoint(name, ep);
            natChains.chain(sep);
            // hairpin: a pod reaching itself through the Service must see the reply come from the Service
            natRules.add("-A", sep, "-m", "comment", "--comment", q(svc), "-s", ep.ip(), "-j", MARK_MASQ);
            List<String> args = new ArrayList<>(List.of("-A", sep, "-m", "comment", "--comment", q(svc)));
            if (info.stickySeconds() > 0) args.addAll(List.of("-m", "recent", "--name", sep, "--set"));
            args.addAll(List.of("-p", proto, "-m", proto, "-j", "DNAT", "--to-destination", ep.endpoint()));
            natRules.add(args);
        }
    }

    private static void endpointJumps(Lines natRules, ServicePortName name, ServiceInfo info, String chain, List<EndpointInfo> endpoints) {
        String svc = name.toString();
        if (info.stickySeconds() > 0) {
            for (EndpointInfo ep : endpoints) {
                String sep = ChainNames.endpoint(name, ep);
                natRules.add("-A", chain, "-m", "comment", "--comment", q(svc + " -> " + ep.endpoint()), "-m", "recent",
                        "--name", sep, "--rcheck", "--seconds", Integer.toString(info.stickySeconds()), "--reap", "-j", sep);
            }
        }
        int n = endpoints.size();
        for (int i = 0; i < n; i++) {
            EndpointInfo ep = endpoints.get(i);
            List<String> args = new ArrayList<>(List.of("-A", chain, "-m", "comment", "--comment", q(svc + " -> " + ep.endpoint())));
            if (i < n - 1) args.addAll(List.of("-m", "statistic", "--mode", "random", "--probability", probability(n - i)));
            args.addAll(List.of("-j", ChainNames.endpoint(name, ep)));
            natRules.add(args);
        }
    }

    /** 1/n with 10 decimals, as kube-proxy prints it (so rules compare equal across restarts). */
    static String probability(int n) {
        return String.format(Locale.ROOT, "%.10f", 1.0 / n);
    }

    private static List<String> rule(String chain, String comment, String proto, String... rest) {
        List<String> args = new ArrayList<>(List.of("-A", chain, "-m", "comment", "--comment", comment, "-p", proto, "-m", proto));
        args.addAll(List.of(rest));
        return args;
    }

    /** A double-quoted iptables-restore word (comments contain spaces). */
    static String q(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Accumulates restore lines; keeps a copy of the rules of the table's top-level chains. */
    private static final class Lines {
        final StringBuilder text = new StringBuilder();
        final java.util.Map<String, StringBuilder> topLevel = new java.util.LinkedHashMap<>();
        int count;

        Lines(String table, List<String> topLevelChains) {
            if (table != null) for (String c : topLevelChains) topLevel.put(c, new StringBuilder());
        }

        void chain(String name) {
            text.append(':').append(name).append(" - [0:0]\n");
            count++;
        }

        void add(String... words) {
            add(List.of(words));
        }

        Part part() {
            java.util.Map<String, String> top = new java.util.HashMap<>();
            topLevel.forEach((chain, rules) -> {
                if (!rules.isEmpty()) top.put(chain, rules.toString());
            });
            return new Part(text.toString(), count, top.isEmpty() ? java.util.Map.of() : top);
        }

        /** Appends a part of the same table, top-level copies included. */
        void append(Part part) {
            text.append(part.text());
            count += part.count();
            part.topLevel().forEach((chain, rules) -> topLevel.get(chain).append(rules));
        }

        void add(List<String> words) {
            int start = text.length();
            for (int i = 0; i < words.size(); i++) {
                if (i > 0) text.append(' ');
                text.append(words.get(i));
            }
            text.append('\n');
            count++;
            StringBuilder top = words.size() > 1 && words.get(0).equals("-A") ? topLevel.get(words.get(1)) : null;
            if (top != null) top.append(text, start, text.length());
        }
    }
}
