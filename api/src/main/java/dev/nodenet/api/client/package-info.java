/**
 * Talking to any Kubernetes API server: {@link dev.nodenet.api.client.KubeConfig} (kubeconfig, in-cluster),
 * {@link dev.nodenet.api.client.KubeClient} (REST verbs and watch streams over java.net.http) and
 * {@link dev.nodenet.api.client.Informer} (list + watch into a local cache with change handlers). Nothing here
 * depends on a particular server beyond the Kubernetes API.
 */
package dev.nodenet.api.client;
