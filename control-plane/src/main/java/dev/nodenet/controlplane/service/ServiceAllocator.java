package dev.nodenet.controlplane.service;

import static dev.nodenet.controlplane.service.Svc.text;
import static dev.nodenet.controlplane.service.Svc.texts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.server.ApiException;
import dev.nodenet.controlplane.server.ResourceType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Allocates a Service's ClusterIPs, node ports and health check node port as store records, before the Service is
 * written, and settles them once the write's outcome is known: on success the values the old Service held and the
 * new one does not are released; on failure what this write claimed is released. Thread-safe (no state of its own
 * beyond the store).
 */
final class ServiceAllocator {
    private static final ResourceType SERVICES = ResourceType.byKind("Service");

    final AllocationRecords records;
    final ServiceNetworkConfig config;
    final Map<String, RangeAllocator.Ips4Or6> ipRanges = new LinkedHashMap<>();
    final RangeAllocator.Ports nodePorts;

    ServiceAllocator(AllocationRecords records, ServiceNetworkConfig config) {
        this.records = records;
        this.config = config;
        for (Cidr c : config.clusterIpRanges()) ipRanges.put(c.family(), new RangeAllocator.Ips4Or6(records, c));
        this.nodePorts = new RangeAllocator.Ports(records, config.nodePortMin(), config.nodePortMax());
    }

    /** One write's claims: what to undo if the write fails and what to release once it succeeded. */
    private final class Txn implements Consumer<Boolean> {
        final String uid;
        final List<String> claimed = new ArrayList<>();
        final List<String> releaseOnSuccess = new ArrayList<>();
        private boolean done;

        Txn(String uid) { this.uid = uid; }

        @Override
        public synchronized void accept(Boolean written) {
            if (done) return;
            done = true;
            for (String key : written ? releaseOnSuccess : claimed) records.release(key, uid);
        }
    }

    /**
     * Fills in the ClusterIPs and node ports {@code svc} needs, claiming them in the store (a dry run only checks).
     * Called after validation, right before the store write.
     *
     * @return to be called with whether the write happened (exactly once; later calls are ignored)
     * @throws ApiException 422 for a requested value that is taken or out of range, 500 when a range is full
     */
    Consumer<Boolean> begin(ObjectNode svc, ObjectNode old, boolean dryRun) {
        ObjectNode spec = Svc.spec(svc);
        ObjectNode meta = svc.get("metadata") instanceof ObjectNode m ? m : JsonNodeFactory.instance.objectNode();
        String ns = text(meta, "namespace"), name = text(meta, "name"), uid = text(meta, "uid");
        if (uid == null || uid.isEmpty()) throw ApiException.internal("service has no metadata.uid to own its allocations");
        Txn txn = new Txn(uid);
        if (spec == null) return txn;
        ObjectNode oldSpec = old == null ? null : Svc.spec(old);
        try {
            clusterIps(spec, oldSpec, new Claimant(ns, name, uid, dryRun, txn));
            nodePorts(spec, oldSpec, new Claimant(ns, name, uid, dryRun, txn));
        } catch (RuntimeException e) {
            txn.accept(false);
            throw e;
        }
        if (!dryRun && oldSpec != null) {
            Set<String> keep = new HashSet<>(keys(spec));
            for (String k : keys(oldSpec)) if (!keep.contains(k)) txn.releaseOnSuccess.add(k);
        }
        return txn;
    }

    /** Releases everything a deleted Service held (records owned by another Service are left alone). */
    void releaseAll(ObjectNode deleted) {
        ObjectNode spec = Svc.spec(deleted);
        String uid = deleted.path("metadata").path("uid").asText("");
        if (spec == null || uid.isEmpty()) return;
        for (String key : keys(spec)) records.release(key, uid);
    }

    /** The record keys of every value a Service spec holds. */
    static List<String> keys(ObjectNode spec) {
        List<String> out = new ArrayList<>();
        if (spec == null) return out;
        for (String ip : Svc.heldClusterIps(spec)) out.add(AllocationRecords.ipKey(ip));
        for (int p : Svc.heldNodePorts(spec)) out.add(AllocationRecords.portKey(p));
        return out;
    }

    private record Claimant(String ns, String name, String uid, boolean dryRun, Txn txn) {}

