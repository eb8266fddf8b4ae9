package dev.nodenet.cni;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The CNI_* environment of one invocation, validated as the spec requires for its command (code 4 naming the
 * variable, code 3 for a missing container ID). Immutable.
 *
 * @param args CNI_ARGS as ordered key/value pairs ("K=V;K2=V2"); unknown keys are accepted and ignored
 * @param path CNI_PATH split on ':' (empty entries dropped)
 */
record CniEnv(String command, String containerId, String netns, String ifname, Map<String, String> args,
              List<String> path) {
    static final Pattern ID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.\\-]*");
    static final List<String> COMMANDS = List.of("ADD", "DEL", "CHECK", "GC", "STATUS", "VERSION");
    private static final Pattern ARG_KEY = Pattern.compile("[A-Za-z0-9_\\-]+");

    static CniEnv from(Map<String, String> env) {
        String command = env.getOrDefault("CNI_COMMAND", "");
        if (command.isEmpty()) {
            throw new CniException(CniException.INVALID_ENV, "required env variables [CNI_COMMAND] missing");
        }
        if (!COMMANDS.contains(command)) {
            throw new CniException(CniException.INVALID_ENV, "unknown CNI_COMMAND: " + command,
                    "CNI_COMMAND must be one of " + COMMANDS);
        }
        boolean attachment = command.equals("ADD") || command.equals("DEL") || command.equals("CHECK");
        String id = env.getOrDefault("CNI_CONTAINERID", "");
        String netns = env.getOrDefault("CNI_NETNS", "");
        String ifname = env.getOrDefault("CNI_IFNAME", "");
        if (attachment) {
            List<String> missing = new ArrayList<>();
            if (id.isEmpty()) missing.add("CNI_CONTAINERID");
            if (netns.isEmpty() && !command.equals("DEL")) missing.add("CNI_NETNS");
            if (ifname.isEmpty()) missing.add("CNI_IFNAME");
            if (!missing.isEmpty()) {
                throw new CniException(CniException.INVALID_ENV,
                        "required env variables [" + String.join(",", missing) + "] missing");
            }
            if (!ID.matcher(id).matches()) {
                throw new CniException(CniException.INVALID_ENV, "invalid characters in CNI_CONTAINERID", id);
            }
            String bad = interfaceNameProblem(ifname);
            if (bad != null) throw new CniException(CniException.INVALID_ENV, "invalid CNI_IFNAME: " + bad, ifname);
            if (!netns.isEmpty() && !netns.startsWith("/")) {
                throw new CniException(CniException.INVALID_ENV, "CNI_NETNS must be an absolute path", netns);
            }
        }
        return new CniEnv(command, id, netns, ifname, parseArgs(env.getOrDefault("CNI_ARGS", "")),
                splitPath(env.getOrDefault("CNI_PATH", "")));
    }

    /** Why {@code name} cannot be a Linux interface name, or null if it can. */
    static String interfaceNameProblem(String name) {
        if (name.isEmpty()) return "empty";
        if (name.length() > 15) return "longer than 15 characters";
        if (name.equals(".") || name.equals("..")) return "'.' or '..'";
        for (int k = 0; k < name.length(); k++) {
            char c = name.charAt(k);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || c < 0x20 || c > 0x7e) {
                return "contains '/', ':', whitespace or a non-printable character";
            }
        }
        return null;
    }

    private static Map<String, String> parseArgs(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text.isEmpty()) return out;
        for (String pair : text.split(";", -1)) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || !ARG_KEY.matcher(pair.substring(0, eq)).matches()) {
                throw new CniException(CniException.INVALID_ENV, "invalid CNI_ARGS: expected K=V pairs separated by ';'",
                        "bad pair '" + pair + "'");
            }
            out.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return out;
    }

    private static List<String> splitPath(String text) {
        List<String> out = new ArrayList<>();
        for (String p : text.split(File.pathSeparator)) if (!p.isEmpty()) out.add(p);
        return out;
    }
}
