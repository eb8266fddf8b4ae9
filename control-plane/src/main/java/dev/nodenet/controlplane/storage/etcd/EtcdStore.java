package dev.nodenet.controlplane.storage.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.nodenet.controlplane.storage.Store;
import dev.nodenet.controlplane.storage.StoreException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.Status;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The etcd v3 {@link Store} (for API servers that scale out over one etcd cluster), on the jetcd client. The mapping
 * follows kube-apiserver's etcd3 storage: the store's revision is etcd's revision, an entry's create/mod revisions are
 * etcd's {@code create_revision}/{@code mod_revision}, and every precondition is checked inside one etcd transaction:
 * <ul>
 *   <li>{@code create}: {@code If(create_revision(k) == 0) Then(Put)}, else {@link StoreException.AlreadyExists};</li>
 *   <li>{@code update}/{@code delete}: {@code If(mod_revision(k) == expected)} (or {@code create_revision(k) > 0}
 *       when unconditional) {@code Then(Put/Delete with prev_kv) Else(Get k)}; the Else branch tells
 *       {@link StoreException.NotFound} from {@link StoreException.Conflict} and carries the actual mod revision;</li>
 *   <li>{@code list}: paged range reads pinned to the revision of the first page (one consistent snapshot);</li>
 *   <li>{@code watch}: an etcd watch from {@code afterRevision + 1} with {@code prev_kv}.</li>
 * </ul>
 * Revisions are etcd's: a fresh etcd is at revision 1, not 0, and when several stores share one etcd (different key
 * prefixes) each sees the revisions of the others' writes go by (revisions stay increasing, not gap-free).
 *
 * <h2>Key prefix</h2>
 * Every key is stored as {@code keyPrefix + key}; keys going in and out of this class are unprefixed. Several clusters
 * can share one etcd with distinct prefixes as long as no prefix is a string prefix of another ({@code /nodenet/a} and
 * {@code /nodenet/b} are fine, {@code /c1} and {@code /c10} are not: {@code list("")} of the first would see the second).
 *
 * <h2>Compacted revision</h2>
 * etcd has no call that returns its compacted revision, but a range read at revision {@code r} fails with
 * {@code ErrCompacted} exactly when {@code r} is below it. {@link #compactedRevision()} therefore keeps the highest
 * value it knows (compactions done here, compact revisions reported by watches) and checks it with one such probe
 * read; when the probe shows that someone else compacted further, a binary search over probe reads (about
 * log2(revision) reads) finds the exact value. A compaction to revision 1 cannot be told from none (reads at revision 1
 * still work) and is reported as 0. {@link #watch} probes at {@code afterRevision} before starting, so watching from a
 * compacted revision fails up front with {@link StoreException.Compacted}; a compaction racing with the start ends the
 * watch through {@link Store.WatchListener#onClose} instead.
 *
 * <h2>Failures and timeouts</h2>
 * jetcd is configured not to wait for a connection ({@code waitForReady=false}): an RPC to an unreachable etcd fails
 * at once with UNAVAILABLE, jetcd retries reads (not writes: a retried write could apply twice) with backoff, and every
 * call is bounded by {@code requestTimeout} (default 5 s). Then the call throws {@link StoreException.Unavailable}
 * naming the endpoints; for a write that timed out the outcome is unknown (it may have been applied). A value etcd
 * rejects (larger than its {@code --max-request-bytes}, 1.5 MiB by default) is an {@link IllegalArgumentException}.
 *
 * <p>jetcd's own watch retries forever (every 500 ms, resuming from its last seen revision, without telling whether
 * it recovered). This store does not use that: on a stream error it drops the jetcd watcher and opens a new one from
 * the last revision it delivered, every {@value #WATCH_RETRY_MS} ms; a watch that cannot be re-established within
 * {@code requestTimeout} ends with {@code onClose(Unavailable)} (the API server then ends the client's watch, and the
 * client re-lists, as with kube-apiserver).
 *
 * <h2>Threading contract</h2>
 * All methods are thread-safe and block for at most about {@code requestTimeout}. Watch events are delivered on
 * jetcd's (Vert.x event loop) threads, one event at a time per watch, in revision order; listeners must not block.
 * {@code onClose} comes from a store-owned supervisor thread ({@code etcd-store-watch}), an event-loop thread, or the
 * thread calling {@link #close()}, never while an {@code onEvent} of the same watch runs. {@link Store.Watch#close()}
 * waits for an in-flight {@code onEvent} of that watch (unless called from inside it). {@link #close()} ends every
 * open watch with {@code onClose(Unavailable)} and closes the client; afterwards every method throws
 * {@link StoreException.Unavailable}.
 */
public final class EtcdStore implements Store {

    private static final System.Logger LOG = System.getLogger(EtcdStore.class.getName());

    static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    static final long WATCH_RETRY_MS = 200;
    /** Keys per range page in {@link #list}: bounds one response at a few MiB for Kubernetes-sized objects. */
    static final int LIST_PAGE_SIZE = 500;
    private static final int MAX_INBOUND_BYTES = 64 << 20;
    private static final byte[] ALL_KEYS = {0};

    private final List<URI> endpoints;
    private final String keyPrefix;
    private final byte[] keyPrefixBytes;
    private final long requestTimeoutMs;
    private final Client client;
    private final KV kv;
    private final io.etcd.jetcd.Watch watchClient;
    private final ScheduledThreadPoolExecutor supervisor;
    private final AtomicLong compacted = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();

    /** {@link #connect(List, String, Duration)} with a 5 s request timeout. */
    public static EtcdStore connect(List<URI> endpoints, String keyPrefix) {
        return connect(endpoints, keyPrefix, DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * Connects to etcd and checks that it answers (one read, plus the compacted-revision probe).
     *
     * @param endpoints client URLs of the etcd members, {@code http://host:port} (TLS is not supported yet)
     * @param keyPrefix prepended to every key ({@code ""} for none), e.g. {@code /nodenet}
     * @param requestTimeout bound on every call, including jetcd's retries; also how long a watch may stay
     *     disconnected before it ends
     * @throws IllegalArgumentException for an empty endpoint list, a non-{@code http} URL, one with a path, query or
     *     user info, or a non-positive timeout
     * @throws StoreException.Unavailable if etcd does not answer within {@code requestTimeout}; names the endpoints
     */
    public static EtcdStore connect(List<URI> endpoints, String keyPrefix, Duration requestTimeout) {
        Objects.requireNonNull(endpoints, "endpoints");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (endpoints.isEmpty()) throw new IllegalArgumentException("at least one etcd endpoint is required");
        for (URI u : endpoints) validateEndpoint(u);
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
        }
        EtcdStore store = new EtcdStore(List.copyOf(endpoints), keyPrefix, requestTimeout);
        try {
            store.compactedRevision(); // a read, and learns a compaction someone else did
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static void validateEndpoint(URI u) {
        Objects.requireNonNull(u, "endpoint");
        String why = null;
        if (!"http".equals(u.getScheme())) {
            why = "https".equals(u.getScheme()) ? "TLS endpoints are not supported yet" : "scheme must be http";
        } else if (u.getHost() == null || u.getPort() <= 0) {
            why = "host and port are required";
        } else if (u.getUserInfo() != null || u.getQuery() != null || u.getFragment() != null
                || (u.getPath() != null && !u.getPath().isEmpty() && !u.getPath().equals("/"))) {
            why = "only http://host:port is accepted";
        }
        if (why != null) throw new IllegalArgumentException("bad etcd endpoint '" + u + "': " + why);
    }

    private EtcdStore(List<URI> endpoints, String keyPrefix, Duration requestTimeout) {
        this.endpoints = endpoints;
        this.keyPrefix = keyPrefix;
        this.keyPrefixBytes = keyPrefix.getBytes(UTF_8);
        this.requestTimeoutMs = requestTimeout.toMillis();
        this.client = Client.builder()
                .endpoints(endpoints)
                .waitForReady(false)
                .connectTimeout(Duration.ofMillis(Math.min(requestTimeoutMs, 2000)))
                .retryMaxDuration(requestTimeout)
                .maxInboundMessageSize(MAX_INBOUND_BYTES)
                // etcd's server-side keepalive policy refuses pings on a connection without streams (GOAWAY
                // too_many_pings), so only ping while calls or watches are open.
                .keepaliveWithoutCalls(false)
                .keepaliveTime(Duration.ofSeconds(10))
                .keepaliveTimeout(Duration.ofSeconds(5))
                .build();
        this.kv = client.getKVClient();
        this.watchClient = client.getWatchClient();
        this.supervisor = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("etcd-store-watch").daemon(true).factory());
        this.supervisor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** The etcd client URLs this store talks to. */
    public List<URI> endpoints() { return endpoints; }

    /** The prefix every key is stored under. */
    public String keyPrefix() { return keyPrefix; }

    // ---------------------------------------------------------------------------------------------------- reads

    /** The etcd revision from the header of a one-key count read (etcd starts at 1). */
    @Override
    public long currentRevision() {
        return call(() -> kv.get(probeKey(), GetOption.builder().withCountOnly(true).build()), "read revision", Kind.READ)
                .getHeader().getRevision();
    }

    @Override
    public long compactedRevision() {
        long known = compacted.get();
        long probe = Math.max(known, 1);
        if (!compactedAt(probe)) return known;
        // Reads fail below the server's compacted revision c and work from c on: find the smallest working revision.
        long lo = probe, hi = currentRevision();
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            if (compactedAt(mid)) lo = mid;
            else hi = mid;
        }
        noteCompacted(hi);
        return compacted.get();
    }

    /** True if a read at {@code revision} fails because etcd compacted beyond it. */
    private boolean compactedAt(long revision) {
        try {
            call(() -> kv.get(probeKey(), GetOption.builder().withRevision(revision).withCountOnly(true).build()),
                    "read at revision " + revision, Kind.AT_REVISION);
            return false;
        } catch (RevisionOutOfRange e) {
            return e.compacted;
        }
    }

    private void noteCompacted(long revision) {
        compacted.accumulateAndGet(revision, Math::max);
    }

    @Override
    public Optional<Entry> get(String key) {
        requireKey(key);
        GetResponse r = call(() -> kv.get(bytes(key)), "get " + key, Kind.READ);
        return r.getKvs().isEmpty() ? Optional.empty() : Optional.of(entry(r.getKvs().getFirst()));
    }

    @Override
    public ListResult list(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        byte[] stored = stored(prefix);
        byte[] start = rangeStart(stored);
        ByteSequence end = ByteSequence.from(rangeEnd(stored));
        for (int attempt = 1; ; attempt++) {
            try {
                return listOnce(prefix, start, end);
            } catch (RevisionOutOfRange e) {
                // A compaction overtook the paged read's pinned revision: start over at the newest revision.
                if (attempt == 3) {
                    throw unavailable("list " + prefix, "compactions kept overtaking the paged read", e);
                }
            }
        }
    }

    private ListResult listOnce(String prefix, byte[] start, ByteSequence end) {
        List<Entry> entries = new ArrayList<>();
        long revision = 0;
        ByteSequence from = ByteSequence.from(start);
        while (true) {
            GetOption.Builder o = GetOption.builder().withRange(end).withLimit(LIST_PAGE_SIZE);
            if (revision > 0) o.withRevision(revision);
            GetOption option = o.build();
            ByteSequence pageStart = from;
            GetResponse r = call(() -> kv.get(pageStart, option), "list " + prefix, revision > 0 ? Kind.AT_REVISION : Kind.READ);
            if (revision == 0) revision = r.getHeader().getRevision();
            List<KeyValue> kvs = r.getKvs();
            for (KeyValue k : kvs) entries.add(entry(k));
            if (!r.isMore() || kvs.isEmpty()) return new ListResult(List.copyOf(entries), revision);
            byte[] last = kvs.getLast().getKey().getBytes();
            from = ByteSequence.from(Arrays.copyOf(last, last.length + 1)); // the next key after the last one
        }
    }

    // ---------------------------------------------------------------------------------------------------- writes

    @Override
    public Entry create(String key, byte[] value) {
        requireKey(key);
        byte[] v = Objects.requireNonNull(value, "value").clone();
        ByteSequence k = bytes(key);
        TxnResponse r = call(() -> kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(k, ByteSequence.from(v), PutOption.DEFAULT))
                .commit(), "create " + key, Kind.WRITE);
        if (!r.isSucceeded()) throw new StoreException.AlreadyExists(key);
        long rev = r.getHeader().getRevision();
        return new Entry(key, v, rev, rev);
    }

    @Override
    public Entry update(String key, byte[] value, long expectedModRevision) {
        requireKey(key);
        byte[] v = Objects.requireNonNull(value, "value").clone();
        requireExpected(expectedModRevision);
        ByteSequence k = bytes(key);
        TxnResponse r = call(() -> kv.txn()
                .If(precondition(k, expectedModRevision))
                .Then(Op.put(k, ByteSequence.from(v), PutOption.builder().withPrevKV().build()))
                .Else(Op.get(k, GetOption.builder().withKeysOnly(true).build()))
                .commit(), "update " + key, Kind.WRITE);
        if (!r.isSucceeded()) throw preconditionFailure(key, expectedModRevision, r);
        KeyValue prev = r.getPutResponses().getFirst().getPrevKv();
        return new Entry(key, v, prev.getCreateRevision(), r.getHeader().getRevision());
    }

    @Override
    public Entry delete(String key, long expectedModRevision) {
        requireKey(key);
        requireExpected(expectedModRevision);
        ByteSequence k = bytes(key);
        TxnResponse r = call(() -> kv.txn()
                .If(precondition(k, expectedModRevision))
                .Then(Op.delete(k, DeleteOption.builder().withPrevKV(true).build()))
                .Else(Op.get(k, GetOption.builder().withKeysOnly(true).build()))
                .commit(), "delete " + key, Kind.WRITE);
        if (!r.isSucceeded()) throw preconditionFailure(key, expectedModRevision, r);
        KeyValue prev = r.getDeleteResponses().getFirst().getPrevKvs().getFirst();
        return new Entry(key, prev.getValue().getBytes(), prev.getCreateRevision(), r.getHeader().getRevision());
    }

    /** The key is live, and (when {@code expected > 0}) last written at {@code expected}. */
    private static Cmp precondition(ByteSequence k, long expected) {
        return expected > 0
                ? new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expected))
                : new Cmp(k, Cmp.Op.GREATER, CmpTarget.createRevision(0));
    }

    /** Reads the Else branch's Get: no key means NotFound, otherwise the mod revision did not match. */
    private static StoreException preconditionFailure(String key, long expected, TxnResponse r) {
        List<KeyValue> current = r.getGetResponses().getFirst().getKvs();
        if (current.isEmpty()) return new StoreException.NotFound(key);
        return new StoreException.Conflict(key, expected, current.getFirst().getModRevision());
    }

    /**
     * etcd's compaction ({@code physical=false}: returns once etcd has marked the revision; reads and watches below
     * it fail from then on, the space is reclaimed in the background). At or below {@link #compactedRevision()} it is a
     * no-op; beyond {@link #currentRevision()} an {@link IllegalArgumentException}.
     */
    @Override
    public void compact(long revision) {
        if (revision < 0) throw new IllegalArgumentException("revision must be >= 0: " + revision);
        checkOpen();
        if (revision <= compacted.get()) return;
        try {
            call(() -> kv.compact(revision), "compact to " + revision, Kind.AT_REVISION);
            noteCompacted(revision);
        } catch (RevisionOutOfRange e) {
            if (!e.compacted) {
                throw new IllegalArgumentException("cannot compact to future revision " + revision
                        + " (current " + currentRevision() + ")");
            }
            compactedRevision(); // someone compacted further already: learn how far
        }
    }

    // ---------------------------------------------------------------------------------------------------- watch

    @Override
    public Watch watch(String prefix, long afterRevision, WatchListener listener) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(listener, "listener");
        if (afterRevision < 0) throw new IllegalArgumentException("afterRevision must be >= 0: " + afterRevision);
        checkOpen();
        long known = compacted.get();
        if (afterRevision < known) throw new StoreException.Compacted(afterRevision, known);
        if (compactedAt(Math.max(afterRevision, 1))) {
            throw new StoreException.Compacted(afterRevision, compactedRevision());
        }
        byte[] stored = stored(prefix);
        EtcdWatch w = new EtcdWatch(prefix, ByteSequence.from(rangeStart(stored)), ByteSequence.from(rangeEnd(stored)),
                afterRevision, listener);
        watches.add(w);
        try {
            w.open();
        } catch (RuntimeException e) {
            watches.remove(w);
            w.done.set(true);
            throw translate("watch " + prefix, e, Kind.READ);
        }
        if (closed.get()) w.terminate(closedException()); // close() ran while this watch was being registered
        return w;
    }

    /** Number of open watches (for metrics and tests). */
    int watchCount() { return watches.size(); }

    /**
     * One {@link Store.Watch}: a jetcd watcher that is replaced by a fresh one (from the last delivered revision)
     * after every stream failure, until it works again or {@link #requestTimeoutMs} has passed.
     */
    private final class EtcdWatch implements Watch {
        final String prefix;
        final ByteSequence start;
        final ByteSequence end;
        final WatchListener listener;
        final AtomicBoolean done = new AtomicBoolean();
        /** Held while calling the listener: one call at a time, and {@link #close()} can wait for an in-flight one. */
        final ReentrantLock delivering = new ReentrantLock();
        /** Revision of the last delivered event (the start position before any); guarded by {@link #delivering}. */
        long lastRevision;
        /** Identifies the current jetcd watcher; callbacks of replaced ones are ignored. Bumped on the supervisor thread. */
        volatile int generation;
        final AtomicReference<io.etcd.jetcd.Watch.Watcher> current = new AtomicReference<>();
        /** {@link System#nanoTime()} of the first failure since the stream last worked; 0 while it works. */
        volatile long failingSinceNanos;
        volatile Throwable lastFailure;

        EtcdWatch(String prefix, ByteSequence start, ByteSequence end, long afterRevision, WatchListener listener) {
            this.prefix = prefix;
            this.start = start;
            this.end = end;
            this.lastRevision = afterRevision;
            this.listener = listener;
        }

        /** Opens a jetcd watcher for the current generation from the revision after the last delivered one. */
        void open() {
            if (done.get()) return;
            int gen = generation;
            long from;
            delivering.lock(); // an event of the previous watcher may still be in delivery
            try {
                from = lastRevision + 1;
            } finally {
                delivering.unlock();
            }
            WatchOption option = WatchOption.builder().withRange(end).withRevision(from)
                    .withPrevKV(true).withCreateNotify(true).build();
            io.etcd.jetcd.Watch.Watcher w = watchClient.watch(start, option, new Callbacks(gen));
            io.etcd.jetcd.Watch.Watcher old = current.getAndSet(w);
            if (old != null) old.close();
            if (done.get()) closeCurrent();
        }

        /** Receives one jetcd watcher's callbacks (event-loop threads). */
        private final class Callbacks implements io.etcd.jetcd.Watch.Listener {
            final int gen;

            Callbacks(int gen) { this.gen = gen; }

            @Override
            public void onNext(WatchResponse response) {
                if (gen != generation) return;
                failingSinceNanos = 0; // created or events: the stream works
                List<WatchEvent> events = response.getEvents();
                if (!events.isEmpty()) deliver(gen, events);
            }

            @Override
            public void onError(Throwable t) { supervise(() -> failed(gen, t)); }

            @Override
            public void onCompleted() { supervise(() -> failed(gen, null)); } // ended by jetcd, or by us (then stale)
        }

        private void supervise(Runnable r) {
            try {
                supervisor.execute(r);
            } catch (RejectedExecutionException e) {
                // the store is closing; close() ends this watch
            }
        }

        private void deliver(int gen, List<WatchEvent> events) {
            delivering.lock();
            try {
                for (WatchEvent e : events) {
                    if (done.get() || gen != generation) return;
                    Event event = toEvent(e);
                    if (event == null) continue;
                    listener.onEvent(event);
                    lastRevision = event.revision();
                }
            } catch (RuntimeException | Error t) {
                terminate(t);
            } finally {
                delivering.unlock();
            }
        }

        /** A stream failure of watcher {@code gen} (null: the stream ended). Supervisor thread. */
        private void failed(int gen, Throwable t) {
            if (done.get() || gen != generation) return;
            if (t instanceof CompactedException ce) {
                noteCompacted(ce.getCompactedRevision());
                long after;
                delivering.lock();
                try {
                    after = lastRevision;
                } finally {
                    delivering.unlock();
                }
                terminate(new StoreException.Compacted(after, Math.max(ce.getCompactedRevision(), compacted.get())));
                return;
            }
            if (closed.get()) {
                terminate(closedException());
                return;
            }
            lastFailure = t;
            if (failingSinceNanos == 0) {
                failingSinceNanos = System.nanoTime();
                schedule(this::checkDeadline, requestTimeoutMs);
            }
            generation = gen + 1; // stop listening to this watcher, and stop jetcd's own resume loop
            closeCurrent();
            schedule(this::reopen, WATCH_RETRY_MS);
        }

        private void reopen() {
            try {
                open();
            } catch (RuntimeException e) {
                failed(generation, e);
            }
        }

        private void checkDeadline() {
            long since = failingSinceNanos;
            if (done.get() || since == 0) return;
            long leftMs = TimeUnit.NANOSECONDS.toMillis(since + TimeUnit.MILLISECONDS.toNanos(requestTimeoutMs) - System.nanoTime());
            if (leftMs > 0) {
                schedule(this::checkDeadline, leftMs);
                return;
            }
            Throwable cause = lastFailure;
            terminate(unavailable("watch " + prefix, "stream down for more than " + requestTimeoutMs + " ms"
                    + (cause == null ? "" : ": " + cause.getMessage()), cause));
        }

        private void schedule(Runnable r, long delayMs) {
            try {
                supervisor.schedule(r, delayMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // the store is closing
            }
        }

        private void closeCurrent() {
            io.etcd.jetcd.Watch.Watcher w = current.getAndSet(null);
            if (w == null) return;
            try {
                w.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing jetcd watcher failed", e);
            }
        }

        /** Ends the watch for a reason other than {@link #close()}, telling the listener once. */
        void terminate(Throwable cause) {
            if (!done.compareAndSet(false, true)) return;
            watches.remove(this);
            closeCurrent();
            delivering.lock();
            try {
                listener.onClose(cause);
            } catch (RuntimeException | Error t) {
                LOG.log(System.Logger.Level.WARNING, "watch listener onClose failed", t);
            } finally {
                delivering.unlock();
            }
        }

        @Override
        public void close() {
            if (!done.compareAndSet(false, true)) return;
            watches.remove(this);
            closeCurrent();
            if (!delivering.isHeldByCurrentThread()) {
                delivering.lock(); // wait for an in-flight onEvent
                delivering.unlock();
            }
        }
    }

    /** Maps an etcd watch event; null for an event type this client does not know. */
    private Event toEvent(WatchEvent e) {
        KeyValue kv = e.getKeyValue();
        KeyValue prev = e.getPrevKV();
        // jetcd hands an empty KeyValue when etcd sent no prev_kv (it could not read the previous version).
        boolean hasPrev = prev != null && prev.getModRevision() > 0;
        String key = stripPrefix(kv.getKey());
        return switch (e.getEventType()) {
            case PUT -> kv.getCreateRevision() == kv.getModRevision()
                    ? new Event(Event.Type.CREATED, key, kv.getValue().getBytes(), null, kv.getCreateRevision(), kv.getModRevision())
                    : new Event(Event.Type.UPDATED, key, kv.getValue().getBytes(),
                            hasPrev ? prev.getValue().getBytes() : null, kv.getCreateRevision(), kv.getModRevision());
            case DELETE -> {
                byte[] last = hasPrev ? prev.getValue().getBytes() : new byte[0];
                yield new Event(Event.Type.DELETED, key, last, last, hasPrev ? prev.getCreateRevision() : 0, kv.getModRevision());
            }
            case UNRECOGNIZED -> {
                LOG.log(System.Logger.Level.WARNING, "ignoring unrecognized etcd watch event on " + key);
                yield null;
            }
        };
    }

    // ---------------------------------------------------------------------------------------------------- lifecycle

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        StoreException closedCause = closedException();
        for (EtcdWatch w : watches) w.terminate(closedCause);
        supervisor.shutdownNow();
        client.close();
    }

    private void checkOpen() {
        if (closed.get()) throw closedException();
    }

    private StoreException.Unavailable closedException() {
        return new StoreException.Unavailable("etcd store " + endpoints + " (prefix '" + keyPrefix + "') is closed", null);
    }

    /** What a call does, for telling its failures apart. */
    private enum Kind {
        READ,
        /** A read or compaction at a given revision: etcd's ErrCompacted/ErrFutureRev become {@link RevisionOutOfRange}. */
        AT_REVISION,
        /** A write: a timeout leaves its outcome unknown, and a request etcd finds too large is bad input. */
        WRITE
    }

    /** Runs one jetcd call and waits at most {@link #requestTimeoutMs} for it (jetcd's retries included). */
    private <T> T call(Supplier<CompletableFuture<T>> rpc, String what, Kind kind) {
        checkOpen();
        CompletableFuture<T> f;
        try {
            f = rpc.get();
        } catch (RuntimeException e) { // jetcd refuses calls on a client that is closing
            throw translate(what, e, kind);
        }
        try {
            return f.get(requestTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw unavailable(what, "no answer within " + requestTimeoutMs + " ms"
                    + (kind == Kind.WRITE ? " (the write may or may not have been applied)" : ""), e);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw unavailable(what, "interrupted", e);
        } catch (ExecutionException | CancellationException e) {
            throw translate(what, e instanceof ExecutionException ? e.getCause() : e, kind);
        }
    }

    private RuntimeException translate(String what, Throwable t, Kind kind) {
        if (closed.get()) return closedException();
        while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
        // jetcd reports server errors as EtcdException from some calls and as gRPC's StatusRuntimeException from others.
        Status.Code code = t instanceof EtcdException ee ? Status.Code.valueOf(ee.getErrorCode().name()) : Status.fromThrowable(t).getCode();
        String msg = String.valueOf(t.getMessage());
        if (kind == Kind.AT_REVISION && code == Status.Code.OUT_OF_RANGE) {
            if (msg.contains("compacted")) return new RevisionOutOfRange(true);
            if (msg.contains("future revision")) return new RevisionOutOfRange(false);
        }
        // etcd answers INVALID_ARGUMENT ("request is too large") above --max-request-bytes, and its gRPC server
        // RESOURCE_EXHAUSTED above the message limit; a write's response is small, so for writes both mean the request.
        if (code == Status.Code.INVALID_ARGUMENT || (kind == Kind.WRITE && code == Status.Code.RESOURCE_EXHAUSTED)) {
            return new IllegalArgumentException("etcd " + endpoints + " rejected " + what + ": " + msg, t);
        }
        return unavailable(what, msg, t);
    }

    private StoreException.Unavailable unavailable(String what, String why, Throwable cause) {
        return new StoreException.Unavailable("etcd " + endpoints + ": " + what + ": " + why, cause);
    }

    /** etcd answered a read at a revision with ErrCompacted ({@code compacted}) or ErrFutureRev; callers handle it. */
    private static final class RevisionOutOfRange extends RuntimeException {
        final boolean compacted;

        RevisionOutOfRange(boolean compacted) {
            super(null, null, false, false);
            this.compacted = compacted;
        }
    }

    // ---------------------------------------------------------------------------------------------------- keys

    private static void requireKey(String key) {
        if (key == null || key.isEmpty()) throw new IllegalArgumentException("key must be non-empty");
    }

    private static void requireExpected(long expected) {
        if (expected < 0) throw new IllegalArgumentException("expectedModRevision must be >= 0: " + expected);
    }

    private ByteSequence bytes(String key) {
        return ByteSequence.from((keyPrefix + key).getBytes(UTF_8));
    }

    private Entry entry(KeyValue k) {
        return new Entry(stripPrefix(k.getKey()), k.getValue().getBytes(), k.getCreateRevision(), k.getModRevision());
    }

    private String stripPrefix(ByteSequence k) {
        byte[] b = k.getBytes();
        return new String(b, keyPrefixBytes.length, b.length - keyPrefixBytes.length, UTF_8);
    }

    /** Any key inside this store's space: a read of it yields the current revision. */
    private ByteSequence probeKey() {
        return ByteSequence.from(keyPrefixBytes.length == 0 ? ALL_KEYS : keyPrefixBytes);
    }

    /** The stored form of {@code prefix}: the key prefix prepended, as UTF-8 (etcd orders keys bytewise, as UTF-8 does code points). */
    private byte[] stored(String prefix) {
        return (keyPrefix + prefix).getBytes(UTF_8);
    }

    /** First key of the range of stored keys starting with {@code stored}; etcd spells "from the first key" as \0. */
    private static byte[] rangeStart(byte[] stored) {
        return stored.length == 0 ? ALL_KEYS : stored;
    }

    /**
     * The smallest key greater than every key starting with {@code stored} (etcd's prefix range end): the prefix with
     * its last byte below 0xff incremented and the rest dropped; \0 (no upper bound) if there is none.
     */
    static byte[] rangeEnd(byte[] stored) {
        for (int i = stored.length - 1; i >= 0; i--) {
            if (stored[i] != (byte) 0xff) {
                byte[] end = Arrays.copyOf(stored, i + 1);
                end[i]++;
                return end;
            }
        }
        return ALL_KEYS;
    }
}
