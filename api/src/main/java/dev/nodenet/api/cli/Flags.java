package dev.nodenet.api.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Kubernetes-style command-line flags ({@code --name=value}, {@code --name value}, booleans as {@code --name} or
 * {@code --name=false}). Every subcommand declares its flags here, so {@code --help} lists all of them and an unknown
 * or malformed flag stops start-up with a message naming it ({@link UsageException}, exit code 2).
 *
 * <p>Not thread-safe: build, parse and read on one thread at start-up.
 */
public final class Flags {

    /** Bad command-line usage; the message is meant for the user as is. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) { super(message); }
    }

    /** A declared flag and, after {@link #parse}, its value. */
    public static final class Flag<T> {
        private final String name;
        private final String help;
        private final String defaultText;
        private final Function<String, T> parser;
        private final boolean isBoolean;
        private T value;
        private boolean set;

        private Flag(String name, T defaultValue, String defaultText, String help, Function<String, T> parser, boolean isBoolean) {
            this.name = name;
            this.value = defaultValue;
            this.defaultText = defaultText;
            this.help = help;
            this.parser = parser;
            this.isBoolean = isBoolean;
        }

        public T get() { return value; }

        /** True when the user gave this flag (as opposed to the default applying). */
        public boolean isSet() { return set; }

        public String name() { return name; }
    }

    private final String command;
    private final String description;
    private final Map<String, Flag<?>> flags = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();
    private boolean helpRequested;

    public Flags(String command, String description) {
        this.command = command;
        this.description = description;
    }

    public Flag<String> string(String name, String defaultValue, String help) {
        return add(new Flag<>(name, defaultValue, defaultValue == null || defaultValue.isEmpty() ? null : "\"" + defaultValue + "\"", help, s -> s, false));
    }

    public Flag<Integer> integer(String name, int defaultValue, String help) {
        return add(new Flag<>(name, defaultValue, Integer.toString(defaultValue), help, s -> parseInt(name, s), false));
    }

    public Flag<Boolean> bool(String name, boolean defaultValue, String help) {
        return add(new Flag<>(name, defaultValue, Boolean.toString(defaultValue), help, s -> parseBool(name, s), true));
    }

    /** A duration in Go syntax as kube flags take it: {@code 30s}, {@code 1m30s}, {@code 500ms}, {@code 2h}. */
    public Flag<Duration> duration(String name, Duration defaultValue, String help) {
        return add(new Flag<>(name, defaultValue, formatDuration(defaultValue), help, s -> parseDuration(name, s), false));
    }

    /** A flag whose value another parser interprets; it should throw IllegalArgumentException with a readable message. */
    public <T> Flag<T> custom(String name, T defaultValue, String defaultText, String help, Function<String, T> parser) {
        return add(new Flag<>(name, defaultValue, defaultText, help, s -> {
            try {
                return parser.apply(s);
            } catch (IllegalArgumentException e) {
                throw new UsageException("invalid value \"" + s + "\" for flag --" + name + ": " + e.getMessage());
            }
        }, false));
    }

    private <T> Flag<T> add(Flag<T> flag) {
        if (flags.putIfAbsent(flag.name, flag) != null) throw new IllegalStateException("flag declared twice: " + flag.name);
        return flag;
    }

    /**
     * Parses {@code args}. Returns false when {@code --help}/{@code -h} was given (the caller prints {@link #usage}
     * and exits 0). Throws {@link UsageException} for unknown flags, missing or malformed values.
     */
    public boolean parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                helpRequested = true;
                return false;
            }
            if (arg.equals("--")) {
                for (int j = i + 1; j < args.length; j++) positional.add(args[j]);
                break;
            }
            if (!arg.startsWith("-") || arg.equals("-")) {
                positional.add(arg);
                continue;
            }
            String body = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
            int eq = body.indexOf('=');
            String name = eq < 0 ? body : body.substring(0, eq);
            Flag<?> flag = flags.get(name);
            if (flag == null) throw new UsageException("unknown flag: --" + name + " (see ./nodenet " + command + " --help)");
            String value;
            if (eq >= 0) {
                value = body.substring(eq + 1);
            } else if (flag.isBoolean) {
                value = "true";
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageException("flag needs an argument: --" + name);
            }
            set(flag, value);
        }
        return true;
    }

    private static <T> void set(Flag<T> flag, String text) {
        flag.value = flag.parser.apply(text);
        flag.set = true;
    }

    public boolean helpRequested() { return helpRequested; }

    /** Arguments that are not flags, in order. */
    public List<String> positional() { return List.copyOf(positional); }

    public void usage(PrintStream out) {
        out.println("Usage: ./nodenet " + command + " [flags]");
        out.println();
        out.println(description);
        out.println();
        out.println("Flags:");
        for (Flag<?> f : flags.values()) {
            String type = f.isBoolean ? "" : " value";
            out.printf("      --%s%s%n", f.name, type);
            StringBuilder line = new StringBuilder("          ").append(f.help);
            if (f.defaultText != null) line.append(" (default ").append(f.defaultText).append(')');
            out.println(line);
        }
        out.println("  -h, --help");
        out.println("          Show this help.");
    }

    private static int parseInt(String name, String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("invalid value \"" + s + "\" for flag --" + name + ": not an integer");
        }
    }

    private static boolean parseBool(String name, String s) {
        return switch (s.trim().toLowerCase()) {
            case "true", "1", "t" -> true;
            case "false", "0", "f" -> false;
            default -> throw new UsageException("invalid value \"" + s + "\" for flag --" + name + ": not a boolean");
        };
    }

    /** Parses Go's time.ParseDuration syntax (a sequence of number+unit; units ns, us, ms, s, m, h). */
    public static Duration parseGoDuration(String s) {
        String t = s.trim();
        if (t.equals("0")) return Duration.ZERO;
        if (t.isEmpty()) throw new IllegalArgumentException("empty duration");
        Duration total = Duration.ZERO;
        int i = 0;
        while (i < t.length()) {
            int start = i;
            while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) i++;
            if (start == i) throw new IllegalArgumentException("invalid duration \"" + s + "\"");
            double number = Double.parseDouble(t.substring(start, i));
            int unitStart = i;
            while (i < t.length() && Character.isLetter(t.charAt(i))) i++;
            String unit = t.substring(unitStart, i);
            long nanosPerUnit = switch (unit) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> throw new IllegalArgumentException("missing or unknown unit in duration \"" + s + "\" (use ns, us, ms, s, m, h)");
            };
            total = total.plusNanos(Math.round(number * nanosPerUnit));
        }
        return total;
    }

    private static Duration parseDuration(String name, String s) {
        try {
            return parseGoDuration(s);
        } catch (IllegalArgumentException e) {
            throw new UsageException("invalid value \"" + s + "\" for flag --" + name + ": " + e.getMessage());
        }
    }

    /** Formats like Go's Duration.String for whole units: 30s, 1m0s, 500ms. */
    public static String formatDuration(Duration d) {
        if (d == null) return null;
        long ms = d.toMillis();
        if (ms < 1000 && ms > 0) return ms + "ms";
        long s = d.toSeconds();
        if (s < 60) return s + "s";
        if (s < 3600) return (s / 60) + "m" + (s % 60) + "s";
        return (s / 3600) + "h" + ((s % 3600) / 60) + "m" + (s % 60) + "s";
    }
}
