package dev.nodenet.controlplane.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real kubectl binary against a kubeconfig, capturing output; for tests. */
final class Kubectl {
    /** Where Debian/gcloud installs versioned kubectl builds beside the dispatcher on PATH. */
    static final Path VERSIONED_DIR = Path.of("/usr/lib/google-cloud-sdk/bin");

    record Result(int exitCode, String out, String err) {
        Result ok() {
            if (exitCode != 0) throw new AssertionError("kubectl failed (" + exitCode + "):\nstdout: " + out + "\nstderr: " + err);
            return this;
        }
    }

    private final String binary;
    private final Path kubeconfig;

    Kubectl(String binary, Path kubeconfig) {
        this.binary = binary;
        this.kubeconfig = kubeconfig;
    }

    static Kubectl onPath(Path kubeconfig) {
        return new Kubectl("kubectl", kubeconfig);
    }

    /** The versioned builds installed on this machine (kubectl.1.27 ... kubectl.1.33). */
    static List<String> versionedBinaries() {
        List<String> list = new ArrayList<>();
        for (int minor = 27; minor <= 33; minor++) {
            Path p = VERSIONED_DIR.resolve("kubectl.1." + minor);
            if (Files.isExecutable(p)) list.add(p.toString());
        }
        return list;
    }

    Result run(String... args) {
        return withInput(null, args);
    }

    /** Runs kubectl with {@code stdin} (may be null) fed to it. */
    Result withInput(String stdin, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        cmd.add("--kubeconfig=" + kubeconfig);
        cmd.addAll(List.of(args));
        try {
            Path outFile = Files.createTempFile("kubectl", ".out"), errFile = Files.createTempFile("kubectl", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(outFile.toFile()).redirectError(errFile.toFile());
                pb.environment().put("HOME", kubeconfig.getParent().toString());
                pb.environment().remove("KUBECONFIG");
                Process p = pb.start();
                if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().close();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish in 60 s");
                }
                return new Result(p.exitValue(), Files.readString(outFile), Files.readString(errFile));
            } finally {
                Files.deleteIfExists(outFile);
                Files.deleteIfExists(errFile);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run kubectl: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Starts kubectl in the background (e.g. {@code get -w}); output goes to {@code out}. */
    Process start(Path out, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        cmd.add("--kubeconfig=" + kubeconfig);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectErrorStream(true);
        pb.environment().put("HOME", kubeconfig.getParent().toString());
        return pb.start();
    }
}