    private void clusterIps(ObjectNode spec, ObjectNode oldSpec, Claimant who) {
        if (!Svc.needsClusterIp(spec)) return;
        List<String> families = texts(spec, "ipFamilies");
        List<String> requested = texts(spec, "clusterIPs");
        Set<String> oldHeld = new HashSet<>(oldSpec == null ? List.of() : Svc.heldClusterIps(oldSpec));
        List<String> result = new ArrayList<>();
        for (int i = 0; i < families.size(); i++) {
            RangeAllocator.Ips4Or6 range = ipRanges.get(families.get(i));
            if (range == null) throw ApiException.internal("no ClusterIP range for family " + families.get(i)); // validation prevents this
            String want = i < requested.size() ? requested.get(i) : "";
            if (want.isEmpty()) {
                int offset;
                try {
                    offset = range.allocateNext(who.ns, who.name, who.uid, who.dryRun);
                } catch (RangeAllocator.Failure f) {
                    throw ApiException.internal("Internal error occurred: failed to allocate a serviceIP: " + f.getMessage());
                }
                if (!who.dryRun) who.txn.claimed.add(range.key(offset));
                result.add(range.ipAt(offset));
                continue;
            }
            byte[] ip = Ips.parse(want);
            String canonical = Ips.format(ip);
            result.add(canonical);
            if (oldHeld.contains(canonical)) continue;
            int offset = range.offsetOf(ip);
            ArrayNode shown = ServiceValidation.array(requested);
            if (offset < 0) {
                throw invalid(who.name, "spec.clusterIPs", shown, "failed to allocate IP " + want + ": the provided IP (" + want
                        + ") is not in the valid range. The range of valid IPs is " + range.cidr);
            }
            claim(range, offset, who, "spec.clusterIPs", shown, "failed to allocate IP " + want + ": provided IP is already allocated");
        }
        ArrayNode ips = spec.putArray("clusterIPs");
        result.forEach(ips::add);
        spec.put("clusterIP", result.get(0));
    }

    private void nodePorts(ObjectNode spec, ObjectNode oldSpec, Claimant who) {
        Set<Integer> oldHeld = new HashSet<>(oldSpec == null ? List.of() : Svc.heldNodePorts(oldSpec));
        Set<Integer> claimed = new HashSet<>();
        Map<Integer, Integer> byServicePort = new HashMap<>();
        List<ObjectNode> ports = Svc.ports(spec);
        for (int i = 0; i < ports.size(); i++) {
            ObjectNode p = ports.get(i);
            int np = Svc.intField(p, "nodePort");
            if (np == 0) continue;
            if (!oldHeld.contains(np) && claimed.add(np)) staticPort(np, who, "spec.ports[" + i + "].nodePort");
            claimed.add(np);
            byServicePort.putIfAbsent(Svc.intField(p, "port"), np);
        }
        if (Svc.needsNodePorts(spec)) {
            for (ObjectNode p : ports) {
                if (Svc.intField(p, "nodePort") != 0) continue;
                // Ports that differ only in protocol (DNS on 53/TCP and 53/UDP) share one node port, as upstream does.
                Integer shared = byServicePort.get(Svc.intField(p, "port"));
                int np = shared != null ? shared : dynamicPort(who);
                p.put("nodePort", np);
                claimed.add(np);
                byServicePort.putIfAbsent(Svc.intField(p, "port"), np);
            }
        }
        if (Svc.needsHealthCheck(spec)) {
            int hc = Svc.intField(spec, "healthCheckNodePort");
            if (hc == 0) {
                spec.put("healthCheckNodePort", dynamicPort(who));
            } else if (!oldHeld.contains(hc)) {
                if (claimed.contains(hc)) {
                    throw invalid(who.name, "spec.healthCheckNodePort", JsonNodeFactory.instance.numberNode(hc), "provided port is already allocated");
                }
                staticPort(hc, who, "spec.healthCheckNodePort");
            }
        }
    }

    private void staticPort(int port, Claimant who, String path) {
        JsonNode shown = JsonNodeFactory.instance.numberNode(port);
        int offset = nodePorts.offsetOf(port);
        if (offset < 0) {
            throw invalid(who.name, path, shown, "provided port is not in the valid range. The range of valid ports is " + config.nodePortRangeText());
        }
        claim(nodePorts, offset, who, path, shown, "provided port is already allocated");
    }

    private int dynamicPort(Claimant who) {
        try {
            int offset = nodePorts.allocateNext(who.ns, who.name, who.uid, who.dryRun);
            if (!who.dryRun) who.txn.claimed.add(nodePorts.key(offset));
            return nodePorts.min + offset;
        } catch (RangeAllocator.Failure f) {
            throw ApiException.internal("Internal error occurred: failed to allocate a nodePort: " + f.getMessage());
        }
    }

    private void claim(RangeAllocator range, int offset, Claimant who, String path, JsonNode shown, String takenMessage) {
        try {
            if (range.allocate(offset, who.ns, who.name, who.uid, who.dryRun, takenMessage)) who.txn.claimed.add(range.key(offset));
        } catch (RangeAllocator.Failure f) {
            throw invalid(who.name, path, shown, f.getMessage());
        }
    }

    private static ApiException invalid(String name, String path, JsonNode value, String detail) {
        return ApiException.invalid(SERVICES, name, List.of(new ApiException.Cause("FieldValueInvalid", path,
                "Invalid value: " + ServiceValidation.Causes.render(value) + ": " + detail)));
    }
}
