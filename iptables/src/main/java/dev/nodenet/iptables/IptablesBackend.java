package dev.nodenet.iptables;

import static dev.nodenet.iptables.ChainNames.CANARY;

import dev.nodenet.netlink.NetNs;
import dev.nodenet.netlink.Sysctl;
import dev.nodenet.proxy.Backend;
import dev.nodenet.proxy.BackendContext;
import dev.nodenet.proxy.BackendException;
import dev.nodenet.proxy.Changes;
import dev.nodenet.proxy.Exec;
import dev.nodenet.proxy.IpFamily;
import dev.nodenet.proxy.Metrics;
import dev.nodenet.proxy.ProxyConfig;
import dev.nodenet.proxy.ProxyState;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The iptables proxy mode. Each sync renders the whole state of each family ({@link Renderer}) and applies it with
 * one {@code iptables-restore --noflush} per family; partial syncs rewrite only changed Services' chains, and only
 * those top-level chains (KUBE-SERVICES, KUBE-NODEPORTS, ...) whose rules differ from the last successful sync: with
 * iptables-nft every chain named in the input costs a kernel round trip and a walk of a sorted list in the tool's
 * cache code, so rewriting an unchanged 10k-rule KUBE-SERVICES took a one-endpoint change from 30 ms to over a second.
 * A full sync
 * (first, periodic, after any failure, or when the canary chain vanished because something flushed our rules) also
 * deletes leftover per-service chains (found with iptables-save; iptables-nft: nft list chains), re-creates the canary and makes sure the base chains
 * jump to ours. Uses the iptables variant (nft or legacy) that already holds Kubernetes rules, like kube-proxy's
 * iptables-wrapper; nft when neither does.
 * <p>Threading: called only on the proxy's sync thread.
 */
public final class IptablesBackend implements Backend {
    private static final System.Logger LOG = System.getLogger(IptablesBackend.class.getName());

    /** Which iptables implementation to drive. */
    public enum Variant {
        NFT, LEGACY;

        String suffix() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A jump from a built-in chain to one of ours. */
    private record Jump(String table, String chain, String comment, List<String> extra, String target) {
        List<String> args(String op) {
            List<String> a = new ArrayList<>(List.of("-w", "5", "-t", table, op, chain));
            a.addAll(extra);
            if (comment != null) a.addAll(List.of("-m", "comment", "--comment", comment));
            a.addAll(List.of("-j", target));
            return a;
        }
    }

    private static final List<String> NEW = List.of("-m", "conntrack", "--ctstate", "NEW");
    private static final List<Jump> JUMPS = List.of(
            new Jump("filter", "INPUT", "kubernetes load balancer firewall", NEW, ChainNames.PROXY_FIREWALL),
            new Jump("filter", "INPUT", "kubernetes health check service ports", List.of(), ChainNames.NODEPORTS),
            new Jump("filter", "INPUT", "kubernetes externally-visible service portals", NEW, ChainNames.EXTERNAL_SERVICES),
            new Jump("filter", "INPUT", null, List.of(), ChainNames.FIREWALL),
            new Jump("filter", "FORWARD", "kubernetes load balancer firewall", NEW, ChainNames.PROXY_FIREWALL),
            new Jump("filter", "FORWARD", "kubernetes forwarding rules", List.of(), ChainNames.FORWARD),
            new Jump("filter", "FORWARD", "kubernetes service portals", NEW, ChainNames.SERVICES),
            new Jump("filter", "FORWARD", "kubernetes externally-visible service portals", NEW, ChainNames.EXTERNAL_SERVICES),
            new Jump("filter", "OUTPUT", "kubernetes load balancer firewall", NEW, ChainNames.PROXY_FIREWALL),
            new Jump("filter", "OUTPUT", "kubernetes service portals", NEW, ChainNames.SERVICES),
            new Jump("filter", "OUTPUT", null, List.of(), ChainNames.FIREWALL),
            new Jump("nat", "PREROUTING", "kubernetes service portals", List.of(), ChainNames.SERVICES),
            new Jump("nat", "OUTPUT", "kubernetes service portals", List.of(), ChainNames.SERVICES),
            new Jump("nat", "POSTROUTING", "kubernetes postrouting rules", List.of(), ChainNames.POSTROUTING));
    private static final Set<String> OWN_CHAINS = Set.of(ChainNames.SERVICES, ChainNames.EXTERNAL_SERVICES, ChainNames.NODEPORTS,
            ChainNames.POSTROUTING, ChainNames.MARK_MASQ, ChainNames.FORWARD, ChainNames.PROXY_FIREWALL, ChainNames.FIREWALL, CANARY);

