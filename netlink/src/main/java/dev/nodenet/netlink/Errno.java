package dev.nodenet.netlink;

/**
 * Linux errno numbers by name, as the kernel reports them (x86_64/generic numbering; netlink errors arrive as the
 * negated value in {@code nlmsgerr.error}). Only the constants a caller is likely to branch on are fields; {@link #name(int)}
 * and {@link #message(int)} know the rest. Stateless and thread-safe.
 */
public final class Errno {
    public static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, EBADF = 9, EAGAIN = 11, ENOMEM = 12,
            EACCES = 13, EBUSY = 16, EEXIST = 17, ENODEV = 19, EINVAL = 22, ERANGE = 34, ENOTSUP = 95, EOPNOTSUPP = 95,
            EAFNOSUPPORT = 97, EADDRINUSE = 98, EADDRNOTAVAIL = 99, ENETDOWN = 100, ENETUNREACH = 101, ENOBUFS = 105,
            ETIMEDOUT = 110, EHOSTUNREACH = 113, EMSGSIZE = 90, EPROTONOSUPPORT = 93, ENOSPC = 28;
    /** Kernel-internal "not supported" that leaks through some netlink paths. */
    public static final int ENOTSUPP_KERNEL = 524;

    private static final String[][] TABLE = new String[600][];

    private static void e(int n, String name, String message) {
        TABLE[n] = new String[] {name, message};
    }

    static {
        e(1, "EPERM", "Operation not permitted");
        e(2, "ENOENT", "No such file or directory");
        e(3, "ESRCH", "No such process");
        e(4, "EINTR", "Interrupted system call");
        e(5, "EIO", "Input/output error");
        e(6, "ENXIO", "No such device or address");
        e(7, "E2BIG", "Argument list too long");
        e(8, "ENOEXEC", "Exec format error");
        e(9, "EBADF", "Bad file descriptor");
        e(10, "ECHILD", "No child processes");
        e(11, "EAGAIN", "Resource temporarily unavailable");
        e(12, "ENOMEM", "Cannot allocate memory");
        e(13, "EACCES", "Permission denied");
        e(14, "EFAULT", "Bad address");
        e(15, "ENOTBLK", "Block device required");
        e(16, "EBUSY", "Device or resource busy");
        e(17, "EEXIST", "File exists");
        e(18, "EXDEV", "Invalid cross-device link");
        e(19, "ENODEV", "No such device");
        e(20, "ENOTDIR", "Not a directory");
        e(21, "EISDIR", "Is a directory");
        e(22, "EINVAL", "Invalid argument");
        e(23, "ENFILE", "Too many open files in system");
        e(24, "EMFILE", "Too many open files");
        e(25, "ENOTTY", "Inappropriate ioctl for device");
        e(26, "ETXTBSY", "Text file busy");
        e(27, "EFBIG", "File too large");
        e(28, "ENOSPC", "No space left on device");
        e(29, "ESPIPE", "Illegal seek");
        e(30, "EROFS", "Read-only file system");
        e(31, "EMLINK", "Too many links");
        e(32, "EPIPE", "Broken pipe");
        e(33, "EDOM", "Numerical argument out of domain");
        e(34, "ERANGE", "Numerical result out of range");
        e(35, "EDEADLK", "Resource deadlock avoided");
        e(36, "ENAMETOOLONG", "File name too long");
        e(37, "ENOLCK", "No locks available");
        e(38, "ENOSYS", "Function not implemented");
        e(39, "ENOTEMPTY", "Directory not empty");
        e(40, "ELOOP", "Too many levels of symbolic links");
        e(42, "ENOMSG", "No message of desired type");
        e(43, "EIDRM", "Identifier removed");
        e(61, "ENODATA", "No data available");
        e(62, "ETIME", "Timer expired");
        e(71, "EPROTO", "Protocol error");
        e(74, "EBADMSG", "Bad message");
        e(75, "EOVERFLOW", "Value too large for defined data type");
        e(84, "EILSEQ", "Invalid or incomplete multibyte or wide character");
        e(88, "ENOTSOCK", "Socket operation on non-socket");
        e(89, "EDESTADDRREQ", "Destination address required");
        e(90, "EMSGSIZE", "Message too long");
        e(91, "EPROTOTYPE", "Protocol wrong type for socket");
        e(92, "ENOPROTOOPT", "Protocol not available");
        e(93, "EPROTONOSUPPORT", "Protocol not supported");
        e(94, "ESOCKTNOSUPPORT", "Socket type not supported");
        e(95, "EOPNOTSUPP", "Operation not supported");
        e(96, "EPFNOSUPPORT", "Protocol family not supported");
        e(97, "EAFNOSUPPORT", "Address family not supported by protocol");
        e(98, "EADDRINUSE", "Address already in use");
        e(99, "EADDRNOTAVAIL", "Cannot assign requested address");
        e(100, "ENETDOWN", "Network is down");
        e(101, "ENETUNREACH", "Network is unreachable");
        e(102, "ENETRESET", "Network dropped connection on reset");
        e(103, "ECONNABORTED", "Software caused connection abort");
        e(104, "ECONNRESET", "Connection reset by peer");
        e(105, "ENOBUFS", "No buffer space available");
        e(106, "EISCONN", "Transport endpoint is already connected");
        e(107, "ENOTCONN", "Transport endpoint is not connected");
        e(110, "ETIMEDOUT", "Connection timed out");
        e(111, "ECONNREFUSED", "Connection refused");
        e(112, "EHOSTDOWN", "Host is down");
        e(113, "EHOSTUNREACH", "No route to host");
        e(114, "EALREADY", "Operation already in progress");
        e(115, "EINPROGRESS", "Operation now in progress");
        e(122, "EDQUOT", "Disk quota exceeded");
        e(125, "ECANCELED", "Operation canceled");
        e(524, "ENOTSUPP", "Operation is not supported");
    }

    private Errno() {}

    /** Symbolic name such as {@code "EEXIST"}; {@code "E<n>"} for numbers this table does not know. */
    public static String name(int errno) {
        int n = Math.abs(errno);
        return n < TABLE.length && TABLE[n] != null ? TABLE[n][0] : "E" + n;
    }

    /** strerror-style text such as {@code "File exists"}. */
    public static String message(int errno) {
        int n = Math.abs(errno);
        return n < TABLE.length && TABLE[n] != null ? TABLE[n][1] : "Unknown error " + n;
    }
}
