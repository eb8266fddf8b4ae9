package dev.nodenet.controlplane.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Legacy discovery documents (/api, /api/v1, /apis, /apis/GROUP, /apis/GROUP/VERSION) built once from the resource
 * table. kubectl asks for aggregated discovery first and falls back to these when the reply is plain JSON.
 * Immutable and thread-safe.
 */
final class Discovery {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final ObjectNode apiVersions;
    private final ObjectNode apiGroupList;
    private final Map<String, ObjectNode> groups = new LinkedHashMap<>();
    private final Map<String, ObjectNode> resourceLists = new LinkedHashMap<>();

    Discovery(List<ResourceType> types, String serverAddress) {
        apiVersions = F.objectNode();
        apiVersions.put("kind", "APIVersions");
        apiVersions.putArray("versions").add("v1");
        apiVersions.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0").put("serverAddress", serverAddress);

        Map<String, List<ResourceType>> byGroupVersion = new LinkedHashMap<>();
        for (ResourceType t : types) byGroupVersion.computeIfAbsent(t.apiVersion(), k -> new java.util.ArrayList<>()).add(t);
        apiGroupList = F.objectNode();
        apiGroupList.put("kind", "APIGroupList");
        apiGroupList.put("apiVersion", "v1");
        ArrayNode groupArray = apiGroupList.putArray("groups");
        for (Map.Entry<String, List<ResourceType>> e : byGroupVersion.entrySet()) {
            ResourceType first = e.getValue().getFirst();
            resourceLists.put(e.getKey(), resourceList(e.getKey(), e.getValue()));
            if (first.group().isEmpty()) continue;
            ObjectNode g = F.objectNode();
            g.put("kind", "APIGroup");
            g.put("apiVersion", "v1");
            g.put("name", first.group());
            g.putArray("versions").addObject().put("groupVersion", e.getKey()).put("version", first.version());
            g.putObject("preferredVersion").put("groupVersion", e.getKey()).put("version", first.version());
            groups.put(first.group(), g);
            ObjectNode inList = g.deepCopy();
            inList.remove("kind");
            inList.remove("apiVersion");
            groupArray.add(inList);
        }
    }

    private static ObjectNode resourceList(String groupVersion, List<ResourceType> types) {
        ObjectNode list = F.objectNode();
        list.put("kind", "APIResourceList");
        list.put("apiVersion", "v1");
        list.put("groupVersion", groupVersion);
        ArrayNode resources = list.putArray("resources");
        for (ResourceType t : types) {
            ObjectNode r = resources.addObject();
            r.put("name", t.plural());
            r.put("singularName", t.singular());
            r.put("namespaced", t.namespaced());
            r.put("kind", t.kind());
            ArrayNode verbs = r.putArray("verbs");
            ResourceType.VERBS.forEach(verbs::add);
            if (!t.shortNames().isEmpty()) {
                ArrayNode sn = r.putArray("shortNames");
                t.shortNames().forEach(sn::add);
            }
            if (!t.categories().isEmpty()) {
                ArrayNode cats = r.putArray("categories");
                t.categories().forEach(cats::add);
            }
            for (String sub : t.subresources()) {
                ObjectNode s = resources.addObject();
                s.put("name", t.plural() + "/" + sub);
                s.put("singularName", "");
                s.put("namespaced", t.namespaced());
                s.put("kind", t.kind());
                s.putArray("verbs").add("get").add("patch").add("update");
            }
        }
        return list;
    }

    ObjectNode apiVersions() { return apiVersions; }

    ObjectNode apiGroupList() { return apiGroupList; }

    ObjectNode group(String name) { return groups.get(name); }

    ObjectNode resourceList(String groupVersion) { return resourceLists.get(groupVersion); }
}