    /** The tools and bookkeeping of one family. */
    private static final class Family {
        final IpFamily family;
        final Variant variant;
        final String command, save, restore;
        /** Per-service chains the last successful sync left in use; null forces a full sync. */
        Set<String> lastActive;
        RenderOptions lastOptions;
        /** SHA-256 of each top-level chain's rules ("table chain") as last applied. */
        Map<String, String> lastTopLevel = Map.of();
        /** Chains no longer used whose deletion was put off (large rulesets delete at most once per syncPeriod). */
        Set<String> pendingDelete = new HashSet<>();
        long lastSweepNs;
        /** Rendered pieces of unchanged Services, valid for {@link #lastOptions}. */
        Renderer.Cache renderCache = new Renderer.Cache();

        Family(IpFamily family, Variant variant) {
            this.family = family;
            this.variant = variant;
            String base = family == IpFamily.IPv4 ? "iptables" : "ip6tables";
            command = base + "-" + variant.suffix();
            save = base + "-" + variant.suffix() + "-save";
            restore = base + "-" + variant.suffix() + "-restore";
        }
    }

    private final ProxyConfig config;
    private final NetNs netns;
    private final Exec exec;
    private final Variant variant;
    private final List<Family> families = new ArrayList<>();
    private final Metrics.Counter restoreFailures, partialRestoreFailures;
    private final Metrics.Gauge ruleLines;

    /**
     * @param netns the namespace to program, or null for our own
     * @param families the families to program (IPv4 and/or IPv6)
     */
    public IptablesBackend(ProxyConfig config, Metrics metrics, NetNs netns, Variant variant, List<IpFamily> families) {
        this.config = config;
        this.netns = netns;
        this.exec = new Exec(netns);
        this.variant = variant;
        for (IpFamily f : families) this.families.add(new Family(f, variant));
        restoreFailures = metrics.counter("kubeproxy_sync_proxy_rules_iptables_restore_failures_total",
                "Cumulative proxy iptables restore failures");
        partialRestoreFailures = metrics.counter("kubeproxy_sync_proxy_rules_iptables_partial_restore_failures_total",
                "Cumulative proxy iptables partial restore failures");
        ruleLines = metrics.gauge("nodenet_proxy_iptables_restore_lines", "Lines in the last iptables-restore input", "family");
    }

    /** Detects the variant and the families this machine supports. */
    static IptablesBackend create(BackendContext context) throws BackendException {
        Variant v = detectVariant(new Exec(context.netns()));
        List<IpFamily> fams = new ArrayList<>(List.of(IpFamily.IPv4));
        if (Exec.available("ip6tables-" + v.suffix() + "-restore") && Files.isDirectory(Path.of("/proc/sys/net/ipv6"))) {
            fams.add(IpFamily.IPv6);
        }
        LOG.log(Level.INFO, "iptables mode using iptables-{0} for {1}", v.suffix(), fams);
        return new IptablesBackend(context.config(), context.metrics(), context.netns(), v, fams);
    }

