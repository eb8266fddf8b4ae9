package dev.nodenet.controlplane.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.server.ApiException;
import dev.nodenet.controlplane.server.Registry;
import dev.nodenet.controlplane.server.ResourceType;
import dev.nodenet.controlplane.storage.Store;
import dev.nodenet.controlplane.storage.StoreException;

import java.util.Optional;

/**
 * The {@code default/kubernetes} Service every cluster has (ClusterIP = first address of the primary service range,
 * port 443 → the API server's secure port) with its Endpoints and EndpointSlice pointing at the API server's
 * advertise address, so in-cluster clients (and kube-proxy) reach the API server.
 *
 * <p>Called once at server start, after the system namespaces exist, from the starting thread. Idempotent and safe
 * with several API servers starting together (a lost create race is followed by a compare-and-update). With several
 * servers the last one to start owns the endpoint address (no lease-based endpoint reconciler).
 */
public final class KubernetesService {
    private KubernetesService() {}

    static final String NAMESPACE = "default";
    static final String NAME = "kubernetes";

    /**
     * Creates or corrects the Service, Endpoints and EndpointSlice.
     *
     * @param advertiseAddress the API server's IP literal as other hosts reach it
     * @param securePort       the API server's HTTPS port
     * @throws IllegalArgumentException when {@code advertiseAddress} is not an IP literal or the port is out of range
     */
    public static void ensure(Registry registry, ServiceNetworkConfig config, String advertiseAddress, int securePort) {
        byte[] ip = Ips.parse(advertiseAddress);
        if (ip == null) throw new IllegalArgumentException("advertise address \"" + advertiseAddress + "\" is not an IP address");
        if (securePort < 1 || securePort > 65535) throw new IllegalArgumentException("secure port " + securePort + " is not between 1 and 65535");
        String address = Ips.format(ip);
        releaseStaleClaim(registry.store(), config);
        upsert(registry, ResourceType.byKind("Service"), service(config, securePort), "spec");
        upsert(registry, ResourceType.byKind("Endpoints"), endpoints(address, securePort), "subsets");
        upsert(registry, ResourceType.byKind("EndpointSlice"), slice(address, Ips.family(ip), securePort), "endpoints", "ports", "addressType");
    }

    /**
     * A record for the kubernetes Service's address, owned by {@code default/kubernetes}, while no such Service exists,
     * is what a start that died between claiming the address and writing the Service leaves behind; without this the
     * next start would be refused its own address until the repair's grace period passed. (Another server's bootstrap
     * in flight looks the same; if both race, the Service may end up without a record, which the repair recreates.
     * Dynamic allocation never hands out this address, so the window cannot cause a double allocation.)
     */
    static void releaseStaleClaim(Store store, ServiceNetworkConfig config) {
        Optional<Store.Entry> rec = store.get(AllocationRecords.ipKey(config.kubernetesServiceIp()));
        if (rec.isEmpty()) return;
        AllocationRecords.Owner owner = AllocationRecords.decode(rec.get().value());
        if (owner == null || !owner.namespace().equals(NAMESPACE) || !owner.name().equals(NAME)) return;
        if (store.get(ResourceType.byKind("Service").key(NAMESPACE, NAME)).isPresent()) return;
        try {
            store.delete(rec.get().key(), rec.get().modRevision());
        } catch (StoreException.NotFound | StoreException.Conflict gone) {
            // someone else settled it first
        }
    }

    static ObjectNode service(ServiceNetworkConfig config, int securePort) {
        ObjectNode svc = object(NAME);
        labels(svc).put("component", "apiserver").put("provider", "kubernetes");
        ObjectNode spec = svc.putObject("spec");
        spec.put("type", "ClusterIP").put("clusterIP", config.kubernetesServiceIp()).put("sessionAffinity", "None");
        spec.putArray("ports").addObject().put("name", "https").put("port", 443).put("protocol", "TCP").put("targetPort", securePort);
        return svc;
    }

    static ObjectNode endpoints(String address, int securePort) {
        ObjectNode ep = object(NAME);
        // The EndpointSlice is written here directly; the mirroring controller must not copy this one.
        labels(ep).put("endpointslice.kubernetes.io/skip-mirror", "true");
        ObjectNode subset = ep.putArray("subsets").addObject();
        subset.putArray("addresses").addObject().put("ip", address);
        subset.putArray("ports").addObject().put("name", "https").put("port", securePort).put("protocol", "TCP");
        return ep;
    }

    static ObjectNode slice(String address, String family, int securePort) {
        ObjectNode s = object(NAME);
        labels(s).put("kubernetes.io/service-name", NAME);
        s.put("addressType", family);
        ObjectNode e = s.putArray("endpoints").addObject();
        e.putArray("addresses").add(address);
        e.putObject("conditions").put("ready", true);
        s.putArray("ports").addObject().put("name", "https").put("port", securePort).put("protocol", "TCP");
        return s;
    }

    private static ObjectNode object(String name) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.putObject("metadata").put("name", name).put("namespace", NAMESPACE);
        return o;
    }

    private static ObjectNode labels(ObjectNode obj) {
        return ((ObjectNode) obj.get("metadata")).putObject("labels");
    }

    /** Creates {@code desired}, or, when it exists, rewrites the given top-level fields and labels if they differ. */
    private static void upsert(Registry registry, ResourceType type, ObjectNode desired, String... fields) {
        // Look first: creating an existing Service would claim its address again and fail as "already allocated".
        ObjectNode current = find(registry, type);
        if (current == null) {
            try {
                registry.create(type, NAMESPACE, desired.deepCopy(), false);
                return;
            } catch (ApiException e) {
                // Another server created it between our look and our create (409, or 422 for the address it claimed).
                current = e.code() == 409 || e.code() == 422 ? find(registry, type) : null;
                if (current == null) throw e;
            }
        }
        // Compare first: a restart with nothing to correct writes nothing.
        if (upToDate(current, desired, fields)) return;
        registry.patch(type, NAMESPACE, NAME, latest -> {
            ObjectNode labels = latest.with("metadata").with("labels");
            desired.path("metadata").path("labels").properties().forEach(en -> labels.set(en.getKey(), en.getValue()));
            for (String f : fields) {
                if (f.equals("spec")) latest.with("spec").set("ports", desired.path("spec").get("ports").deepCopy());
                else latest.set(f, desired.get(f).deepCopy());
            }
            return latest;
        }, Registry.Part.MAIN, false);
    }

    private static ObjectNode find(Registry registry, ResourceType type) {
        try {
            return registry.get(type, NAMESPACE, NAME);
        } catch (ApiException e) {
            if (e.code() == 404) return null;
            throw e;
        }
    }

    /** Ports are ours to set in the Service spec; the ClusterIP is immutable and the rest keeps what the server defaulted. */
    private static boolean upToDate(ObjectNode current, ObjectNode desired, String... fields) {
        JsonNode labels = current.path("metadata").path("labels");
        for (var en : desired.path("metadata").path("labels").properties()) {
            if (!en.getValue().equals(labels.get(en.getKey()))) return false;
        }
        for (String f : fields) {
            boolean same = f.equals("spec")
                    ? desired.path("spec").get("ports").equals(current.path("spec").get("ports"))
                    : desired.get(f).equals(current.get(f));
            if (!same) return false;
        }
        return true;
    }
}
