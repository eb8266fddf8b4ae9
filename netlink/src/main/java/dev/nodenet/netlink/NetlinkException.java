package dev.nodenet.netlink;

/**
 * A kernel call failed. Carries the errno (positive number and symbolic name) and what was attempted, so a message
 * reads like {@code "RTM_NEWLINK veth0: EEXIST (17) File exists"}. When the kernel sent an extended ACK message
 * (NETLINK_EXT_ACK) it is appended after a colon.
 *
 * <p>Unchecked on purpose: every method of this module can fail this way, and callers (CNI rollback, proxy sync) branch
 * on {@link #errno()} where they care (e.g. {@code EEXIST} on re-add, {@code ENOENT}/{@code ENODEV} on idempotent delete).
 */
public class NetlinkException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errno;
    private final String operation;
    private final String kernelMessage;

    public NetlinkException(String operation, int errno) {
        this(operation, errno, null);
    }

    public NetlinkException(String operation, int errno, String kernelMessage) {
        super(format(operation, errno, kernelMessage));
        this.errno = Math.abs(errno);
        this.operation = operation;
        this.kernelMessage = kernelMessage;
    }

    /** For failures without an errno (malformed reply, timeout bookkeeping); {@link #errno()} is 0 then. */
    public NetlinkException(String operation, String problem, Throwable cause) {
        super(operation + ": " + problem, cause);
        this.errno = 0;
        this.operation = operation;
        this.kernelMessage = null;
    }

    private static String format(String operation, int errno, String kernelMessage) {
        int n = Math.abs(errno);
        String s = operation + ": " + Errno.name(n) + " (" + n + ") " + Errno.message(n);
        return kernelMessage == null || kernelMessage.isEmpty() ? s : s + ": " + kernelMessage;
    }

    /** Positive errno, 0 if the failure had none. */
    public int errno() {
        return errno;
    }

    /** Symbolic errno name, e.g. {@code "ENOENT"}. */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** What was attempted, e.g. {@code "RTM_NEWLINK veth0"}. */
    public String operation() {
        return operation;
    }

    /** The kernel's extended-ACK text, or null. */
    public String kernelMessage() {
        return kernelMessage;
    }

    /** True if this failure carries the given errno. */
    public boolean is(int errnoValue) {
        return errno == errnoValue;
    }
}
