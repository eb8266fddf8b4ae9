package dev.nodenet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodenet.api.cli.Flags;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class IptablesBenchTest {

    /** Every part at a tiny size, both variants: the tables come out with numbers in every column. */
    @Test
    @Tag("privileged")
    @Timeout(600)
    void tinyRunOfEveryPart() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        IptablesBench.run(new String[] {"--services", "50", "--latency-services", "20", "--changes", "3", "--rss-services", "20",
                "--daemon-java-opts", "-XX:+UseSerialGC"}, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        List<String> fullRows = out.lines().filter(l -> l.startsWith("50 ")).toList();
        assertEquals(2, fullRows.size(), out);
        for (String row : fullRows) {
            assertTrue(row.matches("50\\s+\\d+\\s+\\d+\\.\\d+\\s+\\d+\\.\\d+\\s+\\d+\\.\\d+\\s+[+-]\\d+\\.\\d%\\s+\\d+ ms\\s+\\d+ ms\\s*"), row);
        }
        assertEquals(2, out.lines().filter(l -> l.contains("measured (API update -> sync done, rule verified): p50 ")).count(), out);
        assertEquals(2, out.lines().filter(l -> l.contains("kubeproxy_network_programming_duration_seconds: count 3,")).count(), out);
        List<String> rss = out.lines().filter(l -> l.startsWith("(JVM defaults)") || l.startsWith("-XX:+UseSerialGC")).toList();
        assertEquals(2, rss.size(), out);
        for (String row : rss) assertTrue(row.matches(".*\\s\\d+\\.\\d\\s+\\d+\\s+\\d+\\s+\\d+\\s*"), row);
    }

    @Test
    void badFlagsAreRejectedBeforeAnythingStarts() {
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Flags.UsageException e = assertThrows(Flags.UsageException.class, () -> IptablesBench.run(new String[] {"--variants", "nft,ipvs"}, out));
        assertTrue(e.getMessage().contains("unknown variant \"ipvs\""), e.getMessage());
        e = assertThrows(Flags.UsageException.class, () -> IptablesBench.run(new String[] {"--parts", "full,full"}, out));
        assertTrue(e.getMessage().contains("given twice"), e.getMessage());
        e = assertThrows(Flags.UsageException.class, () -> IptablesBench.run(new String[] {"--endpoints", "0"}, out));
        assertTrue(e.getMessage().contains("--endpoints"), e.getMessage());
        e = assertThrows(Flags.UsageException.class, () -> IptablesBench.run(new String[] {"--services", "100000", "--endpoints", "11"}, out));
        assertTrue(e.getMessage().contains("more than 1000000"), e.getMessage());
        e = assertThrows(Flags.UsageException.class, () -> IptablesBench.run(new String[] {"--changes", "0"}, out));
        assertTrue(e.getMessage().contains("--changes"), e.getMessage());
    }

    @Test
    void histogramSummaryReadsThePrometheusText() {
        String m = """
                kubeproxy_network_programming_duration_seconds_bucket{le="0.25"} 6
                kubeproxy_network_programming_duration_seconds_bucket{le="0.5"} 9
                kubeproxy_network_programming_duration_seconds_bucket{le="1"} 10
                kubeproxy_network_programming_duration_seconds_bucket{le="+Inf"} 10
                kubeproxy_network_programming_duration_seconds_sum 2.5
                kubeproxy_network_programming_duration_seconds_count 10
                """;
        assertEquals("count 10, mean 250 ms, p50 <= 0.25 s, p99 <= 1.0 s",
                IptablesLatency.histogramSummary(m, "kubeproxy_network_programming_duration_seconds"));
        assertEquals("no observations", IptablesLatency.histogramSummary("", "x"));
    }
}
