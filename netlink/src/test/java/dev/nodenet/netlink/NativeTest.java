package dev.nodenet.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Real downcalls that need no privileges and change nothing (read-only in the current namespace). */
class NativeTest {
    @Test
    void errnoIsCapturedAndNamed() {
        NetlinkException e = assertThrows(NetlinkException.class,
                () -> Libc.open("/nonexistent/nodenet", Libc.O_RDONLY, "open /nonexistent/nodenet"));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("open /nonexistent/nodenet: ENOENT (2) No such file or directory", e.getMessage());
        assertEquals("ENODEV", assertThrows(NetlinkException.class, () -> Libc.ifNameToIndex("nn-absent0")).errnoName());
        assertEquals(1, Libc.ifNameToIndex("lo"));
        assertEquals("EAFNOSUPPORT", assertThrows(NetlinkException.class,
                () -> Libc.socket(4242, Libc.SOCK_RAW, 0, "socket family 4242")).errnoName());
    }

    @Test
    void readOnlyDumpsOfTheCurrentNamespace() {
        try (RtNetlink rt = RtNetlink.open()) {
            assertTrue(rt.socket().portId() != 0);
            assertTrue(rt.socket().receiveBufferBytes() > 0);
            Link lo = rt.link("lo");
            assertEquals(1, lo.index());
            assertEquals(lo, rt.link(1));
            assertTrue(rt.links().stream().anyMatch(l -> l.name().equals("lo")));
            assertTrue(rt.addresses(Libc.AF_INET, 1).stream()
                    .anyMatch(a -> a.prefix().toString().equals("127.0.0.1/8")));
            assertTrue(rt.routes(Libc.AF_INET).stream().anyMatch(r -> r.table() == Route.TABLE_LOCAL));
        }
    }

    @Test
    void closedSocketRejectsUse() {
        RtNetlink rt = RtNetlink.open();
        rt.close();
        rt.close(); // idempotent
        assertThrows(IllegalStateException.class, rt::links);
    }
}
