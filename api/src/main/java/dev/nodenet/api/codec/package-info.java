/**
 * Shared, pre-configured Jackson codecs for JSON ({@link dev.nodenet.api.codec.Json}) and YAML manifests
 * ({@link dev.nodenet.api.codec.Yaml}).
 */
package dev.nodenet.api.codec;
