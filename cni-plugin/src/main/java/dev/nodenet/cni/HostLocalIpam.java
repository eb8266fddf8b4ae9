package dev.nodenet.cni;

import dev.nodenet.netlink.IpPrefix;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The built-in IPAM for {@code ipam.type "host-local"}, compatible on disk with the reference host-local plugin so
 * either can take over a node: directory {@code <dataDir>/<network>}; one file per reserved address, named by the
 * address in canonical text and created O_EXCL (mode 0600), holding {@code "<containerID>\r\n<ifname>"}; files
 * {@code last_reserved_ip.<rangeSetIndex>} holding the last address handed out from each range set, so allocation
 * goes round-robin; an exclusive flock on {@code <dir>/lock} around every read-modify-write.
 *
 * <p>Differences from the reference, on purpose: a second ADD for the same container ID and ifname returns the
 * existing reservation instead of failing; GC and STATUS are implemented (upstream FIXMEs).
 *
 * <p>Threading: one instance per command, used on its thread; concurrency between commands (threads or processes)
 * is serialised by the flock.
 */
final class HostLocalIpam implements Ipam {
    static final String LINE_BREAK = "\r\n";
    static final String LAST_RESERVED_PREFIX = "last_reserved_ip.";
    static final String LOCK_FILE = "lock";

    private final NetConf.HostLocalConf conf;

    HostLocalIpam(NetConf.HostLocalConf conf) {
        this.conf = conf;
    }

    /** One reservation file. {@code ifname} is null for files written by old plugins holding only the ID. */
    record Reservation(InetAddress ip, String containerId, String ifname) {
        boolean belongsTo(String id, String ifn) {
            return containerId.equals(id) && (ifname == null || ifname.equals(ifn));
        }
    }

    @Override
    public CniResult add(CniEnv env) {
        try (Flock lock = lock()) {
            List<Reservation> all = reservations();
            Set<InetAddress> taken = new HashSet<>();
            for (Reservation r : all) taken.add(r.ip());
            List<CniResult.IpConfig> ips = new ArrayList<>();
            List<InetAddress> reservedNow = new ArrayList<>();
            try {
                for (int set = 0; set < conf.rangeSets().size(); set++) {
                    List<IpRange> ranges = conf.rangeSets().get(set);
                    InetAddress existing = null;
                    for (Reservation r : all) {
                        if (r.belongsTo(env.containerId(), env.ifname()) && rangeOf(ranges, r.ip()) != null) {
                            existing = r.ip();
                        }
                    }
                    InetAddress ip = existing != null ? existing : allocate(set, ranges, taken, env);
                    if (existing == null) reservedNow.add(ip);
                    IpRange range = rangeOf(ranges, ip);
                    ips.add(new CniResult.IpConfig(new IpPrefix(ip, range.subnet().prefixLength()), range.gateway(),
                            null));
                }
            } catch (RuntimeException | IOException e) {
                for (InetAddress ip : reservedNow) Files.deleteIfExists(file(ip));
                throw e;
            }
            return new CniResult(List.of(), List.copyOf(ips), conf.routes(), Map.of());
        } catch (IOException e) {
            throw io("reserve an address", e);
        }
    }

    private InetAddress allocate(int set, List<IpRange> ranges, Set<InetAddress> taken, CniEnv env)
            throws IOException {
        // Round-robin like the reference: continue after the last address handed out from this set, wrap around,
        // skip each range's gateway. A free address is at most |taken| + |ranges| + 1 steps away if one exists.
        InetAddress last = lastReserved(set);
        int rangeIdx = 0;
        InetAddress cur = null;
        if (last != null && rangeOf(ranges, last) != null) {
            rangeIdx = ranges.indexOf(rangeOf(ranges, last));
            cur = last;
        }
        BigInteger size = BigInteger.ZERO;
        for (IpRange r : ranges) size = size.add(Ips.toBig(r.end()).subtract(Ips.toBig(r.start())).add(BigInteger.ONE));
        long steps = size.min(BigInteger.valueOf(taken.size() + ranges.size() + 1L)).longValueExact();
        for (long k = 0; k < steps; k++) {
            IpRange r = ranges.get(rangeIdx);
            if (cur == null) {
                cur = r.start();
            } else if (cur.equals(r.end())) {
                rangeIdx = (rangeIdx + 1) % ranges.size();
                r = ranges.get(rangeIdx);
                cur = r.start();
            } else {
                cur = Ips.next(cur);
            }
            if (cur.equals(r.gateway()) || taken.contains(cur)) continue;
            if (reserve(cur, env, set)) {
                taken.add(cur);
                return cur;
            }
        }
        throw new CniException(CniException.POOL_EXHAUSTED, "no free IP address",
                "range set " + set + " " + ranges.stream().map(x -> x.subnet().toString()).toList()
                        + " in " + conf.dataDir() + " is exhausted");
    }

