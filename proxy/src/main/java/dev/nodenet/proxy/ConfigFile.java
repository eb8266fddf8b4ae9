package dev.nodenet.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodenet.api.cli.Flags;
import dev.nodenet.api.codec.Yaml;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a KubeProxyConfiguration (kubeproxy.config.k8s.io/v1alpha1) YAML file into a flat map keyed by the matching
 * flag name, so {@link ProxyCommand} can apply "flag if given, else file, else default". Unknown fields, wrong types
 * and another apiVersion/kind are errors (kube-proxy decodes strictly too); upstream fields this proxy does not use
 * (ipvs, nftables, conntrack, ...) are accepted and ignored. Stateless.
 */
final class ConfigFile {
    static final String API_VERSION = "kubeproxy.config.k8s.io/v1alpha1";
    static final String KIND = "KubeProxyConfiguration";

    private static final Set<String> IGNORED = Set.of("bindAddress", "bindAddressHardFail", "configSyncPeriod",
            "conntrack", "enableProfiling", "featureGates", "ipvs", "nftables", "winkernel", "logging", "oomScoreAdj",
            "portRange", "showHiddenMetricsForVersion", "udpIdleTimeout", "windowsRunAsService");

    private ConfigFile() {
    }

    /** @throws IllegalArgumentException with a message naming the offending field */
    static Map<String, Object> parse(String yaml) {
        List<JsonNode> docs = Yaml.readAll(yaml);
        if (docs.size() != 1) throw new IllegalArgumentException("expected one YAML document, found " + docs.size());
        JsonNode root = docs.getFirst();
        if (root == null || !root.isObject()) throw new IllegalArgumentException("expected a YAML mapping");
        if (!API_VERSION.equals(root.path("apiVersion").asText(null))) {
            throw new IllegalArgumentException("apiVersion must be " + API_VERSION + ", got " + root.path("apiVersion").asText(null));
        }
        if (!KIND.equals(root.path("kind").asText(null))) {
            throw new IllegalArgumentException("kind must be " + KIND + ", got " + root.path("kind").asText(null));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String name = f.getKey();
            JsonNode v = f.getValue();
            switch (name) {
                case "apiVersion", "kind" -> { }
                case "mode" -> out.put("proxy-mode", text(name, v));
                case "hostnameOverride" -> out.put("hostname-override", text(name, v));
                case "clusterCIDR" -> out.put("cluster-cidr", text(name, v));
                case "metricsBindAddress" -> out.put("metrics-bind-address", text(name, v));
                case "healthzBindAddress" -> out.put("healthz-bind-address", text(name, v));
                case "detectLocalMode" -> out.put("detect-local-mode", text(name, v));
                case "nodePortAddresses" -> out.put("nodeport-addresses", String.join(",", strings(name, v)));
                // newer v1alpha1 files carry the sync periods at the top level; iptables.* is the older place
                case "syncPeriod" -> putOnce(out, "iptables-sync-period", duration(name, v), name);
                case "minSyncPeriod" -> putOnce(out, "iptables-min-sync-period", duration(name, v), name);
                case "udpIdleTimeout" -> out.put("udp-timeout", duration(name, v));
                case "clientConnection" -> object(name, v, Set.of("kubeconfig", "acceptContentTypes", "contentType", "qps", "burst"),
                        (k, x) -> { if (k.equals("kubeconfig")) out.put("kubeconfig", text(name + ".kubeconfig", x)); });
                case "detectLocal" -> object(name, v, Set.of("bridgeInterface", "interfaceNamePrefix"), (k, x) -> out.put(
                        k.equals("bridgeInterface") ? "pod-bridge-interface" : "pod-interface-name-prefix", text(name + "." + k, x)));
                case "iptables" -> object(name, v, Set.of("masqueradeAll", "masqueradeBit", "syncPeriod", "minSyncPeriod", "localhostNodePorts"), (k, x) -> {
                    String path = name + "." + k;
                    switch (k) {
                        case "masqueradeAll" -> out.put("masquerade-all", bool(path, x));
                        case "localhostNodePorts" -> out.put("iptables-localhost-nodeports", bool(path, x));
                        case "masqueradeBit" -> out.put("iptables-masquerade-bit", integer(path, x));
                        case "syncPeriod" -> putOnce(out, "iptables-sync-period", duration(path, x), path);
                        default -> putOnce(out, "iptables-min-sync-period", duration(path, x), path);
                    }
                });
                default -> {
                    if (!IGNORED.contains(name)) throw new IllegalArgumentException("unknown field \"" + name + "\"");
                }
            }
        }
        return out;
    }

    /** Sets a value given in two places of the file; they must agree. */
    private static void putOnce(Map<String, Object> out, String flag, Object value, String field) {
        Object old = out.putIfAbsent(flag, value);
        if (old != null && !old.equals(value)) {
            throw new IllegalArgumentException(field + " contradicts the other sync period setting in this file");
        }
    }

    private interface FieldSink {
        void accept(String key, JsonNode value);
    }

    private static void object(String name, JsonNode v, Set<String> known, FieldSink sink) {
        if (v.isNull()) return;
        if (!v.isObject()) throw new IllegalArgumentException(name + ": expected a mapping");
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!known.contains(f.getKey())) throw new IllegalArgumentException("unknown field \"" + name + "." + f.getKey() + "\"");
            if (!f.getValue().isNull()) sink.accept(f.getKey(), f.getValue());
        }
    }

    private static String text(String name, JsonNode v) {
        if (v.isNull()) return "";
        if (!v.isTextual()) throw new IllegalArgumentException(name + ": expected a string");
        return v.asText();
    }

    private static List<String> strings(String name, JsonNode v) {
        if (v.isNull()) return List.of();
        if (!v.isArray()) throw new IllegalArgumentException(name + ": expected a list of strings");
        List<String> out = new ArrayList<>();
        for (JsonNode x : v) out.add(text(name + "[]", x));
        return out;
    }

    private static boolean bool(String name, JsonNode v) {
        if (!v.isBoolean()) throw new IllegalArgumentException(name + ": expected true or false");
        return v.asBoolean();
    }

    private static int integer(String name, JsonNode v) {
        if (!v.isInt()) throw new IllegalArgumentException(name + ": expected an integer");
        return v.asInt();
    }

    private static Duration duration(String name, JsonNode v) {
        try {
            return Flags.parseGoDuration(text(name, v));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
    }
}
