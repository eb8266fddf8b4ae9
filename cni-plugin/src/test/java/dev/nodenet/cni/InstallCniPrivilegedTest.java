package dev.nodenet.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * install-cni writes an executable a runtime can exec: the test execs it as a separate process for VERSION and for a
 * real ADD/DEL in lab namespaces. The AOT training creates (and removes) anonymous namespaces, hence privileged.
 */
@Tag("privileged")
class InstallCniPrivilegedTest {
    @TempDir Path tmp;

    @Test
    void installedExecutableServesCniWithAnAotCache() throws Exception {
        String jars = jarsOfTheClasspath();
        Path dir = tmp.resolve("bin");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = InstallCni.run(new String[]{dir.toString(), "--classpath", jars}, new PrintStream(out, true),
                new PrintStream(err, true));
        assertEquals(0, rc, err::toString);
        Path exe = dir.resolve("nodenet");
        assertTrue(Files.isExecutable(exe));
        assertTrue(Files.exists(dir.resolve(InstallCni.AOT_FILE)) && Files.size(dir.resolve(InstallCni.AOT_FILE)) > 0, err::toString);
        assertTrue(Files.readString(exe).contains("-XX:AOTCache="), Files.readString(exe));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(".nodenet-cni.aot", "nodenet"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals("{\"cniVersion\":\"1.0.0\",\"supportedVersions\":[\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}",
                exec(exe, Map.of("CNI_COMMAND", "VERSION"), "{\"cniVersion\":\"1.0.0\"}", 0));
        try (Lab lab = new Lab(tmp)) {
            String c = lab.container();
            String conf = lab.v4Conf("1.1.0", "\"isGateway\":true");
            Map<String, String> env = Lab.env("ADD", "inst", c, "eth0");
            String result = lab.hostNs.call(() -> exec(exe, env, conf, 0));
            assertTrue(result.startsWith("{\"cniVersion\":\"1.1.0\",\"interfaces\":"), result);
            assertTrue(Lab.ip(Lab.nsName(c), "addr", "show", "eth0").contains("10.77.0.2/24"));
            env.put("CNI_COMMAND", "DEL");
            assertEquals("", lab.hostNs.call(() -> exec(exe, env, conf, 0)));
            assertFalse(Lab.ip(Lab.nsName(c), "link").contains("eth0"));
            // Errors arrive on stdout as the spec's object, with a non-zero exit.
            env.put("CNI_COMMAND", "ADD");
            String bad = lab.hostNs.call(() -> exec(exe, env, "{", 1));
            assertTrue(bad.contains("\"code\":6"), bad);
        }
    }

    @Test
    void badArgumentsAreRejectedAndWriteNothing() {
        Path dir = tmp.resolve("bin");
        for (String[] args : List.of(new String[]{"relative/dir"}, new String[]{dir.toString(), "--bogus"},
                new String[]{dir.toString(), "--classpath"}, new String[]{dir.toString(), dir.toString()})) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(2, InstallCni.run(args, new PrintStream(OutputStream.nullOutputStream()), new PrintStream(err, true)));
            assertTrue(err.toString().contains("usage:"), err::toString);
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, InstallCni.run(new String[]{dir.toString(), "--classpath", tmp.resolve("missing.jar").toString()},
                new PrintStream(OutputStream.nullOutputStream()), new PrintStream(err, true)));
        assertTrue(err.toString().contains("missing.jar"), err::toString);
        assertFalse(Files.exists(dir));
    }

    @Test
    void scriptQuotesEverything() {
        String s = InstallCni.script(Path.of("/opt/j dk/bin/java"), List.of("-Da=it's"), "/x/a.jar:/x/lib/*");
        assertEquals("#!/bin/sh\n# nodenet CNI plugin (CNI spec 1.1), written by `nodenet install-cni`.\n"
                + "exec '/opt/j dk/bin/java' '-Da=it'\\''s' -cp '/x/a.jar:/x/lib/*' 'dev.nodenet.cni.CniMain' \"$@\"\n", s);
    }

    private static String exec(Path exe, Map<String, String> env, String stdin, int expectedExit) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(exe.toString());
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(expectedExit, p.exitValue(), () -> out + err);
        return out;
    }

    /** The AOT cache needs jars: package this module's and netlink's class directories (as the real build has). */
    private String jarsOfTheClasspath() throws Exception {
        List<String> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(":")) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p) && p.endsWith("classes") && !p.getParent().endsWith("test-classes")) {
                Path jar = tmp.resolve("cp" + jars.size() + ".jar");
                try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> s = Files.walk(p)) {
                    for (Path f : s.filter(Files::isRegularFile).toList()) {
                        j.putNextEntry(new JarEntry(p.relativize(f).toString()));
                        j.write(Files.readAllBytes(f));
                        j.closeEntry();
                    }
                }
                jars.add(jar.toString());
            } else if (entry.endsWith(".jar") && !entry.contains("junit") && !entry.contains("opentest4j") && !entry.contains("apiguardian")) {
                jars.add(entry); // sibling modules are jars when the reactor runs past `package` (mvn install)
            }
        }
        return String.join(":", jars);
    }
}
