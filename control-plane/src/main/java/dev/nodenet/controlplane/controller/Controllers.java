package dev.nodenet.controlplane.controller;

import dev.nodenet.controlplane.server.Registry;
import dev.nodenet.controlplane.server.ResourceType;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The in-process controllers a node data plane depends on (the kube-controller-manager parts): EndpointSlices and
 * Endpoints for Services with selectors, Node pod CIDRs, and garbage collection of objects whose owners are gone.
 *
 * <p>They read through shared in-memory caches fed by list + watch on the {@link Registry}'s store (no HTTP) and
 * write through the Registry, so every write gets the same validation and metadata as an API request and is seen by
 * API watchers. Threads: the store's watch dispatcher updates the caches and enqueues keys; each controller has one
 * worker thread ({@code endpointslice-controller}, {@code endpoints-controller}, {@code node-ipam-controller},
 * {@code garbage-collector}); one timer thread ({@code nodenet-controllers-timer}) runs retries, re-lists and the
 * periodic garbage scan. All are daemon threads.
 */
public final class Controllers {
    private static final System.Logger LOG = System.getLogger(Controllers.class.getName());

    private Controllers() {}

    /**
     * Lists what the controllers need, starts their watches and workers, and returns a handle that stops them all
     * (it does not close the store). Call after the store is open and the system namespaces exist; throws if the
     * initial lists fail (nothing is left running then).
     */
    public static AutoCloseable start(Registry registry, ControllerConfig config) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("nodenet-controllers-timer").daemon(true).factory());
        List<AutoCloseable> running = new ArrayList<>();
        try {
            ObjectCache services = new ObjectCache(ResourceType.byKind("Service"), registry, timer);
            ObjectCache pods = new ObjectCache(ResourceType.byKind("Pod"), registry, timer);
            ObjectCache nodes = new ObjectCache(ResourceType.byKind("Node"), registry, timer);
            ObjectCache slices = new ObjectCache(EndpointSliceController.SLICES, registry, timer);
            ObjectCache endpoints = new ObjectCache(EndpointsController.ENDPOINTS, registry, timer);
            SelectorIndex index = new SelectorIndex(services, pods);
            EndpointSliceController sliceController = new EndpointSliceController(registry, config.maxEndpointsPerSlice(),
                    services, pods, nodes, slices, index, timer);
            EndpointsController endpointsController = new EndpointsController(registry, services, pods, endpoints, index, timer);
            NodeIpamController ipam = new NodeIpamController(registry, config, nodes, timer);
            GarbageCollector gc = new GarbageCollector(registry, List.of(slices, endpoints, pods),
                    List.of(services, pods, nodes, slices, endpoints), config.gcPeriod(), timer);
            // Close order (reverse of this list): workers first, then the caches feeding them.
            for (ObjectCache c : List.of(services, pods, nodes, slices, endpoints)) {
                running.add(c);
                c.start();
            }
            running.add(sliceController);
            sliceController.start();
            running.add(endpointsController);
            endpointsController.start();
            running.add(ipam);
            ipam.start();
            running.add(gc);
            gc.start();
        } catch (RuntimeException | Error e) {
            closeAll(running, timer);
            throw e;
        }
        LOG.log(Level.INFO, "controllers started: endpointslice, endpoints, node-ipam " + config.clusterCidrs() + ", garbage-collector");
        return () -> closeAll(running, timer);
    }

    private static void closeAll(List<AutoCloseable> running, ScheduledExecutorService timer) {
        timer.shutdownNow();
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "stopping controller part failed", e);
            }
        }
        running.clear();
    }
}
