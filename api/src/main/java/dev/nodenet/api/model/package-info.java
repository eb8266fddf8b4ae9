/**
 * The Kubernetes objects the node daemon reads and writes, as immutable records: meta/v1 (ObjectMeta, Status,
 * WatchEvent...), core/v1 (Namespace, Service, Endpoints, Pod, Node) and discovery.k8s.io/v1 (EndpointSlice).
 * <p>Every record keeps the fields it does not model in {@code extra}, so decoding and re-encoding an object never
 * loses data written by a newer server; nulls are omitted on output. Collections are unmodifiable; null means the
 * field was absent. Top-level kinds implement {@link dev.nodenet.api.model.KubeObject} and have
 * {@code of(ObjectMeta)} plus {@code with...} copy methods, as do the specs the proxy builds in tests.
 */
package dev.nodenet.api.model;
