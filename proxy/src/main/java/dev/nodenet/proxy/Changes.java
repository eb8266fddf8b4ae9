package dev.nodenet.proxy;

import java.util.Set;

/**
 * What changed since the backend's last successful sync.
 *
 * @param full the backend must rebuild everything and must not trust what it believes is programmed (first sync,
 *        after a failure, once an hour as kube-proxy's FullSyncPeriod, after a node change)
 * @param servicePorts Service ports added, changed or removed (removed ones are absent from the state); meaningful
 *        only when {@code full} is false
 */
public record Changes(boolean full, Set<ServicePortName> servicePorts) {
    public Changes {
        servicePorts = Set.copyOf(servicePorts);
    }

    public static Changes fullSync() {
        return new Changes(true, Set.of());
    }
}
