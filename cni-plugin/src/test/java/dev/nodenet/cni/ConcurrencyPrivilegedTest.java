package dev.nodenet.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 200 ADDs at once (each its own container namespace) get 200 distinct addresses; 200 DELs at once leave nothing. */
@Tag("privileged")
class ConcurrencyPrivilegedTest {
    private static final int N = 200;
    @TempDir Path tmp;

    @Test
    void twoHundredParallelAddsThenTwoHundredParallelDels() throws Exception {
        try (Lab lab = new Lab(tmp)) {
            String conf = lab.v4Conf("1.1.0", "\"isGateway\":true,\"ipMasq\":true");
            List<String> containers = new ArrayList<>();
            for (int k = 0; k < N; k++) containers.add(lab.container());
            ExecutorService pool = Executors.newFixedThreadPool(N);
            try {
                List<Future<Lab.Outcome>> adds = new ArrayList<>();
                for (int k = 0; k < N; k++) {
                    String c = containers.get(k);
                    String id = "par" + k;
                    adds.add(pool.submit(() -> lab.run(Lab.env("ADD", id, c, "eth0"), conf)));
                }
                Set<String> ips = new HashSet<>();
                for (Future<Lab.Outcome> f : adds) {
                    Lab.Outcome out = f.get();
                    assertEquals(0, out.exit(), out::toString);
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> l = (List<Map<String, Object>>) out.json().get("ips");
                    ips.add((String) l.getFirst().get("address"));
                }
                assertEquals(N, ips.size(), "distinct addresses: " + ips);
                assertEquals(N, Lab.ip(lab.host, "-o", "link", "show", "master", lab.bridge).lines().count());
                assertEquals(N, BridgePluginPrivilegedTest.files(lab.dataDir.resolve("labnet")).stream()
                        .filter(f -> f.startsWith("10.")).count());
                assertEquals(N, Lab.inNs(lab.host, "iptables-save", "-t", "nat").lines()
                        .filter(l -> l.startsWith("-A POSTROUTING")).count());

                List<Future<Lab.Outcome>> dels = new ArrayList<>();
                for (int k = 0; k < N; k++) {
                    String c = containers.get(k);
                    String id = "par" + k;
                    dels.add(pool.submit(() -> lab.run(Lab.env("DEL", id, c, "eth0"), conf)));
                }
                for (Future<Lab.Outcome> f : dels) assertEquals(0, f.get().exit(), () -> f.resultNow().toString());
            } finally {
                pool.shutdownNow();
            }
            assertFalse(Lab.ip(lab.host, "link").contains("veth"));
            assertEquals(List.of(), BridgePluginPrivilegedTest.files(lab.dataDir.resolve("labnet")).stream()
                    .filter(f -> f.startsWith("10.")).toList());
            assertFalse(Lab.inNs(lab.host, "iptables-save", "-t", "nat").contains("CNI-"));
            assertFalse(Files.exists(lab.dataDir.resolve("labnet/10.77.0.2")));
        }
    }
}
