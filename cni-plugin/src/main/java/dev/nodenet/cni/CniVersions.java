package dev.nodenet.cni;

import java.util.List;

/** The CNI spec versions this plugin speaks, and version ordering. Stateless. */
final class CniVersions {
    static final String CURRENT = "1.1.0";
    static final List<String> SUPPORTED = List.of("0.3.1", "0.4.0", "1.0.0", "1.1.0");

    private CniVersions() {}

    /** {@code a < b} for dotted numeric versions; a malformed version sorts first. */
    static boolean before(String a, String b) {
        int[] x = parse(a), y = parse(b);
        for (int k = 0; k < 3; k++) if (x[k] != y[k]) return x[k] < y[k];
        return false;
    }

    private static int[] parse(String v) {
        String[] parts = v.split("\\.");
        int[] out = new int[3];
        if (parts.length != 3) return new int[]{-1, -1, -1};
        try {
            for (int k = 0; k < 3; k++) out[k] = Integer.parseInt(parts[k]);
        } catch (NumberFormatException e) {
            return new int[]{-1, -1, -1};
        }
        return out;
    }
}