    /**
     * The variant already holding Kubernetes rules (kubelet/kube-proxy canaries or any KUBE- chain); if both or
     * neither, the one with more rules, nft on a tie.
     */
    static Variant detectVariant(Exec exec) throws BackendException {
        Map<Variant, String> saves = new LinkedHashMap<>();
        for (Variant v : Variant.values()) {
            String tool = "iptables-" + v.suffix() + "-save";
            if (!Exec.available(tool)) continue;
            try {
                Exec.Result r = exec.run(List.of(tool), null);
                saves.put(v, r.ok() ? r.stdout() : "");
            } catch (IOException e) {
                saves.put(v, "");
            }
        }
        if (saves.isEmpty()) throw new BackendException("neither iptables-nft-save nor iptables-legacy-save is installed");
        List<Variant> withKube = saves.keySet().stream().filter(v -> saves.get(v).contains("KUBE-")).toList();
        if (withKube.size() == 1) return withKube.getFirst();
        Variant best = saves.containsKey(Variant.NFT) ? Variant.NFT : Variant.LEGACY;
        for (Variant v : saves.keySet()) if (ruleCount(saves.get(v)) > ruleCount(saves.get(best))) best = v;
        return best;
    }

    private static long ruleCount(String save) {
        return save.lines().filter(l -> l.startsWith("-A ")).count();
    }

    public Variant variant() {
        return variant;
    }

    @Override
    public String mode() {
        return "iptables";
    }

    /** Above this many per-service chains, unused ones are deleted at most once per syncPeriod. */
    static final int LARGE_CLUSTER_CHAINS = 1000;
    /** Full syncs at least this long are followed by a full GC (about 1k Services x 10 endpoints). */
    static final int LARGE_SYNC_LINES = 40_000;

    @Override
    public void sync(ProxyState state, Changes changes) throws BackendException {
        boolean anyFull = false;
        int fullSyncLines = 0;
        for (Family f : families) {
            RenderOptions options = RenderOptions.of(config, f.family, state.node());
            boolean full = changes.full() || f.lastActive == null || !options.equals(f.lastOptions);
            // read-only below unless full (then the kernel's leftovers join it): no copy of 110k names per partial sync
            Set<String> stale = full ? new HashSet<>(f.lastActive == null ? Set.of() : f.lastActive) : f.lastActive;
            // one iptables-save per full sync serves both the leftover-chain sweep and the jump check: with
            // iptables-nft every separate -C call would fetch the whole (large) ruleset again
            String saved = full ? save(f) : "";
            if (full) {
                for (String chain : chains(saved).getOrDefault("nat", List.of())) if (ChainNames.isServiceChain(chain)) stale.add(chain);
            }
            if (!options.equals(f.lastOptions)) f.renderCache = new Renderer.Cache();
            // Like kube-proxy in large clusters, delete unused chains at most once per syncPeriod: each deletion makes
            // the kernel wait for an RCU grace period, which under load turned a one-Service change into 0.4 s.
            boolean sweep = full || f.lastActive.size() < LARGE_CLUSTER_CHAINS
                    || System.nanoTime() - f.lastSweepNs >= config.syncPeriod().toNanos();
            Collection<String> toSweep = Set.of();
            if (sweep) {
                toSweep = stale;
                if (!f.pendingDelete.isEmpty()) {
                    Set<String> all = new HashSet<>(stale);
                    all.addAll(f.pendingDelete);
                    toSweep = all;
                }
            }
            Renderer.Rendered r = new Renderer(options, f.renderCache).render(state, full ? null : changes.servicePorts(), toSweep);
            Map<String, String> digests = digests(r.topLevelRules());
            List<String> inputs;
            if (full) {
                inputs = fullSyncInputs(r.text(), saved, variant);
            } else {
                Set<String> unchanged = new HashSet<>();
                digests.forEach((chain, digest) -> {
                    if (digest.equals(f.lastTopLevel.get(chain))) unchanged.add(chain);
                });
                inputs = List.of(withoutChains(r.text(), unchanged));
            }
            Exec.Result res = null;
            for (String input : inputs) {
                // stdout is only the -S listing of withWholeTableCache (45 MB at 10k Services): not kept
                res = run(f, List.of(f.restore, "-w", "5", "--noflush"), input, line -> false);
                if (!res.ok()) break;
            }
            if (!res.ok()) {
                restoreFailures.inc();
                if (!full) partialRestoreFailures.inc();
                f.lastActive = null;
                f.lastTopLevel = Map.of();
                throw new BackendException(f.restore + " failed (exit " + res.exitCode() + "): " + firstLines(res.stderr(), 5));
            }
            ruleLines.set(r.lines(), f.family.name());
            if (full) fullSyncLines = Math.max(fullSyncLines, r.lines());
            anyFull |= full;
            if (sweep) {
                f.pendingDelete = new HashSet<>();
                f.lastSweepNs = System.nanoTime();
            } else {
                for (String c : f.lastActive) if (!r.activeChains().contains(c)) f.pendingDelete.add(c);
            }
            f.lastActive = r.activeChains();
            f.lastOptions = options;
            f.lastTopLevel = digests;
        }
        if (anyFull) setRouteLocalnet(state);
        if (anyFull && fullSyncLines >= LARGE_SYNC_LINES) {
            // the full sync's text and its copies (45 MB each at 10k Services) are garbage now; without a full
            // collection they stay in the old generation, committed, until the next full sync an hour later
            System.gc();
        }
    }

