package dev.nodenet.bench;

import dev.nodenet.api.client.KubeClient;
import dev.nodenet.api.client.Resource;
import dev.nodenet.api.model.Endpoint;
import dev.nodenet.api.model.EndpointConditions;
import dev.nodenet.api.model.EndpointPort;
import dev.nodenet.api.model.EndpointSlice;
import dev.nodenet.api.model.IntOrString;
import dev.nodenet.api.model.ObjectMeta;
import dev.nodenet.api.model.Service;
import dev.nodenet.api.model.ServicePort;
import dev.nodenet.api.model.ServiceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Loads S selector-less ClusterIP Services ("svc-I", port http 80) with one EndpointSlice each ("svc-I-0", E ready
 * endpoints on node-b at 8080, addresses from {@link IptablesBench#podIp}) into namespace "default" through the API,
 * 16 requests at a time. The slices are ours, as a custom endpoints controller's would be (the API server's
 * controller leaves Services without a selector alone).
 */
final class ApiLoad {
    static final String NAMESPACE = "default";
    private static final int PARALLEL = 16;

    private ApiLoad() {}

    /** @return the created slices, by Service index (with their resourceVersions, for updates) */
    static EndpointSlice[] load(KubeClient client, int services, int endpoints) throws Exception {
        EndpointSlice[] slices = new EndpointSlice[services];
        Semaphore permits = new Semaphore(PARALLEL);
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < services; i++) {
                int index = i;
                permits.acquire();
                done.add(pool.submit(() -> {
                    try {
                        client.create(Resource.SERVICES, NAMESPACE, service(index));
                        List<String> ips = new ArrayList<>();
                        for (int e = 0; e < endpoints; e++) ips.add(IptablesBench.podIp(index * endpoints + e));
                        slices[index] = client.create(Resource.ENDPOINT_SLICES, NAMESPACE, slice(index, ips));
                        return null;
                    } finally {
                        permits.release();
                    }
                }));
            }
            for (Future<?> f : done) f.get();
        }
        return slices;
    }

    static Service service(int i) {
        ServicePort p = new ServicePort("http", "TCP", 80, IntOrString.of(8080), null, null);
        ServiceSpec spec = new ServiceSpec("ClusterIP", null, null, null, null, List.of(p), null, "None", null, null, null,
                null, "Cluster", null, null, null, null, null, null, null);
        return Service.of(new ObjectMeta("svc-" + i, null, NAMESPACE, null, null, null, null, null, null, null, null, null, null))
                .withSpec(spec);
    }

    static EndpointSlice slice(int i, List<String> ips) {
        List<Endpoint> eps = new ArrayList<>();
        for (String ip : ips) eps.add(new Endpoint(List.of(ip), new EndpointConditions(true, true, false), null, "node-b", null, null, null));
        ObjectMeta meta = new ObjectMeta("svc-" + i + "-0", null, NAMESPACE, null, null, null, null, null, null,
                Map.of(EndpointSlice.SERVICE_NAME_LABEL, "svc-" + i, "endpointslice.kubernetes.io/managed-by", "bench.nodenet.dev"),
                null, null, null);
        return EndpointSlice.of(meta).withAddressType("IPv4").withEndpoints(eps)
                .withPorts(List.of(new EndpointPort("http", "TCP", 8080, null)));
    }
}
