package dev.nodenet.bench;

import dev.nodenet.api.client.Informer;
import dev.nodenet.api.client.KubeClient;
import dev.nodenet.api.client.KubeConfig;
import dev.nodenet.api.client.Resource;
import dev.nodenet.api.model.Endpoint;
import dev.nodenet.api.model.EndpointSlice;
import dev.nodenet.controlplane.server.ApiServer;
import dev.nodenet.iptables.IptablesBackend;
import dev.nodenet.iptables.IptablesBackend.Variant;
import dev.nodenet.proxy.IpFamily;
import dev.nodenet.proxy.Metrics;
import dev.nodenet.proxy.Proxier;
import dev.nodenet.proxy.ProxyConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Network programming latency: a real API server (in-process, temporary data dir) and the proxy (informers,
 * {@link Proxier}, the iptables backend programming a throw-away namespace) with S Services loaded; an EndpointSlice is
 * updated through the API (one endpoint replaced, the last-change-trigger-time annotation set as the EndpointSlice
 * controller does) and the clock stops when the proxy's next sync that put the new endpoint in the kernel finished
 * (its sync counter moves; the Service's KUBE-SVC chain is then read back with the iptables tool: polling that
 * chain instead would contend for the xtables lock with iptables-legacy-restore and slow the proxy down). The proxy's kubeproxy_network_programming_duration_seconds histogram is printed too.
 * Changes are sequential, 1.1 s apart (kube-proxy's default minSyncPeriod is 1 s).
 */
final class IptablesLatency {
    static final String TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time";
    private static final Pattern CLUSTER_RULE = Pattern.compile("--comment \"default/svc-(\\d+):http cluster IP\".* -j (KUBE-SVC-\\w+)");

    private IptablesLatency() {}

    static void run(Variant variant, int services, int endpoints, int changes, PrintStream out) throws Exception {
        String v = variant.name().toLowerCase(Locale.ROOT);
        Path dir = Files.createTempDirectory("nn-ipb-latency");
        try (ApiServer server = ApiServer.start(ApiServer.Config.defaults(dir).withPort(0)); Netns ns = Netns.create("ipl")) {
            KubeClient client = new KubeClient(KubeConfig.load(server.kubeconfig()));
            long t0 = System.nanoTime();
            EndpointSlice[] slices = ApiLoad.load(client, services, endpoints);
            double loadSeconds = IptablesBench.secs(t0);
            ProxyConfig config = IptablesBench.config(ns.name);
            Metrics metrics = new Metrics();
            IptablesBackend backend = new IptablesBackend(config, metrics, ns.handle(), variant, List.of(IpFamily.IPv4));
            List<Informer<?>> informers = new ArrayList<>();
            try (Proxier proxier = new Proxier(config, backend, metrics, ns.handle(), () -> List.of("192.168.0.2"))) {
                informers.add(Informer.builder(client, Resource.SERVICES).handler(proxier.serviceHandler()).build());
                informers.add(Informer.builder(client, Resource.ENDPOINT_SLICES).handler(proxier.endpointSliceHandler()).build());
                informers.forEach(Informer::start);
                for (Informer<?> i : informers) {
                    if (!i.awaitSynced(Duration.ofMinutes(5))) throw new IOException("informer did not sync in 5 min");
                }
                t0 = System.nanoTime();
                proxier.start();
                Map<Integer, String> chains = waitForChains(ns, v, services, Duration.ofMinutes(30));
                double firstSync = IptablesBench.secs(t0);

                Thread.sleep(1100); // the first sync just ran: a change now would wait for minSyncPeriod
                long[] micros = new long[changes];
                for (int c = 0; c < changes; c++) {
                    int index = (int) ((c * 7919L) % services);
                    String newIp = "10.250." + (c / 250 % 250) + "." + (c % 250 + 1);
                    EndpointSlice cur = slices[index];
                    List<Endpoint> eps = new ArrayList<>(cur.endpoints());
                    Endpoint first = eps.getFirst();
                    eps.set(0, new Endpoint(List.of(newIp), first.conditions(), first.hostname(), first.nodeName(), first.zone(),
                            first.hints(), first.targetRef()));
                    EndpointSlice next = cur.withEndpoints(eps)
                            .withMetadata(cur.metadata().withAnnotation(TRIGGER_TIME, Instant.now().toString()));
                    double syncs = syncCount(metrics);
                    long start = System.nanoTime();
                    slices[index] = client.update(Resource.ENDPOINT_SLICES, ApiLoad.NAMESPACE, cur.name(), next);
                    String chain = chains.get(index);
                    while (true) {
                        if (System.nanoTime() - start > Duration.ofMinutes(5).toNanos()) throw new IOException("change " + c + " not programmed in 5 min");
                        double now = syncCount(metrics);
                        if (now == syncs) {
                            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                            continue;
                        }
                        long doneAt = System.nanoTime();
                        // a sync finished: it may have started before the watch event arrived, so check the kernel
                        if (Netns.exec(ns, List.of("iptables-" + v, "-w", "5", "-t", "nat", "-S", chain), null).stdout().contains(newIp + ":8080")) {
                            micros[c] = (doneAt - start) / 1000;
                            break;
                        }
                        syncs = now;
                    }
                    Thread.sleep(1100);
                }
                Arrays.sort(micros);
                out.printf(Locale.ROOT, "%niptables-%s: EndpointSlice update through the API -> rule in the kernel, %d Services x %d endpoints"
                        + " (load %.0f s, first sync %.1f s), %d changes%n", v, services, endpoints, loadSeconds, firstSync, changes);
                out.printf(Locale.ROOT, "  measured (API update -> sync done, rule verified): p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                        quantile(micros, 0.5) / 1e3, quantile(micros, 0.9) / 1e3, quantile(micros, 0.99) / 1e3, micros[micros.length - 1] / 1e3);
                out.println("  kubeproxy_network_programming_duration_seconds: " + histogramSummary(metrics.render(),
                        "kubeproxy_network_programming_duration_seconds"));
                out.println("  kubeproxy_sync_partial_proxy_rules_duration_seconds: " + histogramSummary(metrics.render(),
                        "kubeproxy_sync_partial_proxy_rules_duration_seconds"));
            } finally {
                informers.forEach(Informer::stop);
            }
        } finally {
            deleteTree(dir);
        }
    }

    private static double syncCount(Metrics metrics) {
        return DaemonRss.value(metrics.render(), "kubeproxy_sync_proxy_rules_duration_seconds_count");
    }

    /** Waits until KUBE-SERVICES jumps for all {@code services}; returns their KUBE-SVC chains by index. */
    static Map<Integer, String> waitForChains(Netns ns, String variant, int services, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<Integer, String> chains = new HashMap<>();
            String rules = Netns.exec(ns, List.of("iptables-" + variant, "-w", "5", "-t", "nat", "-S", "KUBE-SERVICES"), null).stdout();
            for (String line : rules.split("\n")) {
                Matcher m = CLUSTER_RULE.matcher(line);
                if (m.find()) chains.put(Integer.parseInt(m.group(1)), m.group(2));
            }
            if (chains.size() == services) return chains;
            if (System.nanoTime() > deadline) throw new IOException("only " + chains.size() + " of " + services + " Services programmed");
            Thread.sleep(200);
        }
    }

    /** count, mean and the bucket bounds holding p50 and p99, from the Prometheus text of one histogram. */
    static String histogramSummary(String metrics, String name) {
        List<double[]> buckets = new ArrayList<>();
        double count = 0, sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + "_bucket{le=\"")) {
                int q = line.indexOf('"', name.length() + 12);
                String le = line.substring(name.length() + 12, q);
                double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                buckets.add(new double[] {bound, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))});
            } else if (line.startsWith(name + "_count ")) {
                count = Double.parseDouble(line.substring(name.length() + 7));
            } else if (line.startsWith(name + "_sum ")) {
                sum = Double.parseDouble(line.substring(name.length() + 5));
            }
        }
        if (count == 0) return "no observations";
        return String.format(Locale.ROOT, "count %.0f, mean %.0f ms, p50 <= %s s, p99 <= %s s", count, 1000 * sum / count,
                bound(buckets, count * 0.5), bound(buckets, count * 0.99));
    }

    private static String bound(List<double[]> buckets, double rank) {
        for (double[] b : buckets) if (b[1] >= rank) return b[0] == Double.POSITIVE_INFINITY ? "+Inf" : String.valueOf(b[0]);
        return "+Inf";
    }

    static double quantile(long[] sorted, double q) {
        return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
