package dev.nodenet.controlplane.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Set;

/**
 * Decides whether an authenticated user may do a request, with kube-apiserver's Forbidden wording.
 *
 * <ul>
 *   <li>{@code system:masters} (the admin kubeconfig): everything.</li>
 *   <li>Nodes ({@code system:node:NAME} in {@code system:nodes}): read Services, EndpointSlices, Endpoints, Nodes,
 *       Pods and Namespaces; create, update and patch their own Node (and its status); update and patch the status
 *       of Pods bound to them, and delete Pods bound to them (a kubelet removes a terminated Pod for good with grace 0).
 *       Nothing else — like the Node authorizer plus NodeRestriction.</li>
 *   <li>Any other authenticated user: discovery only; every resource request is 403 (there is no RBAC yet).</li>
 * </ul>
 * Thread-safe; reads Pods through the registry to check their binding.
 */
final class Authorizer {
    private static final Set<String> NODE_READABLE = Set.of("services", "endpointslices", "endpoints", "nodes", "pods", "namespaces");
    private static final Set<String> READ_VERBS = Set.of("get", "list", "watch");

    private final Registry registry;

    Authorizer(Registry registry) {
        this.registry = registry;
    }

    void authorize(UserInfo user, String verb, ResourceType type, String namespace, String name, String subresource) {
        if (user.isAdmin()) return;
        String node = user.nodeName();
        if (node != null && nodeMay(node, verb, type, namespace, name, subresource)) return;
        StringBuilder msg = new StringBuilder();
        msg.append(type.qualifiedName()).append(name == null ? "" : " \"" + name + "\"").append(" is forbidden: User \"")
                .append(user.name()).append("\" cannot ").append(verb).append(" resource \"").append(type.plural());
        if (subresource != null) msg.append('/').append(subresource);
        msg.append("\" in API group \"").append(type.group()).append('"');
        msg.append(namespace != null ? " in the namespace \"" + namespace + "\"" : " at the cluster scope");
        if (node != null) msg.append(": node may only ").append(nodeHint(type));
        throw ApiException.forbidden(type, name, msg.toString());
    }

    private boolean nodeMay(String node, String verb, ResourceType type, String namespace, String name, String subresource) {
        String resource = type.plural();
        if (READ_VERBS.contains(verb) && NODE_READABLE.contains(resource)) return true;
        if (resource.equals("nodes")) {
            if (verb.equals("create") && subresource == null) return true; // the body's name is checked by the registry write below
            return node.equals(name) && (verb.equals("update") || verb.equals("patch"));
        }
        boolean podStatusWrite = "status".equals(subresource) && (verb.equals("update") || verb.equals("patch"));
        boolean podDelete = subresource == null && verb.equals("delete");
        if (resource.equals("pods") && (podStatusWrite || podDelete) && name != null) {
            try {
                ObjectNode pod = registry.get(type, namespace, name);
                return node.equals(pod.path("spec").path("nodeName").asText(null));
            } catch (ApiException notFound) {
                return false;
            }
        }
        return false;
    }

    /** A node creating a Node object may only create its own. */
    static void checkNodeCreate(UserInfo user, ObjectNode node) {
        String self = user.nodeName();
        if (self == null || user.isAdmin()) return;
        String name = node.path("metadata").path("name").asText("");
        if (!self.equals(name)) {
            throw ApiException.forbidden(ResourceType.byKind("Node"), name, "nodes \"" + name + "\" is forbidden: node \"" + self
                    + "\" is not allowed to modify node \"" + name + "\"");
        }
    }

    private static String nodeHint(ResourceType type) {
        return switch (type.plural()) {
            case "nodes" -> "modify its own Node";
            case "pods" -> "update the status of, or delete, pods bound to it";
            default -> "read this resource";
        };
    }
}
