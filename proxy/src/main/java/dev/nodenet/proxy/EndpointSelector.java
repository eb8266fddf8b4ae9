package dev.nodenet.proxy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Predicate;

/**
 * Endpoint selection shared by every proxy mode: a pure function of one Service port, its endpoints of one family,
 * and this node's name and zone. Rules, in order:
 * <ol>
 *   <li>Cluster traffic uses ready endpoints; if none is ready it falls back to endpoints that are serving while
 *       terminating (KEP-1669), so connections drain instead of failing during a rollout.</li>
 *   <li>Topology: when the Service asks for it (trafficDistribution PreferClose/PreferSameZone or the topology-mode
 *       annotation Auto), this node has a zone, every ready endpoint carries zone hints and at least one names our
 *       zone, cluster traffic uses only endpoints hinted for our zone. Otherwise hints are ignored.</li>
 *   <li>Local traffic (iTP Local, or eTP Local on an externally reachable Service) uses this node's ready endpoints,
 *       else this node's serving-terminating ones.</li>
 * </ol>
 * Stateless and thread-safe.
 */
public final class EndpointSelector {
    private EndpointSelector() {
    }

    /**
     * @param endpoints the port's endpoints of one family
     * @param nodeZone this node's topology.kubernetes.io/zone label, or null
     */
    public static Selection select(ServiceInfo service, List<EndpointInfo> endpoints, String nodeZone) {
        List<EndpointInfo> cluster = List.of();
        boolean hasAny = false;
        if (service.usesClusterEndpoints()) {
            boolean zonal = useZoneHints(service, endpoints, nodeZone);
            Predicate<EndpointInfo> inTopology = ep -> !zonal || ep.zoneHints().contains(nodeZone);
            cluster = filter(endpoints, ep -> ep.ready() && inTopology.test(ep));
            if (cluster.isEmpty()) cluster = filter(endpoints, ep -> ep.servingTerminating() && inTopology.test(ep));
            hasAny = !cluster.isEmpty();
        }
        if (!service.usesLocalEndpoints()) return new Selection(cluster, List.of(), cluster, hasAny);

        boolean localReady = false, localServingTerminating = false;
        for (EndpointInfo ep : endpoints) {
            if (ep.ready()) {
                hasAny = true;
                localReady |= ep.local();
            } else if (ep.servingTerminating()) {
                hasAny = true;
                localServingTerminating |= ep.local();
            }
        }
        List<EndpointInfo> local = localReady ? filter(endpoints, ep -> ep.local() && ep.ready())
                : localServingTerminating ? filter(endpoints, ep -> ep.local() && ep.servingTerminating()) : List.of();
        if (!service.usesClusterEndpoints()) return new Selection(List.of(), local, local, hasAny);
        LinkedHashSet<EndpointInfo> all = new LinkedHashSet<>(cluster);
        all.addAll(local);
        return new Selection(cluster, local, new ArrayList<>(all), hasAny);
    }

    private static boolean useZoneHints(ServiceInfo service, List<EndpointInfo> endpoints, String nodeZone) {
        if (!service.topologyAware() || nodeZone == null || nodeZone.isEmpty()) return false;
        boolean hintForUs = false;
        for (EndpointInfo ep : endpoints) {
            if (!ep.ready()) continue;
            // a half-hinted slice set means the controller is mid-update: using it could overload a few endpoints
            if (ep.zoneHints().isEmpty()) return false;
            hintForUs |= ep.zoneHints().contains(nodeZone);
        }
        return hintForUs;
    }

    private static List<EndpointInfo> filter(List<EndpointInfo> endpoints, Predicate<EndpointInfo> keep) {
        List<EndpointInfo> out = new ArrayList<>();
        for (EndpointInfo ep : endpoints) if (keep.test(ep)) out.add(ep);
        return out;
    }
}
