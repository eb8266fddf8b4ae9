/**
 * The node proxy core, shared by every proxy mode.
 * <ul>
 *   <li>{@link dev.nodenet.proxy.ProxyCommand}: {@code ./nodenet proxy}, kube-proxy's flags and KubeProxyConfiguration;
 *       starts informers (Services and EndpointSlices with kube-proxy's label selector, this node's Node), the
 *       {@link dev.nodenet.proxy.Proxier}, the status servers (:10249, :10256) and finds the mode's
 *       {@link dev.nodenet.proxy.BackendProvider} with {@link java.util.ServiceLoader}.</li>
 *   <li>{@link dev.nodenet.proxy.Proxier}: change queue → single sync thread → trackers → {@link dev.nodenet.proxy.EndpointSelector}
 *       → {@link dev.nodenet.proxy.Backend#sync}; bounded-frequency runner, stale UDP conntrack cleanup, health, metrics.</li>
 *   <li>{@link dev.nodenet.proxy.ProxyState} / {@link dev.nodenet.proxy.Changes}: what a mode programs (the whole desired
 *       state) and what changed since its last successful sync.</li>
 * </ul>
 */
package dev.nodenet.proxy;
