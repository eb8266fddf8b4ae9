package dev.nodenet.netlink;

import java.util.Map;

/**
 * A generic netlink family as resolved through the controller (CTRL_CMD_GETFAMILY): its dynamic {@code id} (use as
 * nlmsg_type), {@code version}, user header size, highest attribute, and multicast groups by name → group id.
 * Immutable.
 */
public record GenlFamily(int id, String name, int version, int headerSizeBytes, int maxAttr,
                         Map<String, Integer> multicastGroups) {}