    /**
     * The restore inputs a full sync applies, in order. iptables-legacy: one (canary, missing jumps, our chains).
     * iptables-nft: the canary and missing jumps (with the chains they target, where absent) first, then our chains
     * with {@link #withWholeTableCache}; the jumps cannot share that transaction, because with the whole-table cache
     * iptables-nft 1.8.9 no longer creates the built-in chains a jump is inserted into.
     */
    static List<String> fullSyncInputs(String rendered, String saved, Variant variant) {
        String canary = "*mangle\n:" + CANARY + " - [0:0]\nCOMMIT\n";
        if (variant == Variant.LEGACY) return List.of(canary + withMissingJumps(rendered, saved));
        Map<String, List<String>> existing = chains(saved);
        StringBuilder jumps = new StringBuilder(canary);
        for (String table : List.of("filter", "nat")) {
            String tableText = withMissingJumps("*" + table + "\nCOMMIT\n", saved);
            if (!tableText.contains("-I ")) continue;
            StringBuilder declare = new StringBuilder();
            for (Jump j : JUMPS) {
                if (j.table().equals(table) && !existing.getOrDefault(table, List.of()).contains(j.target())
                        && declare.indexOf(":" + j.target() + " ") < 0) {
                    declare.append(':').append(j.target()).append(" - [0:0]\n");
                }
            }
            jumps.append("*").append(table).append('\n').append(declare).append(tableText.substring(table.length() + 2));
        }
        return List.of(jumps.toString(), withWholeTableCache(rendered));
    }

    /**
     * The restore inputs of a first full sync of {@code family} into a namespace holding nothing: what a benchmark
     * replays with bare iptables-restore as the anchor's floor.
     */
    public static List<String> firstSyncInputs(ProxyConfig config, ProxyState state, IpFamily family, Variant variant) {
        Renderer.Rendered r = new Renderer(RenderOptions.of(config, family, state.node())).render(state, null, Set.of());
        return fullSyncInputs(r.text(), "", variant);
    }

    /**
     * The input kube-proxy's partial sync would apply for {@code changed} Service ports: every top-level chain
     * rewritten plus the changed Services' chains (ours leaves unchanged top-level chains out).
     */
    public static String kubeProxyPartialInput(ProxyConfig config, ProxyState state, IpFamily family, Set<dev.nodenet.proxy.ServicePortName> changed) {
        return new Renderer(RenderOptions.of(config, family, state.node())).render(state, changed, Set.of()).text();
    }

