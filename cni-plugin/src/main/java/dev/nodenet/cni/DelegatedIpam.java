package dev.nodenet.cni;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * IPAM by a delegated plugin (spec section 4): the executable named {@code ipam.type}, found in {@code CNI_PATH},
 * run with this invocation's environment (CNI_COMMAND set to the command being delegated) and the same network
 * configuration on stdin. Its result (or error object) is parsed and passed on with the plugin's own code.
 *
 * <p>Threading: used on the command's thread; the child is started from that thread, so it runs in the same network
 * namespace.
 */
final class DelegatedIpam implements Ipam {
    private static final long TIMEOUT_SECONDS = 60;

    private final Path executable;
    private final NetConf conf;
    private final Map<String, String> env;

    private DelegatedIpam(Path executable, NetConf conf, Map<String, String> env) {
        this.executable = executable;
        this.conf = conf;
        this.env = env;
    }

    /** Finds the plugin up front (code 7 if CNI_PATH has none) so nothing is changed when it is missing. */
    static DelegatedIpam find(NetConf conf, CniEnv cni, Map<String, String> env) {
        for (String dir : cni.path()) {
            Path p = Path.of(dir, conf.ipamType());
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return new DelegatedIpam(p, conf, env);
        }
        throw new CniException(CniException.INVALID_CONFIG, "failed to find IPAM plugin \"" + conf.ipamType() + "\"",
                "not an executable in CNI_PATH " + cni.path());
    }

    @Override
    public CniResult add(CniEnv cni) {
        String out = exec("ADD");
        try {
            return CniResult.parse(JsonText.parse(out), "IPAM plugin " + conf.ipamType() + " result");
        } catch (IllegalArgumentException e) {
            throw new CniException(CniException.DECODING_FAILURE, "failed to decode IPAM plugin result",
                    conf.ipamType() + ": " + e.getMessage());
        }
    }

    @Override
    public void del(CniEnv cni) {
        exec("DEL");
    }

    @Override
    public void check(CniEnv cni, CniResult expected) {
        exec("CHECK");
    }

    @Override
    public List<NetConf.Attachment> gc(CniEnv cni, Set<NetConf.Attachment> valid) {
        exec("GC");
        return List.of();
    }

    @Override
    public void status(CniEnv cni) {
        exec("STATUS");
    }

    private String exec(String command) {
        ProcessBuilder pb = new ProcessBuilder(executable.toString());
        Map<String, String> childEnv = pb.environment();
        childEnv.clear();
        childEnv.putAll(env);
        childEnv.putIfAbsent("PATH", System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"));
        childEnv.put("CNI_COMMAND", command);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        try {
            Process p = pb.start();
            CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            try (OutputStream in = p.getOutputStream()) {
                in.write(conf.stdin().getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the plugin may exit without reading stdin; its exit status tells
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CniException(CniException.INTERNAL, "IPAM plugin timed out",
                        executable + " " + command + " took over " + TIMEOUT_SECONDS + " s");
            }
            String out = new String(stdout.join(), StandardCharsets.UTF_8);
            if (p.exitValue() == 0) return out;
            throw pluginError(command, p.exitValue(), out);
        } catch (IOException e) {
            throw new CniException(CniException.INTERNAL, "failed to run IPAM plugin", executable + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CniException(CniException.INTERNAL, "interrupted while running IPAM plugin", executable.toString());
        }
    }

    private CniException pluginError(String command, int exit, String out) {
        try {
            if (JsonText.parse(out) instanceof Map<?, ?> m && m.get("code") instanceof java.math.BigDecimal code) {
                String msg = m.get("msg") instanceof String s ? s : "";
                String details = m.get("details") instanceof String s ? s : "";
                return new CniException(code.intValue(), "IPAM plugin " + conf.ipamType() + " " + command + ": " + msg,
                        details);
            }
        } catch (IllegalArgumentException ignored) {
            // not an error object: reported generically below
        }
        return new CniException(CniException.INTERNAL, "IPAM plugin " + conf.ipamType() + " " + command + " failed",
                "exit " + exit + (out.isBlank() ? "" : ", output: " + out.strip()));
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
