/**
 * The userspace proxy mode ({@code --proxy-mode userspace}): iptables portal rules redirect Service traffic to Netty
 * epoll listeners in the node daemon, which pick an endpoint (round-robin, ClientIP affinity, failover) and relay
 * bytes. Entry point: {@link dev.nodenet.userspace.UserspaceProvider}, found by the proxy core through ServiceLoader.
 */
package dev.nodenet.userspace;