    private static Map<String, String> digests(Map<String, String> rules) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            rules.forEach((chain, text) -> out.put(chain, java.util.HexFormat.of().formatHex(
                    sha.digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)))));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        return out;
    }

    /**
     * Drops the declarations and rules of {@code chains} ("table chain") from restore input, so iptables-restore
     * --noflush leaves them as they are.
     */
    static String withoutChains(String restoreInput, Set<String> chains) {
        if (chains.isEmpty()) return restoreInput;
        StringBuilder out = new StringBuilder(restoreInput.length());
        String table = null;
        int start = 0;
        while (start < restoreInput.length()) {
            int end = restoreInput.indexOf('\n', start);
            if (end < 0) end = restoreInput.length() - 1;
            String line = restoreInput.substring(start, end + 1);
            start = end + 1;
            if (line.startsWith("*")) table = line.substring(1).strip();
            String chain = null;
            if (line.startsWith(":")) chain = line.substring(1, line.indexOf(' ') < 0 ? line.length() : line.indexOf(' '));
            else if (line.startsWith("-A ")) chain = line.substring(3, line.indexOf(' ', 3) < 0 ? line.length() : line.indexOf(' ', 3));
            if (chain != null && chains.contains(table + " " + chain.strip())) continue;
            out.append(line);
        }
        return out.toString();
    }

    /**
     * iptables-nft-restore 1.8.9 with --noflush records every chain named in the input in a sorted linked list (one
     * walk per line) and then fetches each of them separately: quadratic in the number of chains (10k Services x 10
     * endpoints: over 6 minutes, past {@link Exec}'s time limit, on a second full sync). A command naming no chain
     * makes it fetch the whole table once instead and skip the list. {@code -S} is such a command and only lists; it
     * is added to the filter and nat tables of every nft full sync (10k Services loaded: about 4 s of listing, 430k
     * lines, which {@link #sync} discards).
     */
    static String withWholeTableCache(String restoreInput) {
        return insertAtTables(restoreInput, table -> table.equals("mangle") ? "" : "-S\n", table -> "");
    }

    /**
     * Copies restore input, adding {@code afterHeader(table)} after each "*table" line and {@code beforeCommit(table)}
     * before its COMMIT, without splitting the (possibly 45 MB) text into lines.
     */
    static String insertAtTables(String input, java.util.function.Function<String, CharSequence> afterHeader,
            java.util.function.Function<String, CharSequence> beforeCommit) {
        StringBuilder out = new StringBuilder(input.length() + 4096);
        int pos = 0;
        while (true) {
            int header = input.startsWith("*", pos) ? pos : input.indexOf("\n*", pos);
            if (header < 0) break;
            if (header != pos) header++; // past the newline
            int eol = input.indexOf('\n', header);
            if (eol < 0) break;
            String table = input.substring(header + 1, eol).strip();
            int commit = input.startsWith("COMMIT\n", eol + 1) ? eol + 1 : input.indexOf("\nCOMMIT\n", eol);
            if (commit < 0) break;
            if (commit != eol + 1) commit++;
            out.append(input, pos, eol + 1).append(afterHeader.apply(table)).append(input, eol + 1, commit).append(beforeCommit.apply(table));
            pos = commit;
        }
        return out.append(input, pos, input.length()).toString();
    }


    private void setRouteLocalnet(ProxyState state) {
        for (Family f : families) {
            if (f.family != IpFamily.IPv4 || !RenderOptions.of(config, f.family, state.node()).localhostNodePortsActive()) continue;
            try {
                if (netns == null) Sysctl.write("net.ipv4.conf.all.route_localnet", "1");
                else Sysctl.write(netns, "net.ipv4.conf.all.route_localnet", "1");
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cannot enable route_localnet; NodePorts on 127.0.0.1 will not work: " + e.getMessage());
            }
        }
    }

    /** True unless a family's canary chain is gone (our rules were flushed behind our back). */
    @Override
    public boolean upToDate() {
        for (Family f : families) {
            if (f.lastActive == null) continue;
            try {
                if (!run(f, List.of(f.command, "-w", "5", "-t", "mangle", "-S", CANARY), null).ok()) {
                    LOG.log(Level.WARNING, "{0} canary chain is gone (firewall reload?); doing a full sync", f.family);
                    return false;
                }
            } catch (BackendException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * What a full sync reads of the kernel's tables, in iptables-save's format: table headers, chain declarations and
     * the rules of chains other than ours (where our jumps live). iptables-legacy: iptables-save. iptables-nft, when
     * the nftables CLI is installed: the chain names from {@code nft list chains} (which fetches no rules) and the
     * rules of the built-in chains we jump from, one {@code iptables-nft -S CHAIN} each (which fetches that chain
     * only); iptables-nft-save would fetch, decode and print all 1.1M rules of 10k Services x 10 endpoints.
     */
    private String save(Family f) throws BackendException {
        if (f.variant == Variant.NFT && Exec.available("nft")) return nftChainsAndBuiltInRules(f);
        Exec.Result r;
        try {
            r = exec.run(List.of(f.save), null, line -> !line.startsWith("-A KUBE-") && !line.startsWith("#"));
        } catch (IOException e) {
            throw new BackendException("cannot run " + f.save + " (" + f.family + "): " + e.getMessage(), e);
        }
        // an empty namespace saves nothing, successfully; a failure must not pass for "nothing programmed", or the
        // missing-jump check would duplicate our jumps
        if (!r.ok()) throw new BackendException(f.save + " failed (exit " + r.exitCode() + "): " + firstLines(r.stderr(), 3));
        return r.stdout();
    }

    /** The built-in chains {@link #JUMPS} insert into, per table. */
    private static final Map<String, Set<String>> JUMP_CHAINS = jumpChains();

    private static Map<String, Set<String>> jumpChains() {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (Jump j : JUMPS) out.computeIfAbsent(j.table(), t -> new java.util.LinkedHashSet<>()).add(j.chain());
        return out;
    }

    private String nftChainsAndBuiltInRules(Family f) throws BackendException {
        List<String> list = List.of("nft", "list", "chains", f.family == IpFamily.IPv4 ? "ip" : "ip6");
        Exec.Result chains = run(f, list, null, line -> line.startsWith("table ") || line.startsWith("\tchain "));
        if (!chains.ok()) throw new BackendException(String.join(" ", list) + " failed (exit " + chains.exitCode() + "): " + firstLines(chains.stderr(), 3));
        Map<String, List<String>> byTable = nftChains(chains.stdout());
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, List<String>> table : byTable.entrySet()) {
            out.append('*').append(table.getKey()).append('\n');
            for (String c : table.getValue()) out.append(':').append(c).append(" - [0:0]\n");
            for (String builtIn : JUMP_CHAINS.getOrDefault(table.getKey(), Set.of())) {
                if (!table.getValue().contains(builtIn)) continue;
                List<String> cmd = List.of(f.command, "-w", "5", "-t", table.getKey(), "-S", builtIn);
                Exec.Result rules = run(f, cmd, null);
                if (!rules.ok()) throw new BackendException(String.join(" ", cmd) + " failed (exit " + rules.exitCode() + "): " + firstLines(rules.stderr(), 3));
                rules.stdout().lines().filter(l -> l.startsWith("-A ")).forEach(l -> out.append(l).append('\n'));
            }
            out.append("COMMIT\n");
        }
        return out.toString();
    }

    /**
     * Chains per table in {@code nft list chains} output ("table ip nat {", a tab and "chain NAME {" per chain; a
     * name nft would not parse bare is printed in double quotes).
     */
    static Map<String, List<String>> nftChains(String listing) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : listing.split("\n")) {
            String l = line.strip();
            if (l.endsWith(" {")) l = l.substring(0, l.length() - 2);
            if (l.startsWith("table ") && l.indexOf(' ', 6) > 0) {
                current = out.computeIfAbsent(unquote(l.substring(l.indexOf(' ', 6) + 1)), t -> new ArrayList<>());
            } else if (l.startsWith("chain ") && current != null) {
                current.add(unquote(l.substring(6)));
            }
        }
        return out;
    }

    private static String unquote(String name) {
        return name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"") ? name.substring(1, name.length() - 1) : name;
    }

    /**
     * Adds the jumps from built-in chains that {@code saved} (iptables-save output) lacks to the restore input, at
     * the top of each chain, so they land in the same transaction as our chains (and cost no extra exec: with
     * iptables-legacy each separate insert rewrites the whole table).
     */
    static String withMissingJumps(String restoreInput, String saved) {
        Map<String, List<String>> rules = rulesByTable(saved);
        Map<String, StringBuilder> extra = new LinkedHashMap<>();
        for (Jump j : JUMPS.reversed()) { // each goes to position 1, so insert in reverse to keep the listed order
            if (present(rules.getOrDefault(j.table(), List.of()), j)) continue;
            StringBuilder line = extra.computeIfAbsent(j.table(), t -> new StringBuilder()).append("-I ").append(j.chain()).append(" 1");
            for (String a : j.extra()) line.append(' ').append(a);
            if (j.comment() != null) line.append(" -m comment --comment ").append(Renderer.q(j.comment()));
            line.append(" -j ").append(j.target()).append('\n');
        }
        return insertAtTables(restoreInput, table -> "", table -> extra.getOrDefault(table, new StringBuilder()));
    }

    /** True if a saved rule of the jump's chain targets the jump's chain with the jump's comment. */
    private static boolean present(List<String> rules, Jump j) {
        for (String rule : rules) {
            if (!rule.startsWith("-A " + j.chain() + " ") || !rule.endsWith("-j " + j.target())) continue;
            if (j.comment() == null ? !rule.contains("--comment") : rule.contains(j.comment())) return true;
        }
        return false;
    }

    /** Rule lines per table in iptables-save output. */
    static Map<String, List<String>> rulesByTable(String save) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String table = null;
        for (String line : save.split("\n")) {
            if (line.startsWith("*")) table = line.substring(1).trim();
            else if (line.startsWith("-A ") && table != null) out.computeIfAbsent(table, t -> new ArrayList<>()).add(line);
        }
        return out;
    }

    @Override
    public void cleanup() throws BackendException {
        List<String> errors = new ArrayList<>();
        for (Variant v : Variant.values()) {
            for (IpFamily fam : IpFamily.values()) {
                Family f = new Family(fam, v);
                if (!Exec.available(f.save) || !Exec.available(f.restore)) continue;
                String saved;
                try {
                    saved = save(f);
                } catch (BackendException e) {
                    continue; // nothing we can read, nothing we can clean
                }
                if (!saved.contains("KUBE-")) continue;
                for (Jump j : JUMPS) {
                    for (int i = 0; i < 10 && run(f, prepend(f.command, j.args("-D")), null).ok(); i++) {
                        // a rule may be there more than once
                    }
                }
                StringBuilder input = new StringBuilder();
                chains(saved).forEach((table, list) -> {
                    List<String> ours = list.stream().filter(c -> OWN_CHAINS.contains(c) || ChainNames.isServiceChain(c)).sorted().toList();
                    if (ours.isEmpty()) return;
                    input.append('*').append(table).append('\n');
                    for (String c : ours) input.append(':').append(c).append(" - [0:0]\n");
                    for (String c : ours) input.append("-X ").append(c).append('\n');
                    input.append("COMMIT\n");
                });
                if (input.isEmpty()) continue;
                Exec.Result r = run(f, List.of(f.restore, "-w", "5", "--noflush"), input.toString());
                if (!r.ok()) errors.add(f.restore + ": " + firstLines(r.stderr(), 3));
            }
        }
        for (Family f : families) f.lastActive = null;
        if (!errors.isEmpty()) throw new BackendException("cleanup failed: " + String.join("; ", errors));
    }

    /** Chains per table in iptables-save output. */
    static Map<String, List<String>> chains(String save) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String table = null;
        for (String line : save.split("\n")) {
            if (line.startsWith("*")) table = line.substring(1).trim();
            else if (line.startsWith(":") && table != null) {
                int sp = line.indexOf(' ');
                out.computeIfAbsent(table, t -> new ArrayList<>()).add(line.substring(1, sp < 0 ? line.length() : sp));
            }
        }
        return out;
    }

    private Exec.Result run(Family f, List<String> command, String stdin) throws BackendException {
        return run(f, command, stdin, null);
    }

    private Exec.Result run(Family f, List<String> command, String stdin, java.util.function.Predicate<String> keep) throws BackendException {
        try {
            return exec.run(command, stdin, keep);
        } catch (IOException e) {
            throw new BackendException("cannot run " + command.getFirst() + " (" + f.family + "): " + e.getMessage(), e);
        }
    }

    private static List<String> prepend(String first, List<String> rest) {
        List<String> out = new ArrayList<>(rest.size() + 1);
        out.add(first);
        out.addAll(rest);
        return out;
    }

    private static String firstLines(String text, int n) {
        return String.join(" | ", text.strip().lines().limit(n).toList());
    }
}
