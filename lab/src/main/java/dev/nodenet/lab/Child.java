package dev.nodenet.lab;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One child process of the supervisor (the API server, a node daemon), restarted 1 s after it exits unless the lab is
 * stopping — as a kubelet restarts a static pod or a DaemonSet's container. Exit code 2 (bad usage: a flag or mode this
 * build refuses) is not retried: restarting cannot fix it, so the child writes {@code failedFile} with the end of its
 * log for {@code lab up} to report. Output goes to {@code logs/NAME.log}
 * (appended across restarts), its pid to {@code run/NAME.pid}. Threading: one platform thread per child watches it;
 * {@link #stop} may be called from any thread.
 */
final class Child {
    private final String name;
    private final List<String> command;
    private final Path logFile;
    private final Path pidFile;
    private final Path failedFile;
    private final PrintStream log;
    private volatile Process process;
    private volatile boolean stopping;
    private int starts;

    Child(String name, List<String> command, Path logFile, Path pidFile, Path failedFile, PrintStream log) {
        this.name = name;
        this.failedFile = failedFile;
        this.command = List.copyOf(command);
        this.logFile = logFile;
        this.pidFile = pidFile;
        this.log = log;
    }

    String name() {
        return name;
    }

    void start() throws IOException {
        launch();
        Thread.ofPlatform().daemon(true).name("child-" + name).start(this::watch);
    }

    private synchronized void launch() throws IOException {
        Files.createDirectories(logFile.getParent());
        Files.createDirectories(pidFile.getParent());
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        Files.writeString(pidFile, process.pid() + "\n");
        starts++;
        log.println("supervisor: started " + name + " (pid " + process.pid() + (starts > 1 ? ", restart " + (starts - 1) : "") + ")");
    }

    private void watch() {
        while (true) {
            Process p = process;
            int code;
            try {
                code = p.waitFor();
            } catch (InterruptedException e) {
                return;
            }
            if (stopping) return;
            if (code == 2) {
                String why = name + " refused its command line (exit 2), not restarting:\n" + Lab.tail(logFile, 5);
                log.println("supervisor: " + why);
                try {
                    Files.writeString(failedFile, why + "\n");
                } catch (IOException e) {
                    log.println("supervisor: cannot write " + failedFile + ": " + e.getMessage());
                }
                return;
            }
            log.println("supervisor: " + name + " (pid " + p.pid() + ") exited with " + code + "; restarting in 1 s (log: " + logFile + ")");
            Underlay.sleep(1000);
            if (stopping) return;
            try {
                launch();
            } catch (IOException e) {
                log.println("supervisor: cannot restart " + name + ": " + e.getMessage());
                return;
            }
        }
    }

    /** SIGTERM, up to {@code graceMs} to exit, then SIGKILL (with its descendants). */
    void stop(long graceMs) {
        stopping = true;
        Process p = process;
        if (p == null) return;
        // ip netns exec <ns> java ...: the java process is our child's child when ip forks; signal the whole tree.
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(graceMs, TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException ignored) {
            // the sweep in lab down removes the run dir anyway
        }
        log.println("supervisor: stopped " + name);
    }
}
