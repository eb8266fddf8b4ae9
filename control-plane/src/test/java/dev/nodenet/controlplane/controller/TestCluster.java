package dev.nodenet.controlplane.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.server.ApiException;
import dev.nodenet.controlplane.server.Registry;
import dev.nodenet.controlplane.server.ResourceType;
import dev.nodenet.controlplane.storage.SqliteStore;
import dev.nodenet.controlplane.storage.Store;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** A real SqliteStore + Registry in a directory, with helpers to create the objects the controllers react to. */
final class TestCluster implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ResourceType NAMESPACES = ResourceType.byKind("Namespace");
    static final ResourceType SERVICES = ResourceType.byKind("Service");
    static final ResourceType PODS = ResourceType.byKind("Pod");
    static final ResourceType NODES = ResourceType.byKind("Node");
    static final ResourceType SLICES = ResourceType.byKind("EndpointSlice");
    static final ResourceType ENDPOINTS = ResourceType.byKind("Endpoints");

    final SqliteStore store;
    final Registry registry;
    private AutoCloseable controllers;

    TestCluster(Path dir) {
        store = SqliteStore.open(dir);
        registry = new Registry(store, JSON, Clock.systemUTC(), Map.of());
        try {
            ObjectNode ns = obj("{\"metadata\":{\"name\":\"default\"}}");
            registry.create(NAMESPACES, null, ns, false);
        } catch (ApiException e) {
            if (e.code() != 409) throw e;
        }
    }

    TestCluster startControllers(ControllerConfig config) {
        controllers = Controllers.start(registry, config);
        return this;
    }

    void stopControllers() {
        try {
            if (controllers != null) controllers.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        controllers = null;
    }

    @Override
    public void close() {
        stopControllers();
        store.close();
    }

    static ObjectNode obj(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    ObjectNode service(String name, String selectorJson, String portsJson) {
        return service(name, selectorJson, portsJson, "");
    }

    ObjectNode service(String name, String selectorJson, String portsJson, String extraSpec) {
        String sel = selectorJson == null ? "" : "\"selector\":" + selectorJson + ",";
        return registry.create(SERVICES, "default", obj("{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{" + sel + extraSpec
                + "\"ports\":" + portsJson + "}}"), false);
    }

    /** A scheduled Pod with an IP; ready or not. Status is written like a kubelet would (status subresource). */
    ObjectNode pod(String name, String labelsJson, String ip, String node, boolean ready) {
        return pod(name, labelsJson, ip, node, ready, "[]");
    }

    ObjectNode pod(String name, String labelsJson, String ip, String node, boolean ready, String containerPortsJson) {
        ObjectNode pod = obj("{\"metadata\":{\"name\":\"" + name + "\",\"labels\":" + labelsJson + "},\"spec\":{\"nodeName\":\"" + node
                + "\",\"containers\":[{\"name\":\"c\",\"image\":\"x\",\"ports\":" + containerPortsJson + "}]}}");
        registry.create(PODS, "default", pod, false);
        return setPodStatus(name, ip, ready);
    }

    ObjectNode setPodStatus(String name, String ip, boolean ready) {
        return registry.patch(PODS, "default", name, p -> {
            ObjectNode status = p.putObject("status");
            status.put("phase", "Running");
            if (ip != null) {
                status.put("podIP", ip);
                ArrayNodeHelper.ips(status, ip);
            }
            status.putArray("conditions").addObject().put("type", "Ready").put("status", ready ? "True" : "False");
            return p;
        }, Registry.Part.STATUS, false);
    }

    /** Marks a Pod as being deleted. The Registry deletes at once (no graceful deletion yet), so this writes the store. */
    void markTerminating(String name) {
        String key = PODS.key("default", name);
        Store.Entry e = store.get(key).orElseThrow();
        ObjectNode pod = registry.decodeBytes(e.value());
        ((ObjectNode) pod.get("metadata")).put("deletionTimestamp", "2026-01-01T00:00:00Z").put("deletionGracePeriodSeconds", 30);
        try {
            store.update(key, JSON.writeValueAsBytes(pod), e.modRevision());
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    ObjectNode node(String name) {
        return registry.create(NODES, null, obj("{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{}}"), false);
    }

    /** The managed EndpointSlices of a Service, by name. */
    List<ObjectNode> slices(String service) {
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode s : registry.list(SLICES, "default", o -> true).items()) {
            if (service.equals(s.path("metadata").path("labels").path("kubernetes.io/service-name").asText())) out.add(s);
        }
        return out;
    }

    /** Every endpoint of a Service's slices, keyed by Pod name. */
    Map<String, JsonNode> endpoints(String service) {
        Map<String, JsonNode> out = new java.util.TreeMap<>();
        for (ObjectNode s : slices(service)) for (JsonNode ep : s.path("endpoints")) out.put(ep.path("targetRef").path("name").asText(), ep);
        return out;
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** Small JSON helpers kept out of the way. */
    static final class ArrayNodeHelper {
        static void ips(ObjectNode status, String... ips) {
            var arr = status.putArray("podIPs");
            for (String ip : ips) arr.addObject().put("ip", ip);
        }
    }
}
