package dev.nodenet.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The anchor: a real etcd (child process) driven over its native gRPC API with jetcd, the way kube-apiserver uses it.
 * A write is a transaction "create if absent" (compare create_revision = 0, then put), as kube-apiserver creates
 * objects; each watcher is its own gRPC watch stream on the key prefix. Watchers are spread over a few clients
 * (connections) like {@link NodenetTarget}'s. {@link #close} closes the clients, kills etcd and deletes its data.
 */
final class EtcdTarget implements Target {
    static final String PREFIX = "/registry/services/specs/default/";

    private final EtcdProcess etcd;
    private final String label;
    private final Client writer;
    private final List<Client> watchClients = new ArrayList<>();
    private final List<Watch.Watcher> watchers = new ArrayList<>();

    private EtcdTarget(EtcdProcess etcd, String label) {
        this.etcd = etcd;
        this.label = label;
        this.writer = client();
    }

    /** Starts etcd from {@code binary} (a path, or a name looked up on PATH). */
    static EtcdTarget start(String binary) throws IOException, InterruptedException {
        String label = "etcd " + majorMinor(version(binary)) + " (anchor)";
        EtcdProcess etcd = EtcdProcess.start(binary, Duration.ofSeconds(20));
        try {
            return new EtcdTarget(etcd, label);
        } catch (RuntimeException e) {
            etcd.close();
            throw e;
        }
    }

    private Client client() {
        return Client.builder().endpoints(etcd.clientUrl()).build();
    }

    /** "3.4.23" from {@code etcd --version}, or "?" when it cannot be run. */
    static String version(String binary) {
        try {
            Process p = new ProcessBuilder(binary, "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readNBytes(4096), StandardCharsets.UTF_8);
            p.waitFor(5, TimeUnit.SECONDS);
            for (String line : out.split("\n")) if (line.startsWith("etcd Version:")) return line.substring(13).trim();
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "?";
    }

    /** "3.4.23" → "3.4". */
    static String majorMinor(String version) {
        String[] parts = version.split("\\.");
        return parts.length >= 2 ? parts[0] + "." + parts[1] : version;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public void openWatchers(int count, EventSink sink, Duration timeout) throws Exception {
        for (int i = 0; i < (count + NodenetTarget.WATCHERS_PER_CLIENT - 1) / NodenetTarget.WATCHERS_PER_CLIENT; i++) {
            watchClients.add(client());
        }
        ByteSequence prefix = bytes(PREFIX);
        WatchOption option = WatchOption.builder().isPrefix(true).withCreateNotify(true).build();
        CountDownLatch created = new CountDownLatch(count);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int w = 0; w < count; w++) {
            int watcher = w;
            Client c = watchClients.get(w / NodenetTarget.WATCHERS_PER_CLIENT);
            watchers.add(c.getWatchClient().watch(prefix, option, new Watch.Listener() {
                @Override
                public void onNext(WatchResponse response) {
                    long now = System.nanoTime();
                    if (response.isCreatedNotify()) {
                        created.countDown();
                        return;
                    }
                    for (WatchEvent e : response.getEvents()) {
                        if (e.getEventType() == WatchEvent.EventType.PUT) {
                            sink.onEvent(watcher, e.getKeyValue().getValue().toString(StandardCharsets.UTF_8), now);
                        }
                    }
                }

                @Override
                public void onError(Throwable t) {
                    failure.compareAndSet(null, t);
                }

                @Override
                public void onCompleted() {
                    // the stream ended (close()); missing events count as missed
                }
            }));
        }
        if (!created.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            Throwable f = failure.get();
            throw new IOException("only " + (count - created.getCount()) + " of " + count + " etcd watches created within " + timeout
                    + (f != null ? ": " + f.getMessage() : ""), f);
        }
    }

    @Override
    public CompletableFuture<Void> write(String name, byte[] json) {
        ByteSequence key = bytes(PREFIX + name);
        return writer.getKVClient().txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(key, ByteSequence.from(json), PutOption.DEFAULT))
                .commit()
                .thenApply(r -> {
                    if (!r.isSucceeded()) throw new IllegalStateException("etcd create of " + name + ": key exists");
                    return null;
                });
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            for (Watch.Watcher w : watchers) w.close();
            for (Client c : watchClients) c.close();
            writer.close();
        } finally {
            etcd.close();
        }
    }
}
