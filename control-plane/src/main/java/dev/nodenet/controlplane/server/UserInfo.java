package dev.nodenet.controlplane.server;

import java.util.List;

/** An authenticated identity: user name and groups, as kube-apiserver's authenticators produce them. */
public record UserInfo(String name, List<String> groups) {
    public static final String MASTERS = "system:masters";
    public static final String NODES = "system:nodes";
    public static final String NODE_PREFIX = "system:node:";

    public UserInfo {
        groups = List.copyOf(groups);
    }

    public boolean isAdmin() {
        return groups.contains(MASTERS);
    }

    /** The node name when this is a node identity ({@code system:node:NAME} in group {@code system:nodes}), else null. */
    public String nodeName() {
        return groups.contains(NODES) && name.startsWith(NODE_PREFIX) && name.length() > NODE_PREFIX.length()
                ? name.substring(NODE_PREFIX.length()) : null;
    }
}
