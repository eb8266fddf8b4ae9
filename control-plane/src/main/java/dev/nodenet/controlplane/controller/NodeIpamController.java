package dev.nodenet.controlplane.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.server.ApiException;
import dev.nodenet.controlplane.server.Registry;
import dev.nodenet.controlplane.server.ResourceType;
import dev.nodenet.controlplane.storage.Store;
import dev.nodenet.controlplane.storage.StoreException;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Gives every Node without {@code spec.podCIDR} one node-sized subnet of each cluster CIDR ({@code spec.podCIDR} =
 * the first, {@code spec.podCIDRs} = all, in cluster CIDR order), like kube-controller-manager's range allocator, and
 * takes it back when the Node is deleted. When a cluster CIDR is full the Node is left without and a warning logged;
 * it is served as soon as a CIDR is released.
 *
 * <p>What Nodes carry is the truth: at start the taken subnets are rebuilt from the Nodes, so assignments survive
 * restarts. So that two API servers running this controller never hand out the same subnet, each allocation is first
 * claimed by atomically creating the store key {@code /registry/allocations/podcidrs/<net>-<prefix>} (value: the Node's
 * name and uid); losing that race just moves on to the next subnet. The Node itself is then written by a guarded
 * read-modify-write ({@link Registry#patch}), which leaves a Node that meanwhile got a CIDR alone (and our claim is
 * dropped). Claims whose Node is gone or carries another CIDR are removed at start (left by a crash between the two
 * writes); with several servers that start-up sweep could drop a claim another server is about to use, so run the
 * controllers in one server at a time (no leader election yet).
 *
 * <p>Threading: the Node cache handler only enqueues Node names; the allocation state is owned by the single worker
 * thread {@code node-ipam-controller} ({@link #start} prepares it before that thread starts).
 */
final class NodeIpamController implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NodeIpamController.class.getName());
    static final String CLAIM_PREFIX = "/registry/allocations/podcidrs/";
    static final ResourceType NODES = ResourceType.byKind("Node");

    /** The CIDRs a Node (by uid) holds in our books. */
    private record Assigned(String uid, List<String> cidrs) {}

    private final Registry registry;
    private final ObjectMapper mapper = new ObjectMapper();
    private final List<CidrSet> sets = new ArrayList<>();
    private final ObjectCache nodes;
    private final WorkQueue<String> queue;
    private final Map<String, Assigned> assigned = new HashMap<>(); // worker thread only

    NodeIpamController(Registry registry, ControllerConfig config, ObjectCache nodes, ScheduledExecutorService timer) {
        this.registry = registry;
        this.nodes = nodes;
        for (String c : config.clusterCidrs()) {
            Cidr cidr = Cidr.parse(c);
            sets.add(new CidrSet(cidr, cidr.ipv6() ? config.nodeCidrMaskSizeIpv6() : config.nodeCidrMaskSizeIpv4()));
        }
        this.queue = new WorkQueue<>("node-ipam-controller", this::sync, timer);
        nodes.addHandler((old, cur) -> queue.add(ObjectCache.nameOf(cur != null ? cur : old)));
    }

    void start() {
        for (ObjectNode node : nodes.all()) {
            List<String> cidrs = podCidrs(node);
            if (!cidrs.isEmpty()) take(node, cidrs);
        }
        for (Store.Entry claim : registry.store().list(CLAIM_PREFIX).entries()) {
            String cidr = claim.key().substring(CLAIM_PREFIX.length()).replace('-', '/');
            String nodeName = claimField(claim.value(), "node");
            Assigned a = nodeName == null ? null : assigned.get(nodeName);
            if (a == null || !a.cidrs.contains(cidr) || !a.uid.equals(claimField(claim.value(), "uid"))) deleteClaim(claim);
        }
        for (ObjectNode node : nodes.all()) queue.add(ObjectCache.nameOf(node));
        queue.start();
    }

    void sync(String name) throws IOException {
        ObjectNode node = nodes.get(null, name);
        Assigned mine = assigned.get(name);
        String uid = node == null ? null : node.path("metadata").path("uid").asText();
        if (mine != null && (node == null || !mine.uid.equals(uid))) {
            release(name, mine);
        }
        if (node == null) return;
        List<String> cidrs = podCidrs(node);
        if (!cidrs.isEmpty()) {
            Assigned now = assigned.get(name);
            if (now == null || !now.cidrs.equals(cidrs)) take(node, cidrs);
            return;
        }
        if (!sets.isEmpty()) allocate(node, name, uid);
    }

    private void allocate(ObjectNode node, String name, String uid) throws IOException {
        List<String> claimed = new ArrayList<>();
        for (CidrSet set : sets) {
            while (true) {
                int idx = set.nextFree();
                if (idx < 0) {
                    LOG.log(Level.WARNING, "no free pod CIDR left in " + set.cluster() + " for node " + name
                            + ": the node stays without one until a node is deleted");
                    for (String c : claimed) dropClaim(c, uid);
                    return;
                }
                set.occupy(idx);
                String cidr = set.format(idx);
                try {
                    registry.store().create(claimKey(cidr), mapper.writeValueAsBytes(Map.of("node", name, "uid", uid)));
                    claimed.add(cidr);
                    break;
                } catch (StoreException.AlreadyExists e) {
                    // Another server claimed it (it will show up on its Node): leave the bit set, try the next one.
                }
            }
        }
        ObjectNode result;
        try {
            result = registry.patch(NODES, null, name, n -> {
                if (!uid.equals(n.path("metadata").path("uid").asText()) || !podCidrs(n).isEmpty()) return n;
                ObjectNode spec = n.get("spec") instanceof ObjectNode o ? o : n.putObject("spec");
                spec.put("podCIDR", claimed.getFirst());
                spec.putArray("podCIDRs").addAll(claimed.stream().map(c -> spec.textNode(c)).toList());
                return n;
            }, Registry.Part.MAIN, false);
        } catch (RuntimeException e) {
            for (String c : claimed) dropClaim(c, uid);
            if (e instanceof ApiException api && api.code() == 404) return; // the Node went away meanwhile
            throw e;
        }
        if (podCidrs(result).equals(claimed)) {
            assigned.put(name, new Assigned(uid, claimed));
            nodes.putLocal(result);
            LOG.log(Level.INFO, "node " + name + " gets pod CIDRs " + claimed);
        } else {
            for (String c : claimed) dropClaim(c, uid);
        }
    }

    /** Books CIDRs a Node already carries (set by us earlier, another server, or an admin). */
    private void take(ObjectNode node, List<String> cidrs) {
        String name = ObjectCache.nameOf(node), uid = node.path("metadata").path("uid").asText();
        Assigned old = assigned.put(name, new Assigned(uid, cidrs));
        if (old != null) {
            for (String c : old.cidrs) if (!cidrs.contains(c)) dropClaim(c, old.uid);
        }
        for (String c : cidrs) {
            CidrSet set = setOf(c);
            if (set == null) continue; // outside our cluster CIDRs: not ours to manage
            set.occupy(set.indexOf(c));
            try {
                registry.store().create(claimKey(c), mapper.writeValueAsBytes(Map.of("node", name, "uid", uid)));
            } catch (StoreException.AlreadyExists | IOException e) {
                // already claimed (normally by this very Node)
            }
        }
    }

    private void release(String name, Assigned mine) {
        assigned.remove(name);
        for (String c : mine.cidrs) dropClaim(c, mine.uid);
        LOG.log(Level.INFO, "node " + name + " released pod CIDRs " + mine.cidrs);
        // Nodes that found every range full may fit now.
        for (ObjectNode n : nodes.all()) if (podCidrs(n).isEmpty()) queue.add(ObjectCache.nameOf(n));
    }

    /** Frees a CIDR in the bitmap and deletes its claim if the claim is the given Node's. */
    private void dropClaim(String cidr, String uid) {
        CidrSet set = setOf(cidr);
        if (set == null) return;
        registry.store().get(claimKey(cidr)).ifPresent(claim -> {
            if (uid.equals(claimField(claim.value(), "uid"))) deleteClaim(claim);
        });
        if (registry.store().get(claimKey(cidr)).isEmpty()) set.release(set.indexOf(cidr));
    }

    private void deleteClaim(Store.Entry claim) {
        try {
            registry.store().delete(claim.key(), claim.modRevision());
        } catch (StoreException.NotFound | StoreException.Conflict e) {
            // changed hands meanwhile: the new holder keeps it
        }
    }

    private CidrSet setOf(String cidr) {
        for (CidrSet s : sets) if (s.indexOf(cidr) >= 0) return s;
        return null;
    }

    private String claimField(byte[] value, String field) {
        try {
            JsonNode v = mapper.readTree(value).get(field);
            return v == null ? null : v.asText();
        } catch (IOException e) {
            return null;
        }
    }

    static String claimKey(String cidr) {
        return CLAIM_PREFIX + cidr.replace('/', '-');
    }

    static List<String> podCidrs(ObjectNode node) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : node.path("spec").path("podCIDRs")) if (!c.asText().isEmpty()) out.add(c.asText());
        String single = node.path("spec").path("podCIDR").asText("");
        if (out.isEmpty() && !single.isEmpty()) out.add(single);
        return out;
    }

    @Override
    public void close() {
        queue.close();
    }
}
