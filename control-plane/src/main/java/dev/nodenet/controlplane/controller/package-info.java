/**
 * The controllers that run inside the API server process and produce what a node data plane consumes, the
 * kube-controller-manager parts Nodenet needs: EndpointSlices and Endpoints for Services with selectors, Node pod
 * CIDRs, and garbage collection of objects whose owners are gone. {@link dev.nodenet.controlplane.controller.Controllers#start}
 * is the only entry point; {@link dev.nodenet.controlplane.controller.ControllerConfig} its settings.
 *
 * <p>Shape: shared in-memory caches (list + watch on the store, re-list on watch end), a Pod-selection index shared by
 * both endpoint controllers, and per controller a coalescing work queue with one worker thread and retry backoff.
 * Writes go through the {@link dev.nodenet.controlplane.server.Registry}, with resourceVersion/uid preconditions.
 */
package dev.nodenet.controlplane.controller;
