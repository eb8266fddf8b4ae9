package dev.nodenet.controlplane.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.server.ResourceType;
import dev.nodenet.controlplane.storage.Store;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Brings allocation records and Services back in line, like kube-apiserver's repair controllers: releases records whose
 * owner Service is gone (or is another Service of the same name, or no longer uses the value) and recreates missing
 * records for values Services hold (Services written before allocation existed, or a release that raced a repair).
 *
 * <p>Safe next to concurrent writes: a record younger than {@code grace} is never reclaimed (its Service may still be
 * on its way to the store), the owner is re-read right before a record is deleted, and the delete is conditional on
 * the record being unchanged. Missing records are created with an atomic create, so the repair never takes a value
 * from anyone. Several API servers may run it at once.
 *
 * <p>Threading: {@link #runOnce} may be called from any thread; {@link #start} runs it on one daemon thread of its own.
 */
public final class AllocationRepair implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AllocationRepair.class.getName());
    private static final ResourceType SERVICES = ResourceType.byKind("Service");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Default minimum age of a record before it may be reclaimed: far longer than any Service write takes. */
    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(1);

    private final AllocationRecords records;
    private final ServiceAllocator ranges;
    private final Duration grace;
    private ScheduledExecutorService timer;

    public AllocationRepair(Store store, ServiceNetworkConfig config) {
        this(store, config, Clock.systemUTC(), DEFAULT_GRACE);
    }

    AllocationRepair(Store store, ServiceNetworkConfig config, Clock clock, Duration grace) {
        this.records = new AllocationRecords(store, clock);
        this.ranges = new ServiceAllocator(records, config);
        this.grace = grace;
    }

    /**
     * What one pass did.
     *
     * @param released  leaked records deleted
     * @param recreated records created for values Services held without one
     * @param problems  values no record can be made for: taken by another Service, or outside the configured ranges
     */
    public record Result(int released, int recreated, List<String> problems) {}

    /** One pass over every Service and every allocation record. */
    public Result runOnce() {
        Map<String, ObjectNode> services = new LinkedHashMap<>(); // key order: the earlier name wins a conflict, every run
        for (Store.Entry e : records.store().list(SERVICES.keyPrefix()).entries()) {
            ObjectNode svc = decode(e.value());
            if (svc != null) services.put(e.key(), svc);
        }
        int released = 0;
        List<Store.Entry> recs = new ArrayList<>(records.store().list(AllocationRecords.IP_PREFIX).entries());
        recs.addAll(records.store().list(AllocationRecords.PORT_PREFIX).entries());
        long now = records.clock().millis();
        for (Store.Entry rec : recs) {
            AllocationRecords.Owner owner = AllocationRecords.decode(rec.value());
            if (owner != null && now - owner.allocatedAtMs() < grace.toMillis()) continue;
            if (owner != null && holds(services.get(SERVICES.key(owner.namespace(), owner.name())), owner.uid(), rec.key())) continue;
            // Looks leaked in the snapshot; confirm with the owner's current state before letting go.
            if (owner != null && holds(currentService(owner), owner.uid(), rec.key())) continue;
            if (records.deleteIfUnchanged(rec)) {
                released++;
                LOG.log(System.Logger.Level.INFO, "released leaked allocation {0} (owner {1})", rec.key(),
                        owner == null ? "unreadable" : owner.namespace() + "/" + owner.name() + " uid " + owner.uid());
            }
        }
        int recreated = 0;
        List<String> problems = new ArrayList<>();
        for (ObjectNode svc : services.values()) {
            JsonNode meta = svc.path("metadata");
            String ns = meta.path("namespace").asText(), name = meta.path("name").asText(), uid = meta.path("uid").asText("");
            if (uid.isEmpty()) continue;
            for (String key : ServiceAllocator.keys(Svc.spec(svc))) {
                if (!inRange(key)) {
                    problems.add(ns + "/" + name + ": " + key + " is outside the configured range");
                    continue;
                }
                Optional<AllocationRecords.Owner> holder = records.owner(key);
                if (holder.isPresent()) {
                    if (!holder.get().uid().equals(uid) && holds(currentService(ns, name), uid, key)) {
                        problems.add(ns + "/" + name + ": " + key + " is held by " + holder.get().namespace() + "/" + holder.get().name());
                    }
                    continue;
                }
                // Missing: the Service may have dropped the value since the snapshot, so ask its current state.
                if (!holds(currentService(ns, name), uid, key)) continue;
                switch (records.claim(key, ns, name, uid)) {
                    case CREATED -> {
                        recreated++;
                        LOG.log(System.Logger.Level.INFO, "recreated missing allocation {0} for service {1}/{2}", key, ns, name);
                    }
                    case ALREADY_OURS -> {}
                    case TAKEN -> problems.add(ns + "/" + name + ": " + key + " was just taken by another service");
                }
            }
        }
        for (String p : problems) LOG.log(System.Logger.Level.WARNING, "allocation problem: {0}", p);
        return new Result(released, recreated, List.copyOf(problems));
    }

    /** Runs {@link #runOnce} now and then every {@code period} on a daemon thread until {@link #close}; failures are logged. */
    public synchronized void start(Duration period) {
        if (timer != null) throw new IllegalStateException("already started");
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "service-allocation-repair");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                runOnce();
            } catch (RuntimeException e) { // store outages included: the next pass retries
                LOG.log(System.Logger.Level.WARNING, "allocation repair pass failed", e);
            }
        }, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (timer == null) return;
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer = null;
    }

    private boolean inRange(String key) {
        if (key.startsWith(AllocationRecords.PORT_PREFIX)) return ranges.nodePorts.offsetOfKey(key) >= 0;
        for (RangeAllocator.Ips4Or6 r : ranges.ipRanges.values()) if (r.offsetOfKey(key) >= 0) return true;
        return false;
    }

    private ObjectNode currentService(AllocationRecords.Owner owner) {
        return currentService(owner.namespace(), owner.name());
    }

    private ObjectNode currentService(String namespace, String name) {
        return records.store().get(SERVICES.key(namespace, name)).map(e -> decode(e.value())).orElse(null);
    }

    private static boolean holds(ObjectNode svc, String uid, String key) {
        if (svc == null || !uid.equals(svc.path("metadata").path("uid").asText())) return false;
        return ServiceAllocator.keys(Svc.spec(svc)).contains(key);
    }

    private static ObjectNode decode(byte[] value) {
        try {
            JsonNode n = MAPPER.readTree(value);
            return n instanceof ObjectNode o ? o : null;
        } catch (IOException e) {
            return null;
        }
    }
}
