package dev.nodenet.controlplane.patch;

import java.util.Locale;
import java.util.Optional;

/** The PATCH content types the API server accepts. */
public enum PatchType {
    /** RFC 6902 JSON Patch. */
    JSON_PATCH("application/json-patch+json"),
    /** RFC 7386 JSON Merge Patch. */
    MERGE_PATCH("application/merge-patch+json"),
    /** Kubernetes strategic merge patch. */
    STRATEGIC_MERGE_PATCH("application/strategic-merge-patch+json");

    private final String contentType;

    PatchType(String contentType) { this.contentType = contentType; }

    /** The media type, without parameters. */
    public String contentType() { return contentType; }

    /**
     * The patch type for a {@code Content-Type} header value; parameters such as {@code ; charset=utf-8} and case
     * are ignored. Empty for any other media type (the server answers 415 Unsupported Media Type).
     */
    public static Optional<PatchType> fromContentType(String header) {
        if (header == null) return Optional.empty();
        int semi = header.indexOf(';');
        String media = (semi >= 0 ? header.substring(0, semi) : header).trim().toLowerCase(Locale.ROOT);
        for (PatchType t : values()) {
            if (t.contentType.equals(media)) return Optional.of(t);
        }
        return Optional.empty();
    }
}
