package dev.nodenet.controlplane.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.server.ApiException;
import dev.nodenet.controlplane.server.Strategy;
import dev.nodenet.controlplane.storage.Store;

import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

/**
 * Services as kube-apiserver treats them: defaulting (type, session affinity, protocols, target ports, traffic
 * policies, IP families), validation with upstream's wording, and ClusterIP / node port allocation recorded in the
 * store under {@code /registry/allocations/}, so no value is ever handed out twice — across threads, restarts and API
 * servers sharing a store. A failed or interrupted write can leave a record behind; {@link AllocationRepair} reclaims
 * those.
 *
 * <p>The registry calls, per write: {@link #prepareForCreate}/{@link #prepareForUpdate}, {@link #validate}, then
 * {@link #beginWrite} right before the store write and the returned callback with the write's outcome;
 * {@link #afterDelete} after a delete. Thread-safe; called from request threads concurrently.
 */
public final class ServiceStrategy implements Strategy {
    private final ServiceNetworkConfig config;
    private final ServiceAllocator allocator;

    public ServiceStrategy(Store store, ServiceNetworkConfig config) {
        this(store, config, Clock.systemUTC());
    }

    ServiceStrategy(Store store, ServiceNetworkConfig config, Clock clock) {
        this.config = config;
        this.allocator = new ServiceAllocator(new AllocationRecords(store, clock), config);
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status").putObject("loadBalancer");
        ObjectNode spec = Svc.spec(obj);
        if (spec != null) ServiceDefaults.apply(spec, config);
    }

    @Override
    public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
        ObjectNode spec = Svc.spec(obj);
        if (spec == null) return;
        ObjectNode oldSpec = Svc.spec(old);
        if (oldSpec != null) ServiceDefaults.carryOver(spec, oldSpec);
        ServiceDefaults.apply(spec, config);
    }

    @Override
    public List<ApiException.Cause> validate(ObjectNode obj, ObjectNode old) {
        return ServiceValidation.validate(obj, old, config);
    }

    /**
     * Claims the ClusterIPs and node ports {@code obj} needs and writes them into it; called after {@link #validate}
     * passed, right before the store write ({@code old} null on create). A dry run checks requested values and shows
     * plausible free ones without claiming anything.
     *
     * <p>Needs the {@code Strategy} hook of the same signature (see the integration notes); the registry must call
     * the result exactly once: {@code true} after the write succeeded (old values are released), {@code false} when
     * it failed or was not attempted (this write's claims are released).
     *
     * @throws ApiException 422 when a requested IP or port is taken or outside its range, 500 when a range is full
     */
    public Consumer<Boolean> beginWrite(ObjectNode obj, ObjectNode old, boolean dryRun) {
        return allocator.begin(obj, old, dryRun);
    }

    @Override
    public void afterDelete(ObjectNode deleted) {
        allocator.releaseAll(deleted);
    }
}
