package dev.nodenet.controlplane.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * Maps a request's {@code Authorization: Bearer TOKEN} header to a user name; null when unauthenticated.
 * Tokens are compared in constant time. Immutable and thread-safe.
 */
final class Authenticator {
    private final Map<String, String> usersByToken;

    Authenticator(Map<String, String> usersByToken) {
        this.usersByToken = Map.copyOf(usersByToken);
    }

    String authenticate(String authorizationHeader) {
        if (authorizationHeader == null) return null;
        String h = authorizationHeader.trim();
        if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
        byte[] presented = h.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        String user = null;
        for (Map.Entry<String, String> e : usersByToken.entrySet()) {
            if (MessageDigest.isEqual(presented, e.getKey().getBytes(StandardCharsets.UTF_8))) user = e.getValue();
        }
        return user;
    }
}