    private boolean reserve(InetAddress ip, CniEnv env, int set) throws IOException {
        try {
            Files.write(file(ip), (env.containerId().strip() + LINE_BREAK + env.ifname()).getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            return false;
        }
        Files.setPosixFilePermissions(file(ip), PosixFilePermissions.fromString("rw-------"));
        Path lastFile = conf.dataDir().resolve(LAST_RESERVED_PREFIX + set);
        Files.writeString(lastFile, Ips.text(ip), StandardCharsets.US_ASCII);
        return true;
    }

    private InetAddress lastReserved(int set) throws IOException {
        try {
            return IpPrefix.parseAddress(Files.readString(conf.dataDir().resolve(LAST_RESERVED_PREFIX + set)).strip());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IllegalArgumentException e) {
            return null; // a damaged hint only costs round-robin order, as in the reference
        }
    }

    private static IpRange rangeOf(List<IpRange> ranges, InetAddress ip) {
        for (IpRange r : ranges) if (r.contains(ip)) return r;
        return null;
    }

    @Override
    public void del(CniEnv env) {
        if (!Files.isDirectory(conf.dataDir())) return; // nothing was ever reserved here
        try (Flock lock = lock()) {
            for (Reservation r : reservations()) {
                if (r.belongsTo(env.containerId(), env.ifname())) Files.deleteIfExists(file(r.ip()));
            }
        } catch (IOException e) {
            throw io("release addresses of " + env.containerId() + "/" + env.ifname(), e);
        }
    }

    @Override
    public void check(CniEnv env, CniResult expected) {
        List<Reservation> all;
        try {
            all = reservations();
        } catch (IOException e) {
            throw io("read reservations", e);
        }
        List<IpRange> ours = conf.rangeSets().stream().flatMap(List::stream).toList();
        for (CniResult.IpConfig ip : expected.ips()) {
            InetAddress a = ip.address().address();
            if (rangeOf(ours, a) == null) continue;
            boolean found = all.stream().anyMatch(r -> r.ip().equals(a) && r.belongsTo(env.containerId(), env.ifname()));
            if (!found) {
                throw new CniException(CniException.CHECK_FAILED, "IP address not reserved",
                        Ips.text(a) + " is not reserved for " + env.containerId() + "/" + env.ifname() + " in "
                                + conf.dataDir());
            }
        }
    }

    @Override
    public List<NetConf.Attachment> gc(CniEnv env, Set<NetConf.Attachment> valid) {
        if (!Files.isDirectory(conf.dataDir())) return List.of();
        Set<String> validIds = new HashSet<>();
        for (NetConf.Attachment a : valid) validIds.add(a.containerId());
        List<NetConf.Attachment> released = new ArrayList<>();
        try (Flock lock = lock()) {
            for (Reservation r : reservations()) {
                boolean keep = r.ifname() == null ? validIds.contains(r.containerId())
                        : valid.contains(new NetConf.Attachment(r.containerId(), r.ifname()));
                if (keep) continue;
                Files.deleteIfExists(file(r.ip()));
                if (r.ifname() != null) released.add(new NetConf.Attachment(r.containerId(), r.ifname()));
            }
        } catch (IOException e) {
            throw io("garbage-collect reservations", e);
        }
        return released.stream().distinct().toList();
    }

    @Override
    public void status(CniEnv env) {
        try {
            Files.createDirectories(conf.dataDir());
            if (!Files.isWritable(conf.dataDir())) throw new IOException(conf.dataDir() + " is not writable");
            Set<InetAddress> taken = new HashSet<>();
            for (Reservation r : reservations()) taken.add(r.ip());
            for (List<IpRange> set : conf.rangeSets()) {
                if (!hasFree(set, taken)) {
                    throw new CniException(CniException.NOT_AVAILABLE, "IP pool exhausted",
                            "no free address in range set " + set.stream().map(x -> x.subnet().toString()).toList());
                }
            }
        } catch (IOException e) {
            throw new CniException(CniException.NOT_AVAILABLE, "IPAM data directory unusable", e.toString());
        }
    }

    private static boolean hasFree(List<IpRange> set, Set<InetAddress> taken) {
        for (IpRange r : set) {
            BigInteger size = Ips.toBig(r.end()).subtract(Ips.toBig(r.start())).add(BigInteger.ONE);
            long used = taken.stream().filter(r::contains).count() + (r.contains(r.gateway()) ? 1 : 0);
            if (size.compareTo(BigInteger.valueOf(used)) > 0) return true;
        }
        return false;
    }

    /** All reservation files (names that are IP literals); unreadable or foreign files are skipped. */
    List<Reservation> reservations() throws IOException {
        List<Reservation> out = new ArrayList<>();
        if (!Files.isDirectory(conf.dataDir())) return out;
        Map<Path, InetAddress> files = new LinkedHashMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(conf.dataDir())) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.equals(LOCK_FILE) || n.startsWith(LAST_RESERVED_PREFIX)) continue;
                try {
                    files.put(p, IpPrefix.parseAddress(n));
                } catch (IllegalArgumentException e) {
                    // not a reservation file
                }
            }
        }
        for (Map.Entry<Path, InetAddress> f : files.entrySet()) {
            String text;
            try {
                text = Files.readString(f.getKey(), StandardCharsets.UTF_8).strip();
            } catch (NoSuchFileException e) {
                continue;
            }
            int br = text.indexOf(LINE_BREAK);
            out.add(br < 0 ? new Reservation(f.getValue(), text, null)
                    : new Reservation(f.getValue(), text.substring(0, br).strip(), text.substring(br + 2)));
        }
        return out;
    }

    private Path file(InetAddress ip) {
        return conf.dataDir().resolve(Ips.text(ip));
    }

    private Flock lock() throws IOException {
        Files.createDirectories(conf.dataDir());
        return Flock.acquire(conf.dataDir().resolve(LOCK_FILE));
    }

    private CniException io(String what, IOException e) {
        return new CniException(CniException.INTERNAL, "host-local IPAM failed to " + what,
                conf.dataDir() + ": " + e);
    }
}
