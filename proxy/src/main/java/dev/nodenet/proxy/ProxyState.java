package dev.nodenet.proxy;

import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The complete desired state a {@link Backend} programs: this node and every Service port, sorted by name so rule
 * output is deterministic. Immutable.
 */
public record ProxyState(NodeInfo node, NavigableMap<ServicePortName, ServicePortState> services) {
    public ProxyState {
        services = Collections.unmodifiableNavigableMap(new TreeMap<>(services));
    }
}
