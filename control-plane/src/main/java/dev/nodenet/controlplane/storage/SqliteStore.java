package dev.nodenet.controlplane.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The embedded {@link Store}: one SQLite file ({@code dataDir/state.db}, WAL mode) holding a revision log in the
 * style of k3s's kine. Table {@code kv} has one row per write; its {@code INTEGER PRIMARY KEY AUTOINCREMENT} id is the
 * revision. A key's state is its newest row; a delete is a row with {@code deleted = 1} carrying the last value.
 * {@code AUTOINCREMENT} (via {@code sqlite_sequence}) keeps revisions monotonic across restarts even when compaction
 * removed the newest rows. Table {@code meta} records the compacted revision.
 *
 * <h2>Threading contract</h2>
 * <ul>
 *   <li>All methods are thread-safe and block on I/O.</li>
 *   <li>Writes ({@code create/update/delete}, compaction batches) are serialised by one in-process lock on the single
 *       writer connection: the precondition check and the insert are atomic, and revisions are gap-free. A lock file
 *       ({@code dataDir/LOCK}) keeps a second process (or a second {@code SqliteStore} in this JVM) out.</li>
 *   <li>Reads use a small pool of separate reader connections; under WAL they never wait for the writer.
 *       {@link #list} runs in one read transaction, so its entries and revision are one snapshot.</li>
 *   <li>Watch listeners are all called on one store-owned dispatcher thread ({@code sqlite-store-watch}), one event at
 *       a time, in revision order. They must not block: a slow listener delays every watch. Live events come from an
 *       in-memory ring of recent writes and are fanned out through an index of caught-up watches by prefix (no
 *       per-watch polling); a watch that is behind the ring (replay from an old revision, or it fell behind) reads
 *       the log table in batches on the dispatcher's own connection until it catches up. A listener that throws gets
 *       {@link Store.WatchListener#onClose} with the exception and only its watch ends. {@link Store.Watch#close()}
 *       waits for an in-flight {@code onEvent} of that watch (unless called from the listener itself), so no event is
 *       delivered after it returns. Event values are shared between watchers and must not be modified.</li>
 *   <li>{@link #close()} stops the dispatcher (every open watch gets {@code onClose(Unavailable)}), the auto-compaction
 *       thread, waits for in-flight operations and closes the connections; afterwards every method throws
 *       {@link StoreException.Unavailable}.</li>
 * </ul>
 *
 * <h2>Durability</h2>
 * See {@link Durability}. The default, {@link Durability#SURVIVE_PROCESS_CRASH}, makes every acknowledged write
 * survive {@code kill -9} of this process without an fsync per write.
 */
public final class SqliteStore implements Store {

    /** How hard a write is pushed to disk before it is acknowledged. */
    public enum Durability {
        /**
         * {@code synchronous=NORMAL} (default). In WAL mode a commit is complete once its frames are written into the
         * WAL file with {@code write(2)}: the bytes are in the kernel's page cache, so they survive the process being
         * killed ({@code kill -9}, OOM killer, JVM crash). fsync happens only at WAL checkpoints, so a kernel crash or
         * power loss may lose the last acknowledged writes (never corrupts the file). This is what lets a write take
         * well under a millisecond.
         */
        SURVIVE_PROCESS_CRASH("NORMAL"),
        /**
         * {@code synchronous=FULL}: the WAL is fsynced on every commit, so acknowledged writes also survive power
         * loss and kernel crashes, at the cost of one fsync (often milliseconds) per write. Like etcd.
         */
        SURVIVE_POWER_LOSS("FULL");

        final String pragma;

        Durability(String pragma) { this.pragma = pragma; }
    }

    private static final System.Logger LOG = System.getLogger(SqliteStore.class.getName());

    static final int DEFAULT_RING_SIZE = 4096;
    private static final int READERS = 4;
    private static final int BACKLOG_BATCH = 512;
    private static final int MAX_SCAN_PER_TURN = 4096;
    private static final long COMPACT_BATCH = 1000;
    private static final long CHECKPOINT_MILLIS = 100;
    private static final int BACKSTOP_CHECKPOINT_PAGES = 10_000;

    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS kv (
              id              INTEGER PRIMARY KEY AUTOINCREMENT,
              name            TEXT    NOT NULL,
              created         INTEGER NOT NULL,
              deleted         INTEGER NOT NULL,
              create_revision INTEGER NOT NULL,
              prev_revision   INTEGER NOT NULL,
              value           BLOB,
              old_value       BLOB
            );
            CREATE INDEX IF NOT EXISTS kv_name_id ON kv (name, id);
            CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
            INSERT OR IGNORE INTO meta (name, value) VALUES ('compacted_revision', 0);
            """;
    private static final String SQL_LATEST =
            "SELECT id, deleted, create_revision, value FROM kv WHERE name = ? ORDER BY id DESC LIMIT 1";
    private static final String SQL_INSERT =
            "INSERT INTO kv (id, name, created, deleted, create_revision, prev_revision, value, old_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String SQL_SEQ = "SELECT seq FROM sqlite_sequence WHERE name = 'kv'";
    private static final String SQL_COMPACTED = "SELECT value FROM meta WHERE name = 'compacted_revision'";
    private static final String SQL_SET_COMPACTED = "UPDATE meta SET value = ? WHERE name = 'compacted_revision'";
    private static final String LIST_HEAD =
            "SELECT kv.id, kv.name, kv.create_revision, kv.value FROM kv JOIN (SELECT MAX(id) AS mid FROM kv WHERE name >= ?";
    private static final String LIST_TAIL = " GROUP BY name) latest ON kv.id = latest.mid WHERE kv.deleted = 0 ORDER BY kv.name";
    private static final String SQL_LIST_BOUNDED = LIST_HEAD + " AND name < ?" + LIST_TAIL;
    private static final String SQL_LIST_ALL = LIST_HEAD + LIST_TAIL;
    // The id range is walked through the rowid (NOT INDEXED keeps the planner off the name index, which would need a sort).
    private static final String SQL_BACKLOG =
            "SELECT id, name, created, deleted, create_revision, value, old_value FROM kv NOT INDEXED"
            + " WHERE id > ? AND id <= ? AND name >= ? AND (? IS NULL OR name < ?) ORDER BY id LIMIT ?";
    // Compacting the range (lo, hi]: first every row superseded by a write in the range (the prev_revision rows, all
    // older), then the delete rows of the range. Must run in this order: the delete rows point at their prev rows.
    private static final String SQL_COMPACT_SUPERSEDED =
            "DELETE FROM kv WHERE id IN (SELECT prev_revision FROM kv WHERE id > ? AND id <= ? AND prev_revision > 0)";
    private static final String SQL_COMPACT_DELETES = "DELETE FROM kv WHERE id > ? AND id <= ? AND deleted = 1";

    private final Path dbFile;
    private final FileChannel lockChannel;
    private final FileLock fileLock;
    private final Conn writer;
    private final BlockingQueue<Conn> readers;
    private final List<Conn> allReaders;
    private final Conn dispatcherConn;
    private final Conn checkpointConn;
    private final ScheduledThreadPoolExecutor checkpointer;
    private long checkpointed = -1; // checkpointer thread only

    /** Serialises writes and compaction batches on {@link #writer}. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Serialises whole {@link #compact} calls, so {@link #compacted} only grows. */
    private final ReentrantLock compactLock = new ReentrantLock();
    /** Read-held by every operation, write-held by {@link #close()} to wait for them before closing connections. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Newest committed revision; written under {@link #writeLock} after the commit and after the ring slot. */
    private volatile long head;
    private volatile long compacted;

    private final EventRing ring;
    /** Every open watch (for close and metrics); the dispatcher learns of changes through {@link #added}/{@link #removed}. */
    private final Set<WatchImpl> watches = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<WatchImpl> added = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<WatchImpl> removed = new ConcurrentLinkedQueue<>();

    // Dispatcher-thread state. Caught-up ("live") watches have all seen exactly the events up to cursor and are
    // indexed by prefix, so one event costs a few hash lookups (one per distinct prefix length) plus one call per
    // matching watch, not a check per watch. Other watches ("lagging": replaying, fell behind the ring, or waiting for
    // a future revision) advance one by one towards cursor and join the live set when they reach it.
    private long cursor;
    private final Map<String, List<WatchImpl>> live = new HashMap<>();
    private int[] liveLengths = new int[0];
    private final Map<Integer, Integer> liveLengthCounts = new HashMap<>();
    private final List<WatchImpl> lagging = new ArrayList<>();
    /**
     * Bumped (then the dispatcher unparked) for wake-ups other than a new {@link #head}. The dispatcher parks only if
     * neither changed: a park permit alone is not enough, as a listener that parks itself (a latch, a queue) eats it.
     */
    private final java.util.concurrent.atomic.AtomicLong wakeups = new java.util.concurrent.atomic.AtomicLong();
    private final Thread dispatcher;

    /**
     * Opens (creating if needed) the store in {@code dataDir} with {@link Durability#SURVIVE_PROCESS_CRASH}.
     *
     * @throws StoreException.Unavailable if the directory or file cannot be created or read, the file is not a valid
     *     database, or another store holds {@code dataDir/LOCK}; the message names the file
     */
    public static SqliteStore open(Path dataDir) {
        return open(dataDir, Durability.SURVIVE_PROCESS_CRASH);
    }

    /** Opens (creating if needed) the store in {@code dataDir}; fails like {@link #open(Path)}. */
    public static SqliteStore open(Path dataDir, Durability durability) {
        return open(dataDir, durability, DEFAULT_RING_SIZE);
    }

    static SqliteStore open(Path dataDir, Durability durability, int ringSize) {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(durability, "durability");
        return new SqliteStore(dataDir, durability, ringSize);
    }

    private SqliteStore(Path dataDir, Durability durability, int ringSize) {
        this.dbFile = dataDir.resolve("state.db");
        this.ring = new EventRing(ringSize);
        Path lockFile = dataDir.resolve("LOCK");
        FileChannel channel = null;
        FileLock lock = null;
        List<Conn> opened = new ArrayList<>();
        try {
            Files.createDirectories(dataDir);
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new StoreException.Unavailable("store " + dbFile + " is already open (lock " + lockFile + " is held)", null);
            }
            Conn w = Conn.open(dbFile);
            opened.add(w);
            try (Statement st = w.c.createStatement()) {
                st.execute("PRAGMA busy_timeout = 10000");
                try (ResultSet rs = st.executeQuery("PRAGMA journal_mode = WAL")) {
                    if (!rs.next() || !"wal".equalsIgnoreCase(rs.getString(1))) {
                        throw new SQLException("cannot switch " + dbFile + " to WAL mode");
                    }
                }
                st.execute("PRAGMA synchronous = " + durability.pragma);
                // Checkpoints (copying the WAL into the main file, with an fsync) run on the checkpointer thread, off
                // the write path; this larger automatic threshold is only the backstop that bounds the WAL.
                st.execute("PRAGMA wal_autocheckpoint = " + BACKSTOP_CHECKPOINT_PAGES);
                for (String ddl : SCHEMA.split(";")) {
                    if (!ddl.isBlank()) st.executeUpdate(ddl);
                }
            }
            this.writer = w;
            this.head = readLong(w, SQL_SEQ);
            this.compacted = readLong(w, SQL_COMPACTED);
            List<Conn> rs = new ArrayList<>();
            for (int i = 0; i < READERS + 1; i++) {
                Conn r = Conn.open(dbFile);
                opened.add(r);
                try (Statement st = r.c.createStatement()) {
                    st.execute("PRAGMA busy_timeout = 10000");
                    st.execute("PRAGMA query_only = 1");
                }
                rs.add(r);
            }
            this.dispatcherConn = rs.removeLast();
            Conn cp = Conn.open(dbFile);
            opened.add(cp);
            try (Statement st = cp.c.createStatement()) {
                st.execute("PRAGMA busy_timeout = 10000");
                st.execute("PRAGMA synchronous = " + durability.pragma); // the checkpoint's fsyncs follow this setting
            }
            this.checkpointConn = cp;
            this.allReaders = List.copyOf(rs);
            this.readers = new ArrayBlockingQueue<>(READERS, false, rs);
        } catch (IOException | SQLException | RuntimeException e) {
            for (Conn c : opened) c.close();
            try {
                if (lock != null) lock.release();
                if (channel != null) channel.close();
            } catch (IOException ignored) {
                // already failing
            }
            if (e instanceof StoreException se) throw se;
            throw new StoreException.Unavailable("cannot open store " + dbFile + ": " + e.getMessage(), e);
        }
        this.lockChannel = channel;
        this.fileLock = lock;
        this.dispatcher = Thread.ofPlatform().name("sqlite-store-watch").daemon(true).unstarted(this::dispatchLoop);
        this.dispatcher.start();
        this.checkpointer = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("sqlite-store-checkpoint").daemon(true).factory());
        this.checkpointer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.checkpointer.scheduleWithFixedDelay(this::checkpoint, CHECKPOINT_MILLIS, CHECKPOINT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** A passive checkpoint when there were writes: never waits for readers or the writer. */
    private void checkpoint() {
        long h = head;
        if (h == checkpointed) return;
        try {
            enter();
        } catch (StoreException.Unavailable e) {
            return;
        }
        try (ResultSet rs = checkpointConn.ps("PRAGMA wal_checkpoint(PASSIVE)").executeQuery()) {
            while (rs.next()) { /* busy, log pages, checkpointed pages */ }
            checkpointed = h;
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "checkpoint of " + dbFile + " failed", e);
        } finally {
            exit();
        }
    }

    /** The database file. */
    public Path dbFile() { return dbFile; }

    // ---------------------------------------------------------------------------------------------------- reads

    @Override
    public long currentRevision() {
        checkOpen();
        return head;
    }

    @Override
    public long compactedRevision() {
        checkOpen();
        return compacted;
    }

    @Override
    public Optional<Entry> get(String key) {
        requireKey(key);
        enter();
        Conn c = borrow();
        try {
            PreparedStatement ps = c.ps(SQL_LATEST);
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getInt(2) != 0) return Optional.empty();
                return Optional.of(new Entry(key, bytes(rs, 4), rs.getLong(3), rs.getLong(1)));
            }
        } catch (SQLException e) {
            throw unavailable("get " + key, e);
        } finally {
            readers.add(c);
            exit();
        }
    }

    @Override
    public ListResult list(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        String end = prefixEnd(prefix);
        enter();
        Conn c = borrow();
        try {
            c.c.setAutoCommit(false); // one read transaction: the revision and the rows come from one snapshot
            try {
                long revision = readLong(c, SQL_SEQ);
                PreparedStatement ps = c.ps(end == null ? SQL_LIST_ALL : SQL_LIST_BOUNDED);
                ps.setString(1, prefix);
                if (end != null) ps.setString(2, end);
                List<Entry> entries = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        entries.add(new Entry(rs.getString(2), bytes(rs, 4), rs.getLong(3), rs.getLong(1)));
                    }
                }
                return new ListResult(List.copyOf(entries), revision);
            } finally {
                c.c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw unavailable("list " + prefix, e);
        } finally {
            readers.add(c);
            exit();
        }
    }

    // ---------------------------------------------------------------------------------------------------- writes

    @Override
    public Entry create(String key, byte[] value) {
        return write(key, Objects.requireNonNull(value, "value").clone(), 0, Event.Type.CREATED);
    }

    @Override
    public Entry update(String key, byte[] value, long expectedModRevision) {
        return write(key, Objects.requireNonNull(value, "value").clone(), expectedModRevision, Event.Type.UPDATED);
    }

    @Override
    public Entry delete(String key, long expectedModRevision) {
        return write(key, null, expectedModRevision, Event.Type.DELETED);
    }

    private Entry write(String key, byte[] value, long expected, Event.Type type) {
        requireKey(key);
        if (expected < 0) throw new IllegalArgumentException("expectedModRevision must be >= 0: " + expected);
        enter();
        try {
            Event event;
            writeLock.lock();
            try {
                PreparedStatement latest = writer.ps(SQL_LATEST);
                latest.setString(1, key);
                long curId = 0, curCreate = 0;
                boolean live = false;
                byte[] curValue = null;
                try (ResultSet rs = latest.executeQuery()) {
                    if (rs.next()) {
                        curId = rs.getLong(1);
                        live = rs.getInt(2) == 0;
                        curCreate = rs.getLong(3);
                        curValue = bytes(rs, 4);
                    }
                }
                if (type == Event.Type.CREATED) {
                    if (live) throw new StoreException.AlreadyExists(key);
                } else {
                    if (!live) throw new StoreException.NotFound(key);
                    if (expected > 0 && expected != curId) throw new StoreException.Conflict(key, expected, curId);
                }
                long rev = head + 1;
                long createRev = type == Event.Type.CREATED ? rev : curCreate;
                byte[] newValue = type == Event.Type.DELETED ? curValue : value;
                PreparedStatement ins = writer.ps(SQL_INSERT);
                ins.setLong(1, rev);
                ins.setString(2, key);
                ins.setInt(3, type == Event.Type.CREATED ? 1 : 0);
                ins.setInt(4, type == Event.Type.DELETED ? 1 : 0);
                ins.setLong(5, createRev);
                ins.setLong(6, curId);
                ins.setBytes(7, newValue);
                ins.setBytes(8, live ? curValue : null);
                ins.executeUpdate(); // autocommit: this statement is the transaction; it is durable (see Durability) when it returns
                event = new Event(type, key, newValue, type == Event.Type.CREATED ? null : curValue, createRev, rev);
                ring.put(event);
                head = rev;
            } catch (SQLException e) {
                resyncHead();
                throw unavailable(type.name().toLowerCase() + " " + key, e);
            } finally {
                writeLock.unlock();
            }
            LockSupport.unpark(dispatcher);
            return new Entry(key, event.value().clone(), event.createRevision(), event.revision());
        } finally {
            exit();
        }
    }

    /** After a failed write, re-reads the revision counter in case the insert did commit (the ring then lacks it; watches read it from the table). */
    private void resyncHead() {
        try {
            long seq = readLong(writer, SQL_SEQ);
            if (seq > head) {
                head = seq;
                wake();
            }
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot re-read revision of " + dbFile, e);
        }
    }

    // ---------------------------------------------------------------------------------------------------- compaction

    /**
     * Removes the rows superseded by a write at or below {@code revision} and the delete rows at or below it. As in
     * etcd and kine, the state as of {@code revision} stays: the newest row of every live key is kept, and a row
     * superseded only by a later write goes at the compaction that covers that write. Runs in batches of {@value #COMPACT_BATCH} revisions, each its own
     * transaction under the write lock, so writes interleave. A revision at or below {@link #compactedRevision()} is
     * a no-op; one above {@link #currentRevision()} is rejected.
     */
    @Override
    public void compact(long revision) {
        enter();
        compactLock.lock();
        try {
            if (revision > head) {
                throw new IllegalArgumentException("cannot compact to future revision " + revision + " (current " + head + ")");
            }
            long from = compacted;
            while (from < revision) {
                if (closed.get()) throw closedException(); // let close() proceed between batches
                long to = Math.min(revision, from + COMPACT_BATCH);
                writeLock.lock();
                try {
                    writer.c.setAutoCommit(false);
                    boolean ok = false;
                    try {
                        for (String sql : List.of(SQL_COMPACT_SUPERSEDED, SQL_COMPACT_DELETES)) {
                            PreparedStatement del = writer.ps(sql);
                            del.setLong(1, from);
                            del.setLong(2, to);
                            del.executeUpdate();
                        }
                        PreparedStatement meta = writer.ps(SQL_SET_COMPACTED);
                        meta.setLong(1, to);
                        meta.executeUpdate();
                        writer.c.commit();
                        ok = true;
                    } finally {
                        if (!ok) writer.c.rollback();
                        writer.c.setAutoCommit(true);
                    }
                    compacted = to;
                } catch (SQLException e) {
                    throw unavailable("compact to " + to, e);
                } finally {
                    writeLock.unlock();
                }
                from = to;
            }
        } finally {
            compactLock.unlock();
            exit();
        }
    }

    // ---------------------------------------------------------------------------------------------------- watch

    @Override
    public Watch watch(String prefix, long afterRevision, WatchListener listener) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(listener, "listener");
        if (afterRevision < 0) throw new IllegalArgumentException("afterRevision must be >= 0: " + afterRevision);
        enter();
        try {
            long c = compacted;
            if (afterRevision < c) throw new StoreException.Compacted(afterRevision, c);
            WatchImpl w = new WatchImpl(prefix, prefixEnd(prefix), afterRevision, listener);
            watches.add(w);
            added.add(w);
            wake();
            return w;
        } finally {
            exit();
        }
    }

    /** Number of open watches (for metrics and tests). */
    public int watchCount() { return watches.size(); }

    private void dispatchLoop() {
        try {
            while (!closed.get()) {
                long seen = wakeups.get();
                long h = head;
                for (WatchImpl w; (w = added.poll()) != null; ) {
                    if (!w.done.get()) lagging.add(w);
                }
                for (WatchImpl w; (w = removed.poll()) != null; ) unregister(w);
                boolean more = pumpLive(h);
                long target = cursor;
                boolean[] lagMore = {false};
                lagging.removeIf(w -> {
                    try {
                        if (w.pump(target)) lagMore[0] = true;
                    } catch (RuntimeException | Error e) { // a bug or an OOM: end this watch, keep the others
                        w.terminate(e);
                    }
                    if (w.done.get()) return true;
                    if (w.after != target) return false;
                    promote(w);
                    return true;
                });
                if (!more && !lagMore[0]) {
                    while (head == h && wakeups.get() == seen && !closed.get()) LockSupport.park(this);
                }
            }
        } finally {
            StoreException closedCause = new StoreException.Unavailable("store " + dbFile + " closed", null);
            for (WatchImpl w : watches) w.terminate(closedCause);
        }
    }

    /** Delivers events in (cursor, h] to the live watches; true if it stopped early. */
    private boolean pumpLive(long h) {
        if (live.isEmpty()) {
            cursor = h;
            return false;
        }
        long limit = Math.min(h, cursor + MAX_SCAN_PER_TURN);
        while (cursor < limit) {
            Event e = ring.get(cursor + 1);
            if (e == null) { // the live set fell behind the ring: every watch catches up on its own from the table
                for (List<WatchImpl> ws : live.values()) {
                    for (WatchImpl w : ws) {
                        w.live = false;
                        w.after = cursor;
                        lagging.add(w);
                    }
                }
                live.clear();
                liveLengthCounts.clear();
                liveLengths = new int[0];
                cursor = h;
                return true;
            }
            String key = e.key();
            for (int len : liveLengths) {
                if (len > key.length()) break;
                List<WatchImpl> ws = live.get(len == key.length() ? key : key.substring(0, len));
                if (ws != null) {
                    for (int i = 0, n = ws.size(); i < n; i++) ws.get(i).deliver(e); // a failed one queues its removal
                }
            }
            cursor = e.revision();
        }
        return cursor < h;
    }

    private void promote(WatchImpl w) {
        w.live = true;
        List<WatchImpl> ws = live.get(w.prefix);
        if (ws == null) {
            live.put(w.prefix, ws = new ArrayList<>());
            if (liveLengthCounts.merge(w.prefix.length(), 1, Integer::sum) == 1) recomputeLengths();
        }
        ws.add(w);
    }

    private void unregister(WatchImpl w) {
        if (!w.live) {
            lagging.remove(w);
            return;
        }
        w.live = false;
        List<WatchImpl> ws = live.get(w.prefix);
        if (ws != null && ws.remove(w) && ws.isEmpty()) {
            live.remove(w.prefix);
            if (liveLengthCounts.merge(w.prefix.length(), -1, Integer::sum) == 0) {
                liveLengthCounts.remove(w.prefix.length());
                recomputeLengths();
            }
        }
    }

    private void recomputeLengths() {
        liveLengths = liveLengthCounts.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    private final class WatchImpl implements Watch {
        final String prefix;
        final String end;
        final WatchListener listener;
        final AtomicBoolean done = new AtomicBoolean();
        /** Held while calling the listener, so that {@link #close()} can wait for an in-flight event. */
        final ReentrantLock delivering = new ReentrantLock();
        /** Revision of the last event handled while lagging; only the dispatcher thread touches it. */
        long after;
        /** In the dispatcher's live index (then {@link #after} is stale: the position is the cursor). Dispatcher only. */
        boolean live;

        WatchImpl(String prefix, String end, long after, WatchListener listener) {
            this.prefix = prefix;
            this.end = end;
            this.after = after;
            this.listener = listener;
        }

        /** Delivers what lies in (after, h]; true if it stopped early and has more to do. Dispatcher thread only. */
        boolean pump(long h) {
            if (done.get() || after >= h) return false;
            long limit = Math.min(h, after + MAX_SCAN_PER_TURN);
            while (after < limit) {
                Event e = ring.get(after + 1);
                if (e == null) return backlog(h);
                if (e.key().startsWith(prefix) && !deliver(e)) return false;
                after = e.revision();
            }
            return after < h;
        }

        /** Reads the next batch in (after, h] from the table. */
        private boolean backlog(long h) {
            List<Event> batch = new ArrayList<>();
            StoreException failure = null;
            try {
                enter();
            } catch (StoreException.Unavailable e) {
                return false; // closing
            }
            try {
                Conn c = dispatcherConn;
                c.c.setAutoCommit(false); // the compaction check and the rows must come from one snapshot
                try {
                    long comp = readLong(c, SQL_COMPACTED);
                    if (after < comp) {
                        failure = new StoreException.Compacted(after, comp);
                    } else {
                        readBacklog(c, h, batch);
                    }
                } finally {
                    c.c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                failure = unavailable("watch " + prefix + " from revision " + after, e);
            } finally {
                exit();
            }
            if (failure != null) { // outside the lifecycle lock: onClose may close the store
                terminate(failure);
                return false;
            }
            for (Event e : batch) {
                if (!deliver(e)) return false;
                after = e.revision();
            }
            if (batch.size() < BACKLOG_BATCH) after = h;
            return after < h;
        }

        private void readBacklog(Conn c, long h, List<Event> out) throws SQLException {
            PreparedStatement ps = c.ps(SQL_BACKLOG);
            ps.setLong(1, after);
            ps.setLong(2, h);
            ps.setString(3, prefix);
            ps.setString(4, end);
            ps.setString(5, end);
            ps.setInt(6, BACKLOG_BATCH);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Event.Type type = rs.getInt(3) != 0 ? Event.Type.CREATED
                            : rs.getInt(4) != 0 ? Event.Type.DELETED : Event.Type.UPDATED;
                    byte[] value = bytes(rs, 6);
                    byte[] prev = switch (type) {
                        case CREATED -> null;
                        case UPDATED -> bytes(rs, 7);
                        case DELETED -> value; // a delete row carries the last value
                    };
                    out.add(new Event(type, rs.getString(2), value, prev, rs.getLong(5), rs.getLong(1)));
                }
            }
        }

        private boolean deliver(Event e) {
            delivering.lock();
            try {
                if (done.get()) return false;
                listener.onEvent(e);
                return true;
            } catch (RuntimeException | Error t) {
                terminate(t);
                return false;
            } finally {
                delivering.unlock();
            }
        }

        /** Ends the watch for a reason other than {@link #close()}, telling the listener once. */
        void terminate(Throwable cause) {
            if (!done.compareAndSet(false, true)) return;
            watches.remove(this);
            removed.add(this);
            wake();
            try {
                listener.onClose(cause);
            } catch (RuntimeException | Error t) {
                LOG.log(System.Logger.Level.WARNING, "watch listener onClose failed", t);
            }
        }

        @Override
        public void close() {
            if (!done.compareAndSet(false, true)) return;
            watches.remove(this);
            removed.add(this);
            wake();
            if (Thread.currentThread() != dispatcher) {
                delivering.lock(); // wait for an in-flight onEvent
                delivering.unlock();
            }
        }
    }

    /**
     * The most recent events by revision, written by the (single) writer before it publishes {@link #head}. A slot
     * holding another revision means the event was overwritten (or predates this process): read the table instead.
     */
    private static final class EventRing {
        private final AtomicReferenceArray<Event> slots;
        private final int mask;

        EventRing(int size) {
            int n = Integer.highestOneBit(Math.max(2, size - 1)) << 1;
            slots = new AtomicReferenceArray<>(n);
            mask = n - 1;
        }

        void put(Event e) { slots.set((int) (e.revision() & mask), e); }

        Event get(long revision) {
            Event e = slots.get((int) (revision & mask));
            return e != null && e.revision() == revision ? e : null;
        }
    }

    // ---------------------------------------------------------------------------------------------------- lifecycle

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        checkpointer.shutdownNow();
        wake();
        if (Thread.currentThread() != dispatcher) {
            boolean interrupted = false;
            while (true) {
                try {
                    dispatcher.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
        lifecycle.writeLock().lock(); // wait for in-flight operations
        try {
            // A watch() that raced with close() may have registered after the dispatcher said goodbye.
            StoreException closedCause = new StoreException.Unavailable("store " + dbFile + " closed", null);
            for (WatchImpl w : watches) w.terminate(closedCause);
            writer.close();
            for (Conn c : allReaders) c.close();
            dispatcherConn.close();
            checkpointConn.close(); // the last connection to close checkpoints the WAL into the file and removes it
            try {
                fileLock.release();
                lockChannel.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot release lock of " + dbFile, e);
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private void wake() {
        wakeups.incrementAndGet();
        LockSupport.unpark(dispatcher);
    }

    private void checkOpen() {
        if (closed.get()) throw closedException();
    }

    private StoreException.Unavailable closedException() {
        return new StoreException.Unavailable("store " + dbFile + " is closed", null);
    }

    private void enter() {
        lifecycle.readLock().lock();
        if (closed.get()) {
            lifecycle.readLock().unlock();
            throw closedException();
        }
    }

    private void exit() {
        lifecycle.readLock().unlock();
    }

    private Conn borrow() {
        try {
            return readers.take();
        } catch (InterruptedException e) {
            exit();
            Thread.currentThread().interrupt();
            throw new StoreException.Unavailable("interrupted waiting for a connection to " + dbFile, e);
        }
    }

    private StoreException.Unavailable unavailable(String what, SQLException e) {
        return new StoreException.Unavailable("sqlite store " + dbFile + ": " + what + ": " + e.getMessage(), e);
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    private static void requireKey(String key) {
        if (key == null || key.isEmpty()) throw new IllegalArgumentException("key must be non-empty");
    }

    private static long readLong(Conn c, String sql) throws SQLException {
        try (ResultSet rs = c.ps(sql).executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static byte[] bytes(ResultSet rs, int column) throws SQLException {
        byte[] b = rs.getBytes(column);
        return b == null ? new byte[0] : b;
    }

    /**
     * The smallest string greater than every string starting with {@code prefix} (null: no bound). SQLite compares
     * TEXT as UTF-8 bytes, which is code point order, so incrementing the last code point is exact.
     */
    static String prefixEnd(String prefix) {
        int[] cps = prefix.codePoints().toArray();
        for (int i = cps.length - 1; i >= 0; i--) {
            int next = cps[i] + 1;
            if (next == Character.MIN_SURROGATE) next = Character.MAX_SURROGATE + 1;
            if (next <= Character.MAX_CODE_POINT) {
                cps[i] = next;
                return new String(cps, 0, i + 1);
            }
        }
        return null;
    }

    /** A connection with its prepared statements (used by one thread at a time). */
    private static final class Conn {
        final Connection c;
        private final Map<String, PreparedStatement> statements = new HashMap<>();

        private Conn(Connection c) { this.c = c; }

        static Conn open(Path file) throws SQLException {
            return new Conn(DriverManager.getConnection("jdbc:sqlite:" + file));
        }

        PreparedStatement ps(String sql) throws SQLException {
            PreparedStatement ps = statements.get(sql);
            if (ps == null) {
                ps = c.prepareStatement(sql);
                statements.put(sql, ps);
            }
            return ps;
        }

        void close() {
            try {
                c.close(); // closes its statements
            } catch (SQLException e) {
                LOG.log(System.Logger.Level.WARNING, "closing sqlite connection failed", e);
            }
        }
    }
}
