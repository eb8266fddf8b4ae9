package dev.nodenet.controlplane.service;

import dev.nodenet.controlplane.storage.Store;

import java.util.BitSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hands out offsets {@code [0, size)} of a range (ClusterIPs of one CIDR, or node ports) as records in the store.
 * Like kube-apiserver (KEP-3070, KEP-3668) the range has a static band at the bottom, {@code [0, staticBand)}, which
 * dynamic allocation uses only when the rest is full, so users who pick addresses by hand rarely collide with
 * automatic ones. Offsets below {@code firstDynamic} are never handed out dynamically (the {@code kubernetes} Service's
 * address). Thread-safe: every decision is a store create that either wins or reports the key taken.
 */
abstract class RangeAllocator {
    /** Random picks before falling back to a scan of the allocated set: cheap while the range is mostly free. */
    private static final int RANDOM_TRIES = 8;

    final AllocationRecords records;
    final int size;
    final int staticBand;
    final int firstDynamic;

    RangeAllocator(AllocationRecords records, int size, int staticBand, int firstDynamic) {
        this.records = records;
        this.size = size;
        this.staticBand = staticBand;
        this.firstDynamic = firstDynamic;
    }

    /** The store key of an offset. */
    abstract String key(int offset);

    /** The offset a key under {@link #prefix()} stands for, or -1 when it is not in this range. */
    abstract int offsetOfKey(String key);

    abstract String prefix();

    /** Kube-apiserver's static band size: {@code min(max(lo, size/step), hi)}, none for ranges of {@code lo} or fewer. */
    static int band(long rangeSize, int lo, int step, int hi) {
        if (rangeSize <= lo) return 0;
        return (int) Math.min(Math.max(lo, rangeSize / step), hi);
    }

    /** Why an allocation failed (value taken, range full); the caller words the Status around the message. */
    static final class Failure extends Exception {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    /** Claims {@code offset} for the Service; true when this call created the record (so a revert must delete it). */
    boolean allocate(int offset, String ns, String name, String uid, boolean dryRun, String alreadyAllocatedMessage) throws Failure {
        String key = key(offset);
        if (dryRun) {
            if (!records.freeFor(key, uid)) throw new Failure(alreadyAllocatedMessage);
            return false;
        }
        return switch (records.claim(key, ns, name, uid)) {
            case CREATED -> true;
            case ALREADY_OURS -> false;
            case TAKEN -> throw new Failure(alreadyAllocatedMessage);
        };
    }

    /**
     * Claims a free offset, preferring the upper band. A dry run only finds one that looks free.
     *
     * @throws Failure "range is full" when every offset is taken
     */
    int allocateNext(String ns, String name, String uid, boolean dryRun) throws Failure {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int upperStart = Math.max(staticBand, firstDynamic);
        if (upperStart < size) {
            for (int i = 0; i < RANDOM_TRIES; i++) {
                int offset = upperStart + rnd.nextInt(size - upperStart);
                if (tryTake(offset, ns, name, uid, dryRun)) return offset;
            }
        }
        // Random picks keep colliding: the range is filling up. Scan what is allocated and try the gaps.
        BitSet used = new BitSet(size);
        for (Store.Entry e : records.store().list(prefix()).entries()) {
            int off = offsetOfKey(e.key());
            if (off >= 0) used.set(off);
        }
        int found = scan(used, upperStart, size, ns, name, uid, dryRun);
        if (found < 0) found = scan(used, firstDynamic, Math.min(upperStart, size), ns, name, uid, dryRun);
        if (found < 0) throw new Failure("range is full");
        return found;
    }

    private int scan(BitSet used, int from, int to, String ns, String name, String uid, boolean dryRun) {
        if (from >= to) return -1;
        int span = to - from;
        int start = from + ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < span; i++) {
            int offset = from + (start - from + i) % span;
            if (used.get(offset)) continue;
            if (tryTake(offset, ns, name, uid, dryRun)) return offset;
        }
        return -1;
    }

    private boolean tryTake(int offset, String ns, String name, String uid, boolean dryRun) {
        String key = key(offset);
        if (dryRun) return records.owner(key).isEmpty();
        return records.claim(key, ns, name, uid) == AllocationRecords.Outcome.CREATED;
    }

    /** ClusterIPs of one CIDR: offset 0 is the address after the network address; IPv4 also loses the broadcast address. */
    static final class Ips4Or6 extends RangeAllocator {
        final Cidr cidr;

        Ips4Or6(AllocationRecords records, Cidr cidr) {
            super(records, usable(cidr), band(1L << cidr.hostBits(), 16, 16, 256), 1);
            this.cidr = cidr;
        }

        private static int usable(Cidr cidr) {
            long total = 1L << cidr.hostBits();
            // IPv6 ranges are capped like kube-apiserver's bitmap; IPv4 has no usable broadcast address.
            if (cidr.isIpv6()) total = Math.min(total, 65536);
            else total--;
            return (int) Math.max(0, total - 1);
        }

        @Override
        String key(int offset) {
            return AllocationRecords.ipKey(Ips.format(cidr.addressAt(offset + 1L)));
        }

        @Override
        String prefix() {
            return AllocationRecords.IP_PREFIX;
        }

        @Override
        int offsetOfKey(String key) {
            byte[] ip = Ips.parse(key.substring(AllocationRecords.IP_PREFIX.length()));
            return ip == null ? -1 : offsetOf(ip);
        }

        /** The offset of an address, or -1 when it is outside the allocatable part of the CIDR. */
        int offsetOf(byte[] ip) {
            if (!cidr.contains(ip)) return -1;
            long off = cidr.offsetOf(ip) - 1;
            return off < 0 || off >= size ? -1 : (int) off;
        }

        String ipAt(int offset) {
            return Ips.format(cidr.addressAt(offset + 1L));
        }
    }

    /** Node ports {@code [min, max]}: offset 0 is {@code min}. */
    static final class Ports extends RangeAllocator {
        final int min;

        Ports(AllocationRecords records, int min, int max) {
            super(records, max - min + 1, band(max - min + 1, 16, 32, 128), 0);
            this.min = min;
        }

        @Override
        String key(int offset) {
            return AllocationRecords.portKey(min + offset);
        }

        @Override
        String prefix() {
            return AllocationRecords.PORT_PREFIX;
        }

        @Override
        int offsetOfKey(String key) {
            try {
                int port = Integer.parseInt(key.substring(AllocationRecords.PORT_PREFIX.length()));
                return offsetOf(port);
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        int offsetOf(int port) {
            return port < min || port >= min + size ? -1 : port - min;
        }
    }
}
