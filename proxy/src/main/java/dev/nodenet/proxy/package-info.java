/** Node daemon proxy core: informers, change trackers, sync runner, endpoint selection, Backend SPI, kube-proxy HTTP endpoints and metrics. */
package dev.nodenet.proxy;
