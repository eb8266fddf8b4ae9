/**
 * The three Kubernetes PATCH flavours as pure functions over Jackson trees.
 *
 * <ul>
 *   <li>{@link dev.nodenet.controlplane.patch.JsonPatch} — RFC 6902, {@code application/json-patch+json};</li>
 *   <li>{@link dev.nodenet.controlplane.patch.JsonMergePatch} — RFC 7386, {@code application/merge-patch+json};</li>
 *   <li>{@link dev.nodenet.controlplane.patch.StrategicMergePatch} — Kubernetes strategic merge patch,
 *       {@code application/strategic-merge-patch+json}, driven by a {@link dev.nodenet.controlplane.patch.PatchSchema}.</li>
 * </ul>
 *
 * <p>{@link dev.nodenet.controlplane.patch.Patches#apply} is the entry point for the API server. Every function here
 * returns a new tree and never mutates its arguments; all classes are immutable and thread-safe. Failures are
 * {@link dev.nodenet.controlplane.patch.PatchException}s that say whether they are 400 BadRequest or 422 Invalid.
 */
package dev.nodenet.controlplane.patch;
