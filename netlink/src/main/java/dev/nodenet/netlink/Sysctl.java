package dev.nodenet.netlink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;

/**
 * Reads and writes kernel parameters under {@code /proc/sys}. Keys are dotted ({@code net.ipv4.ip_forward}) or slashed
 * ({@code net/ipv4/conf/eth0.100/rp_filter} — use slashes when a path element, such as a VLAN interface name, contains
 * a dot).
 *
 * <p>{@code /proc/sys/net} is per network namespace and resolves against the namespace of the thread that
 * <em>opens</em> the file, so the {@link NetNs} overloads open and read/write on the namespace's dedicated thread
 * ({@link NetNs#call}). Stateless; any thread may call.
 */
public final class Sysctl {
    private static final Path ROOT = Path.of("/proc/sys");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.:@/-]+");

    private Sysctl() {}

    static Path pathOf(String key) {
        if (!KEY.matcher(key).matches() || key.contains("..") || key.startsWith("/")) {
            throw new IllegalArgumentException("bad sysctl key '" + key + "'");
        }
        return ROOT.resolve(key.contains("/") ? key : key.replace('.', '/'));
    }

    /** Value with the trailing newline removed. */
    public static String read(String key) {
        Path p = pathOf(key);
        try {
            return Files.readString(p, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("read sysctl " + p, e);
        }
    }

    public static void write(String key, String value) {
        Path p = pathOf(key);
        try {
            // WRITE without CREATE: a missing key must fail, never create anything.
            Files.writeString(p, value + "\n", StandardCharsets.US_ASCII, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("write sysctl " + p + "=" + value, e);
        }
    }

    /** Reads inside {@code ns}. */
    public static String read(NetNs ns, String key) {
        return ns.call(() -> read(key));
    }

    /** Writes inside {@code ns}. */
    public static void write(NetNs ns, String key, String value) {
        ns.run(() -> {
            write(key, value);
            return null;
        });
    }
}
