package dev.nodenet.cni;

/**
 * A failure carrying a CNI error code, printed by {@link CniMain} as the spec's error object
 * {@code {cniVersion, code, msg, details}}. Well-known codes (spec section 5): 1 incompatible version, 2 unsupported
 * field, 3 unknown container, 4 invalid environment, 5 I/O, 6 decoding, 7 invalid config, 11 try again later, 50/51
 * STATUS unavailable (this plugin reports 50 only; 11 arrives only from a delegated plugin). Plugin-specific codes:
 * {@link #CHECK_FAILED}, {@link #POOL_EXHAUSTED}, {@link #INTERNAL}.
 */
final class CniException extends RuntimeException {
    static final int INCOMPATIBLE_VERSION = 1, UNSUPPORTED_FIELD = 2, UNKNOWN_CONTAINER = 3, INVALID_ENV = 4,
            IO_FAILURE = 5, DECODING_FAILURE = 6, INVALID_CONFIG = 7, TRY_AGAIN_LATER = 11, NOT_AVAILABLE = 50;
    /** CHECK found the attachment different from its prevResult. */
    static final int CHECK_FAILED = 100;
    /** No free address left in a range set. */
    static final int POOL_EXHAUSTED = 101;
    /** An operation on the host failed (netlink, iptables, files); the message names what and where. */
    static final int INTERNAL = 999;

    private final int code;
    private final String msg;
    private final String details;

    CniException(int code, String msg) {
        this(code, msg, "", null);
    }

    CniException(int code, String msg, String details) {
        this(code, msg, details, null);
    }

    CniException(int code, String msg, String details, Throwable cause) {
        super(details == null || details.isEmpty() ? msg : msg + ": " + details, cause);
        this.code = code;
        this.msg = msg;
        this.details = details == null ? "" : details;
    }

    int code() {
        return code;
    }

    String msg() {
        return msg;
    }

    String details() {
        return details;
    }
}
