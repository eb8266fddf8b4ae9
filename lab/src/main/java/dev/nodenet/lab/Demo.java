package dev.nodenet.lab;

import dev.nodenet.api.client.KubeApiException;
import dev.nodenet.api.client.KubeClient;
import dev.nodenet.api.client.Resource;
import dev.nodenet.api.codec.Json;
import dev.nodenet.api.client.ListOptions;
import dev.nodenet.api.model.Endpoint;
import dev.nodenet.api.model.EndpointSlice;
import dev.nodenet.api.model.Namespace;
import dev.nodenet.api.model.Pod;
import dev.nodenet.api.model.Service;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * {@code lab demo}: on a running lab, a Service {@code demo/web} with one pod on node-1 and one on the last node, a
 * client pod on the last node, requests through the ClusterIP from the client until both pods answered (one of them
 * across nodes, through VXLAN), and each node daemon's {@code /proxyMode}. Prints every step. Caller's thread.
 */
final class Demo {
    private Demo() {}

    static void run(Lab lab, PrintStream out) throws Exception {
        LabSpec spec = lab.spec();
        KubeClient k = lab.admin();
        String far = spec.nodeName(spec.nodes()), near = spec.nodeName(1);
        out.println("demo: (1) namespace demo, Service web (ClusterIP, port 80 -> 8080), pods web-1 on " + near + " and web-2 on " + far
                + ", client on " + far);
        try {
            k.delete(Resource.NAMESPACES, null, "demo");
            out.println("demo:     removing the previous demo namespace first");
            await(() -> gone(k), Duration.ofSeconds(120), "the old demo namespace to go");
        } catch (KubeApiException e) {
            if (e.code() != 404) throw e;
        }
        k.create(Resource.NAMESPACES, null, Json.read("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"demo\"}}", Namespace.class));
        Service svc = k.create(Resource.SERVICES, "demo", Json.read("""
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
                 "spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":8080,"protocol":"TCP"}]}}""", Service.class));
        k.create(Resource.PODS, "demo", pod("web-1", "web", near));
        k.create(Resource.PODS, "demo", pod("web-2", "web", far));
        k.create(Resource.PODS, "demo", pod("client", "client", far));
        String clusterIp = svc.spec().clusterIP();
        out.println("demo: (2) waiting for the pods to run (kubelet: netns, CNI ADD, echo server, Ready) ...");
        for (String p : new String[]{"web-1", "web-2", "client"}) {
            await(() -> ready(k, p), Duration.ofSeconds(120), "pod demo/" + p + " Ready");
            Pod pod = k.get(Resource.PODS, "demo", p);
            out.println("demo:     pod " + p + " on " + pod.spec().nodeName() + ", IP " + pod.status().podIP());
        }
        await(() -> readyEndpoints(k, "demo", "web") == 2, Duration.ofSeconds(60), "EndpointSlice of demo/web with 2 ready endpoints");
        out.println("demo:     EndpointSlice of web: 2 ready endpoints; the node daemons program them");
        String clientNs = lab.netnsOf("demo/client").orElseThrow();
        out.println("demo: (3) from pod client on " + far + ": requests to the ClusterIP " + clusterIp + ":80 until both pods answered");
        out.println("demo:     (try it yourself: ./nodenet lab exec client -- curl -s http://" + clusterIp + "/)");
        Set<String> answered = new LinkedHashSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (answered.size() < 2) {
            if (System.nanoTime() > deadline) throw new IOException("the ClusterIP did not reach both pods in 60 s (answered: " + answered + ")");
            try {
                String answer = Requests.tcp(clientNs, clusterIp, 80, 2000);
                String pod = answer.split(" ")[0];
                Pod p = k.get(Resource.PODS, "demo", pod);
                out.println("demo:     " + clusterIp + ":80 -> " + answer + "   (" + pod + " runs on " + p.spec().nodeName()
                        + (p.spec().nodeName().equals(far) ? ", same node)" : ", across nodes via VXLAN)"));
                answered.add(pod);
            } catch (IOException e) {
                out.println("demo:     " + clusterIp + ":80 -> " + e.getMessage() + " (proxy rules still converging; retrying)");
                Thread.sleep(500);
            }
        }
        out.println("demo: (4) each node daemon's proxy mode (curl http://NODE-IP:10249/proxyMode):");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        for (int i = 1; i <= spec.nodes(); i++) {
            String url = "http://" + spec.nodeIp(i) + ":10249/proxyMode";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            out.println("demo:     curl " + url + " -> " + r.body().strip());
        }
        out.println("demo: done. Explore with: export KUBECONFIG=" + spec.kubeconfig() + "; kubectl -n demo get svc,pods,endpointslices -o wide");
    }

    private static Pod pod(String name, String app, String node) {
        return Json.read("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","labels":{"app":"%s"}},
                 "spec":{"nodeName":"%s","containers":[{"name":"echo","image":"nodenet/echo","ports":[{"containerPort":8080}]}]}}"""
                .formatted(name, app, node), Pod.class);
    }

    private static boolean ready(KubeClient k, String name) {
        Pod p = k.get(Resource.PODS, "demo", name);
        return p.status() != null && p.status().podIP() != null && p.status().conditions() != null
                && p.status().conditions().stream().anyMatch(c -> c.type().equals("Ready") && c.status().equals("True"));
    }

    /** Ready endpoints across the Service's EndpointSlices. */
    static int readyEndpoints(KubeClient k, String namespace, String service) {
        int n = 0;
        for (EndpointSlice s : k.list(Resource.ENDPOINT_SLICES, namespace, ListOptions.NONE.withLabelSelector("kubernetes.io/service-name=" + service)).items()) {
            if (s.endpoints() == null) continue;
            for (Endpoint e : s.endpoints()) if (e.conditions() != null && Boolean.TRUE.equals(e.conditions().ready())) n++;
        }
        return n;
    }

    private static boolean gone(KubeClient k) {
        try {
            k.get(Resource.NAMESPACES, null, "demo");
            return false;
        } catch (KubeApiException e) {
            return e.code() == 404;
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void await(Check c, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!c.ok()) {
            if (System.nanoTime() > deadline) throw new IOException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            Thread.sleep(200);
        }
    }
}
