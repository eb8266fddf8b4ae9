package dev.nodenet.controlplane.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * Server-side printing ({@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io}): the columns {@code kubectl get}
 * shows for each kind, computed as kube-apiserver's printers do. Priority-1 columns appear with {@code -o wide}.
 * Pure and thread-safe.
 */
final class Tables {
    private Tables() {}

    private record Column(String name, String type, String format, int priority, String description, Function<Row, Object> cell) {}

    private record Row(ObjectNode obj, Instant now) {
        JsonNode at(String path) {
            JsonNode n = obj;
            for (String p : path.split("\\.")) n = n.path(p);
            return n;
        }

        String age() {
            String ts = at("metadata.creationTimestamp").asText("");
            if (ts.isEmpty()) return "<unknown>";
            try {
                return humanDuration(Duration.between(Instant.parse(ts), now));
            } catch (RuntimeException e) {
                return "<unknown>";
            }
        }
    }

    private static final Column NAME = new Column("Name", "string", "name", 0,
            "Name must be unique within a namespace.", r -> r.at("metadata.name").asText());
    private static final Column AGE = new Column("Age", "string", "", 0,
            "CreationTimestamp is a timestamp representing the server time when this object was created.", Row::age);

    private static final Map<String, List<Column>> COLUMNS = Map.of(
            "Namespace", List.of(NAME,
                    new Column("Status", "string", "", 0, "The status of the namespace", r -> r.at("status.phase").asText("Active")),
                    AGE),
            "Service", List.of(NAME,
                    new Column("Type", "string", "", 0, "The type of the service.", r -> r.at("spec.type").asText("ClusterIP")),
                    new Column("Cluster-IP", "string", "", 0, "The cluster IP of the service.", r -> r.at("spec.clusterIP").asText("<none>")),
                    new Column("External-IP", "string", "", 0, "The external IPs of the service.", Tables::serviceExternalIps),
                    new Column("Port(s)", "string", "", 0, "The ports of the service.", Tables::servicePorts),
                    AGE,
                    new Column("Selector", "string", "", 1, "The selector of the service.", r -> selector(r.at("spec.selector")))),
            "Endpoints", List.of(NAME,
                    new Column("Endpoints", "string", "", 0, "Endpoints of the service.", Tables::endpoints),
                    AGE),
            "Pod", List.of(NAME,
                    new Column("Ready", "string", "", 0, "The aggregate readiness state of this pod for accepting traffic.", Tables::podReady),
                    new Column("Status", "string", "", 0, "The aggregate status of the containers in this pod.", Tables::podStatus),
                    new Column("Restarts", "string", "", 0, "The number of times the containers in this pod have been restarted.", Tables::podRestarts),
                    AGE,
                    new Column("IP", "string", "", 1, "IP address allocated to the pod.", r -> r.at("status.podIP").asText("<none>")),
                    new Column("Node", "string", "", 1, "Name of the node where the pod is scheduled.", r -> r.at("spec.nodeName").asText("<none>"))),
            "Node", List.of(NAME,
                    new Column("Status", "string", "", 0, "The status of the node", Tables::nodeStatus),
                    new Column("Roles", "string", "", 0, "The roles of the node", Tables::nodeRoles),
                    AGE,
                    new Column("Version", "string", "", 0, "Kubelet Version reported by the node.", r -> r.at("status.nodeInfo.kubeletVersion").asText("")),
                    new Column("Internal-IP", "string", "", 1, "List of internal IPs of the node.", r -> nodeAddress(r, "InternalIP")),
                    new Column("Pod-CIDR", "string", "", 1, "The pod CIDR of the node.", r -> r.at("spec.podCIDR").asText("<none>"))),
            "EndpointSlice", List.of(NAME,
                    new Column("AddressType", "string", "", 0, "The type of addresses held by the EndpointSlice.", r -> r.at("addressType").asText("")),
                    new Column("Ports", "string", "", 0, "The ports of the EndpointSlice", Tables::slicePorts),
                    new Column("Endpoints", "string", "", 0, "The addresses of the EndpointSlice", Tables::sliceEndpoints),
                    AGE));

