package dev.nodenet.cni;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code nodenet} CNI plugin executable (CNI spec 1.1; speaks 1.1.0, 1.0.0, 0.4.0 and 0.3.1).
 *
 * <p>Protocol: the command and attachment come from {@code CNI_COMMAND} (ADD, DEL, CHECK, GC, STATUS, VERSION),
 * {@code CNI_CONTAINERID}, {@code CNI_NETNS}, {@code CNI_IFNAME}, {@code CNI_ARGS} (accepted, keys ignored),
 * {@code CNI_PATH} (where a delegated IPAM plugin is looked up); the network configuration is JSON on stdin. On
 * success ADD prints the result for the config's {@code cniVersion}, VERSION the supported versions, the others
 * nothing; exit 0. On failure the spec's error object {@code {"cniVersion","code","msg","details"}} goes to stdout
 * (libcni reads it there), a log line to stderr, exit 1.
 *
 * <p>Error codes: 1 incompatible version (also CHECK below 0.4.0, GC/STATUS below 1.1.0), 2 unsupported field
 * (a reference-bridge feature such as vlan that is not implemented), 3 CHECK with a CNI_NETNS that is gone,
 * 4 invalid/missing environment (and ADD into a netns that is not one, or whose CNI_IFNAME already exists),
 * 5 stdin unreadable, 6 JSON or prevResult undecodable, 7 invalid configuration, 50 STATUS: cannot serve ADD (IPAM
 * directory unusable, pool exhausted, bridge name taken); plugin-specific 100 CHECK mismatch, 101 address pool
 * exhausted on ADD, 999 a host operation failed (message names it). Everything decidable from the input is checked
 * before the host is touched.
 *
 * <p>Configuration ({@code "type": "nodenet"}): {@code bridge} (cni0), {@code isGateway}, {@code isDefaultGateway},
 * {@code forceAddress}, {@code mtu}, {@code hairpinMode}, {@code promiscMode}, {@code ipMasq}; {@code ipam} with
 * {@code "type": "host-local"} is served built in (same on-disk format as the reference host-local, so either can
 * take over), any other {@code ipam.type} is executed from CNI_PATH as a delegated plugin.
 *
 * <p>Threading: {@link #run} may be called concurrently from several threads (tests do). All host-side work happens
 * on the calling thread, whose network namespace is taken to be the host's.
 */
public final class CniMain {
    private CniMain() {}

    /**
     * The executable's entry point. CNI passes nothing in {@code args}; the single argument {@code --aot-training} is
     * used by {@link InstallCni} to record the JVM's AOT cache (see {@link AotTraining}).
     */
    public static void main(String[] args) throws java.io.IOException {
        if (args.length == 1 && args[0].equals("--aot-training")) {
            AotTraining.run(System.err);
            return;
        }
        System.exit(run(System.getenv(), System.in, System.out, System.err));
    }

    /** Runs one CNI invocation; returns the process exit code (0 success, 1 failure with the error on stdout). */
    public static int run(Map<String, String> env, InputStream stdin, PrintStream stdout, PrintStream stderr) {
        return run(env, stdin, stdout, stderr, BridgePlugin.NO_HOOK);
    }

    static int run(Map<String, String> env, InputStream stdin, PrintStream stdout, PrintStream stderr,
                   BridgePlugin.StepHook hook) {
        String input = "";
        String version = CniVersions.CURRENT;
        String command = env.getOrDefault("CNI_COMMAND", "");
        try {
            CniEnv cni = CniEnv.from(env);
            try {
                input = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CniException(CniException.IO_FAILURE, "error reading network config from stdin", e.toString());
            }
            if (cni.command().equals("VERSION")) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("cniVersion", NetConf.versionOf(input));
                out.put("supportedVersions", CniVersions.SUPPORTED);
                stdout.println(JsonText.write(out));
                stdout.flush();
                return 0;
            }
            NetConf conf = NetConf.parse(input, cni.command());
            version = conf.cniVersion();
            BridgePlugin plugin = new BridgePlugin(cni, conf, env, stderr, hook);
            switch (cni.command()) {
                case "ADD" -> {
                    CniResult result = plugin.add();
                    stdout.println(JsonText.write(result.toJson(conf.cniVersion())));
                }
                case "DEL" -> plugin.del();
                case "CHECK" -> plugin.check();
                case "GC" -> plugin.gc();
                case "STATUS" -> plugin.status();
                default -> throw new IllegalStateException(cni.command());
            }
            stdout.flush();
            return 0;
        } catch (RuntimeException e) {
            CniException c = BridgePlugin.asCni(e, command);
            if (c.code() == CniException.INCOMPATIBLE_VERSION || version.equals(CniVersions.CURRENT)) {
                String v = NetConf.versionOf(input);
                version = CniVersions.SUPPORTED.contains(v) ? v : CniVersions.CURRENT;
            }
            Map<String, Object> err = new LinkedHashMap<>();
            err.put("cniVersion", version);
            err.put("code", c.code());
            err.put("msg", c.msg());
            err.put("details", c.details());
            stdout.println(JsonText.write(err));
            stdout.flush();
            stderr.println("nodenet CNI " + command + " " + env.getOrDefault("CNI_CONTAINERID", "") + "/"
                    + env.getOrDefault("CNI_IFNAME", "") + ": error " + c.code() + ": " + c.getMessage());
            if (c.code() == CniException.INTERNAL && c.getCause() != null) c.getCause().printStackTrace(stderr);
            return 1;
        }
    }
}
