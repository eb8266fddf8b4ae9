package dev.nodenet.lab;

import dev.nodenet.api.client.KubeClient;
import dev.nodenet.api.client.KubeConfig;
import dev.nodenet.cni.InstallCni;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * A running lab, for {@code ./nodenet lab} and for tests: {@link #up} builds the underlay, installs the CNI plugin,
 * starts the detached supervisor ({@code setsid nodenet lab supervise}) and returns once the cluster is ready;
 * {@link #down} stops it and removes every namespace, link, process and file it made. Threading: one caller at a time.
 */
public final class Lab {
    /** The main class children are launched with (cli depends on lab, so it is named, not referenced). */
    public static final String MAIN_CLASS = "dev.nodenet.cli.Main";
    private final LabSpec spec;

    private Lab(LabSpec spec) {
        this.spec = spec;
    }

    public LabSpec spec() {
        return spec;
    }

    /** An admin client (the kubeconfig {@code lab up} prints). */
    public KubeClient admin() {
        return new KubeClient(KubeConfig.load(spec.kubeconfig()));
    }

    /** The network namespace of a node ({@code node-1}) or a running pod ({@code NAME} or {@code NAMESPACE/NAME}). */
    public Optional<String> netnsOf(String name) {
        return resolve(spec, name);
    }

    /** The pid of a supervised process ({@code supervisor}, {@code apiserver}, {@code node-1} ...), if running. */
    public Optional<Long> pid(String child) {
        return readPid(spec.pidFile(child)).filter(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false));
    }

    /**
     * Takes a node out of the cluster as when its machine leaves: its pods stop (CNI DEL), its daemon stops, its Pods
     * and Node object are deleted, its namespace goes. Returns once the supervisor confirms.
     */
    public void removeNode(String node, Duration timeout) throws IOException, InterruptedException {
        if (spec.nodeIndex(node) < 0) throw new IllegalArgumentException("no node named \"" + node + "\" in the lab (nodes: " + String.join(", ", spec.nodeNames()) + ")");
        if (pid("supervisor").isEmpty()) throw new IllegalStateException("the lab in " + spec.dir() + " is not running");
        Path done = spec.removedDir().resolve(node);
        if (Files.exists(done)) return;
        Files.createDirectories(spec.runDir().resolve("remove"));
        Files.writeString(spec.runDir().resolve("remove").resolve(node), "");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(done)) {
            if (System.nanoTime() > deadline) throw new IOException(node + " was not removed in " + timeout.toSeconds() + " s (see " + spec.logDir().resolve("supervisor.log") + ")");
            Thread.sleep(200);
        }
    }

    /** True when {@code node} was removed with {@link #removeNode}. */
    public boolean removed(String node) {
        return Files.exists(spec.removedDir().resolve(node));
    }

    /** The lab whose {@code lab.json} is in {@code dir}. */
    public static Lab attach(Path dir) throws IOException {
        return new Lab(LabSpec.load(dir));
    }

    /** True when {@code dir} holds a lab whose supervisor is alive. */
    public static boolean running(Path dir) {
        try {
            return attach(dir).pid("supervisor").isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    /** The command that runs {@code nodenet} with this JVM's classpath (expanding a manifest-only test jar). */
    public static List<String> launcherForThisJvm() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        String home = System.getProperty("nodenet.home");
        if (home != null) cmd.add("-Dnodenet.home=" + home);
        cmd.addAll(List.of("-cp", classpath(), MAIN_CLASS));
        return cmd;
    }

    /** This JVM's classpath, manifest-only jars expanded, entries that do not exist (an empty module's classes) left out. */
    static String classpath() {
        List<String> out = new ArrayList<>();
        for (String e : rawClasspath().split(File.pathSeparator)) {
            if (e.endsWith("/*") ? Files.isDirectory(Path.of(e.substring(0, e.length() - 2))) : Files.exists(Path.of(e))) out.add(e);
        }
        return String.join(File.pathSeparator, out);
    }

    private static String rawClasspath() {
        String cp = System.getProperty("java.class.path");
        String[] entries = cp.split(File.pathSeparator);
        if (entries.length == 1 && entries[0].endsWith(".jar")) {
            try (JarFile jar = new JarFile(entries[0])) {
                String manifestCp = jar.getManifest() == null ? null : jar.getManifest().getMainAttributes().getValue("Class-Path");
                if (manifestCp != null && !manifestCp.isBlank()) {
                    List<String> out = new ArrayList<>();
                    for (String u : manifestCp.trim().split("\\s+")) out.add(Path.of(java.net.URI.create(u.startsWith("file:") ? u : "file:" + u)).toString());
                    return String.join(File.pathSeparator, out);
                }
            } catch (IOException | RuntimeException ignored) {
                // a plain jar: use it as it is
            }
        }
        return cp;
    }

    /**
     * Builds and starts a lab; returns when it is ready. Refuses (IllegalStateException, nothing changed) when a lab
     * already runs in the directory or kernel objects with the lab's names exist.
     */
    public static Lab up(LabSpec spec, PrintStream out, Duration timeout) throws IOException, InterruptedException {
        if (Files.exists(LabSpec.specFile(spec.dir()))) {
            if (running(spec.dir())) {
                LabSpec other = LabSpec.load(spec.dir());
                throw new IllegalStateException("a lab is already running in " + spec.dir() + " (" + other.nodes() + " node(s), mode " + other.mode()
                        + "): see ./nodenet lab status, or run ./nodenet lab down first");
            }
            throw new IllegalStateException("a lab in " + spec.dir() + " was not shut down cleanly (its supervisor is gone): run ./nodenet lab down first");
        }
        List<String> existing = Underlay.existing(spec);
        if (!existing.isEmpty()) {
            throw new IllegalStateException("kernel objects named like lab \"" + spec.name() + "\" already exist (" + String.join(", ", existing)
                    + "): another lab with this --name is running, or run ./nodenet lab down --name " + spec.name());
        }
        List<String> clash = Underlay.clashingAddresses(spec);
        if (!clash.isEmpty()) {
            throw new IllegalStateException("the underlay " + spec.underlayCidr() + " overlaps this machine's addresses (" + String.join(", ", clash)
                    + "): choose another --underlay-cidr");
        }
        if (!isRoot()) throw new IllegalStateException("the lab needs root (network namespaces, bridges, iptables)");
        spec.save();
        Files.createDirectories(spec.logDir());
        Files.createDirectories(spec.runDir());
        try {
            out.println("lab: underlay bridge " + spec.bridge() + " " + spec.bridgeIp() + "/" + spec.underlayPrefixLength() + ", "
                    + spec.nodes() + " node namespace(s)");
            Underlay.create(spec);
            out.println("lab: installing the CNI plugin into " + spec.cniBinDir() + (spec.cniAot() ? " (with its AOT cache)" : ""));
            installCni(spec);
            out.println("lab: starting the supervisor (API server, kubelets, scheduler, node daemons in mode " + spec.mode() + "); logs in " + spec.logDir());
            List<String> cmd = new ArrayList<>(List.of("setsid"));
            cmd.addAll(spec.launcher());
            cmd.addAll(List.of("lab", "supervise", "--dir", spec.dir().toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logDir().resolve("supervisor.log").toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!Files.exists(spec.readyFile())) {
                if (Files.exists(spec.failedFile())) throw new IOException(Files.readString(spec.failedFile()).strip());
                if (!p.isAlive()) throw new IOException("the lab supervisor exited with " + p.exitValue() + ":\n" + tail(spec.logDir().resolve("supervisor.log"), 15));
                if (System.nanoTime() > deadline) {
                    throw new IOException("the lab was not ready after " + timeout.toSeconds() + " s; still waiting for: "
                            + String.join("; ", Supervisor.notReady(new Lab(spec).admin(), java.net.http.HttpClient.newHttpClient(), spec))
                            + "\nlogs in " + spec.logDir());
                }
                Thread.sleep(200);
            }
            return new Lab(spec);
        } catch (IOException | RuntimeException | InterruptedException e) {
            List<String> problems = down(spec.dir(), spec.name(), new PrintStream(PrintStream.nullOutputStream()));
            if (!problems.isEmpty()) e.addSuppressed(new IOException("and cleaning up left: " + String.join("; ", problems)));
            throw e;
        }
    }

    private static void installCni(LabSpec spec) throws IOException {
        int cp = spec.launcher().indexOf("-cp");
        String classpath = cp >= 0 && cp + 1 < spec.launcher().size() ? spec.launcher().get(cp + 1) : classpath();
        List<String> args = new ArrayList<>(List.of(spec.cniBinDir().toString(), "--classpath", classpath));
        if (!spec.cniAot()) args.add("--no-aot");
        Files.createDirectories(spec.cniBinDir());
        ByteArrayOutputStream msgs = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(msgs, true, StandardCharsets.UTF_8);
        if (InstallCni.run(args.toArray(String[]::new), ps, ps) != 0) throw new IOException("installing the CNI plugin failed: " + msgs.toString(StandardCharsets.UTF_8).strip());
    }

    /** Stops this lab and removes everything it made; returns what could not be removed (empty: all gone). */
    public List<String> down(PrintStream out) {
        return down(spec.dir(), spec.name(), out);
    }

    /**
     * Stops the lab in {@code dir} (its supervisor tears pods down and stops its children), then removes every process,
     * network namespace and link named for lab {@code name}, and the directory. Returns what could not be removed.
     */
    public static List<String> down(Path dir, String name, PrintStream out) {
        List<String> problems = new ArrayList<>();
        Optional<Long> supervisor = readPid(dir.resolve("run").resolve("supervisor.pid"));
        Optional<ProcessHandle> sup = supervisor.flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
        if (sup.isPresent()) {
            out.println("lab: stopping the supervisor (pid " + sup.get().pid() + "): pods, node daemons, API server");
            sup.get().destroy();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (sup.get().isAlive() && System.nanoTime() < deadline) Underlay.sleep(100);
            if (sup.get().isAlive()) {
                out.println("lab: the supervisor did not stop in 90 s; killing it");
                sup.get().destroyForcibly();
            }
        }
        List<String> netns = Underlay.labNetns(name), links = Underlay.labLinks(name);
        problems.addAll(Underlay.sweep(name, dir));
        if (!netns.isEmpty()) out.println("lab: removed network namespaces " + String.join(", ", netns));
        if (!links.isEmpty()) out.println("lab: removed links " + String.join(", ", links));
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
                out.println("lab: removed " + dir);
            } catch (IOException e) {
                problems.add("directory " + dir + ": " + e.getMessage());
            }
        }
        return problems;
    }

    static Optional<String> resolve(LabSpec spec, String name) {
        int node = spec.nodeIndex(name);
        if (node > 0) return Optional.of(spec.nodeNetns(node));
        List<PodRecord> matches = PodRecord.all(spec.podsDir()).stream()
                .filter(p -> p.name().equals(name) || (p.namespace() + "/" + p.name()).equals(name)).toList();
        return matches.size() == 1 ? Optional.of(matches.getFirst().netns()) : Optional.empty();
    }

    static Optional<Long> readPid(Path file) {
        try {
            return Optional.of(Long.parseLong(Files.readString(file).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return line.split("\\s+")[1].equals("0");
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return false;
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