    static boolean supports(String kind) {
        return COLUMNS.containsKey(kind);
    }

    /**
     * A meta.k8s.io/v1 Table of {@code items}. {@code withHeaders=false} omits column definitions (watch events after
     * the first). Each row carries the object as PartialObjectMetadata, or whole with {@code includeObject=Object}.
     */
    static ObjectNode table(ResourceType type, List<ObjectNode> items, String resourceVersion, boolean withHeaders, String includeObject, Instant now) {
        List<Column> cols = COLUMNS.get(type.kind());
        ObjectNode t = JsonNodeFactory.instance.objectNode();
        t.put("kind", "Table");
        t.put("apiVersion", "meta.k8s.io/v1");
        ObjectNode meta = t.putObject("metadata");
        if (resourceVersion != null) meta.put("resourceVersion", resourceVersion);
        ArrayNode defs = t.putArray("columnDefinitions");
        if (withHeaders) {
            for (Column c : cols) {
                defs.addObject().put("name", c.name()).put("type", c.type()).put("format", c.format())
                        .put("description", c.description()).put("priority", c.priority());
            }
        }
        ArrayNode rows = t.putArray("rows");
        for (ObjectNode obj : items) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            Row r = new Row(obj, now);
            for (Column c : cols) {
                Object v = c.cell().apply(r);
                if (v instanceof Integer i) cells.add(i);
                else cells.add(String.valueOf(v));
            }
            switch (includeObject == null ? "Metadata" : includeObject) {
                case "None" -> { }
                case "Object" -> row.set("object", obj);
                default -> row.set("object", partialMetadata(obj));
            }
        }
        return t;
    }

    static ObjectNode partialMetadata(ObjectNode obj) {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("kind", "PartialObjectMetadata");
        p.put("apiVersion", "meta.k8s.io/v1");
        p.set("metadata", obj.path("metadata").deepCopy());
        return p;
    }

    /** kubectl's short human duration: 45s, 5m12s, 3h4m, 2d3h, 40d, 3y2d. */
    static String humanDuration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60 * 2) return s + "s";
        long m = s / 60;
        if (m < 10) return m + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
        if (m < 60 * 3) return m + "m";
        long h = m / 60;
        if (h < 8) return h + "h" + (m % 60 == 0 ? "" : (m % 60) + "m");
        if (h < 48) return h + "h";
        if (h < 24 * 8) return (h / 24) + "d" + (h % 24 == 0 ? "" : (h % 24) + "h");
        if (h < 24 * 365 * 2) return (h / 24) + "d";
        if (h < 24 * 365 * 8) return (h / 24 / 365) + "y" + ((h / 24) % 365 == 0 ? "" : ((h / 24) % 365) + "d");
        return (h / 24 / 365) + "y";
    }

    private static String selector(JsonNode sel) {
        if (!sel.isObject() || sel.isEmpty()) return "<none>";
        StringJoiner j = new StringJoiner(",");
        sel.properties().forEach(e -> j.add(e.getKey() + "=" + e.getValue().asText()));
        return j.toString();
    }

    private static String serviceExternalIps(Row r) {
        String type = r.at("spec.type").asText("ClusterIP");
        List<String> ips = new ArrayList<>();
        r.at("spec.externalIPs").forEach(n -> ips.add(n.asText()));
        switch (type) {
            case "ExternalName" -> { return r.at("spec.externalName").asText("<none>"); }
            case "LoadBalancer" -> {
                r.at("status.loadBalancer.ingress").forEach(n -> ips.add(n.hasNonNull("ip") ? n.get("ip").asText() : n.path("hostname").asText()));
                if (ips.isEmpty()) return "<pending>";
            }
            default -> { }
        }
        return ips.isEmpty() ? "<none>" : String.join(",", ips);
    }

    private static String servicePorts(Row r) {
        StringJoiner j = new StringJoiner(",");
        for (JsonNode p : r.at("spec.ports")) {
            String s = p.path("port").asText() + (p.hasNonNull("nodePort") ? ":" + p.get("nodePort").asText() : "") + "/" + p.path("protocol").asText("TCP");
            j.add(s);
        }
        String s = j.toString();
        return s.isEmpty() ? "<none>" : s;
    }

    private static String endpoints(Row r) {
        List<String> list = new ArrayList<>();
        for (JsonNode subset : r.at("subsets")) {
            List<String> ports = new ArrayList<>();
            subset.path("ports").forEach(p -> ports.add(p.path("port").asText()));
            for (JsonNode a : subset.path("addresses")) {
                if (ports.isEmpty()) list.add(a.path("ip").asText());
                else for (String p : ports) list.add(joinHostPort(a.path("ip").asText(), p));
            }
        }
        return truncatedList(list);
    }

    private static String joinHostPort(String ip, String port) {
        return ip.contains(":") ? "[" + ip + "]:" + port : ip + ":" + port;
    }

    private static String truncatedList(List<String> list) {
        if (list.isEmpty()) return "<none>";
        if (list.size() <= 3) return String.join(",", list);
        return String.join(",", list.subList(0, 3)) + " + " + (list.size() - 3) + " more...";
    }

    private static String slicePorts(Row r) {
        List<String> ports = new ArrayList<>();
        r.at("ports").forEach(p -> ports.add(p.hasNonNull("port") ? p.get("port").asText() : "<unset>"));
        return ports.isEmpty() ? "<unset>" : String.join(",", ports);
    }

    private static String sliceEndpoints(Row r) {
        List<String> list = new ArrayList<>();
        for (JsonNode e : r.at("endpoints")) e.path("addresses").forEach(a -> list.add(a.asText()));
        return list.isEmpty() ? "<unset>" : truncatedList(list);
    }

    private static String podReady(Row r) {
        int total = r.at("spec.containers").size();
        int ready = 0;
        for (JsonNode cs : r.at("status.containerStatuses")) if (cs.path("ready").asBoolean()) ready++;
        if (ready == 0 && r.at("status.containerStatuses").isEmpty() && condition(r.at("status.conditions"), "Ready")) ready = total;
        return ready + "/" + total;
    }

    private static String podStatus(Row r) {
        if (r.at("metadata.deletionTimestamp").isTextual()) return "Terminating";
        String reason = r.at("status.reason").asText("");
        if (!reason.isEmpty()) return reason;
        for (JsonNode cs : r.at("status.containerStatuses")) {
            String waiting = cs.path("state").path("waiting").path("reason").asText("");
            if (!waiting.isEmpty()) return waiting;
        }
        return r.at("status.phase").asText("Pending");
    }

    private static int podRestarts(Row r) {
        int n = 0;
        for (JsonNode cs : r.at("status.containerStatuses")) n += cs.path("restartCount").asInt();
        return n;
    }

    private static boolean condition(JsonNode conditions, String type) {
        for (JsonNode c : conditions) if (type.equals(c.path("type").asText())) return "True".equals(c.path("status").asText());
        return false;
    }

    private static String nodeStatus(Row r) {
        String status = "Unknown";
        for (JsonNode c : r.at("status.conditions")) {
            if ("Ready".equals(c.path("type").asText())) status = "True".equals(c.path("status").asText()) ? "Ready" : "NotReady";
        }
        if (r.at("spec.unschedulable").asBoolean(false)) status += ",SchedulingDisabled";
        return status;
    }

    private static String nodeRoles(Row r) {
        List<String> roles = new ArrayList<>();
        Iterator<String> it = r.at("metadata.labels").fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            if (k.startsWith("node-role.kubernetes.io/")) roles.add(k.substring("node-role.kubernetes.io/".length()));
            else if (k.equals("kubernetes.io/role")) roles.add(r.at("metadata.labels").get(k).asText());
        }
        return roles.isEmpty() ? "<none>" : String.join(",", roles);
    }

    private static String nodeAddress(Row r, String type) {
        for (JsonNode a : r.at("status.addresses")) if (type.equals(a.path("type").asText())) return a.path("address").asText();
        return "<none>";
    }
}
