package dev.nodenet.api.net;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IpTextTest {
    static String f(String literal) throws Exception {
        return IpText.format(InetAddress.getByName(literal).getAddress()); // literals only: no name lookup happens
    }

    @Test
    void rfc5952() throws Exception {
        assertEquals("10.96.0.1", f("10.96.0.1"));
        assertEquals("::1", f("0:0:0:0:0:0:0:1"));
        assertEquals("::", f("0:0:0:0:0:0:0:0"));
        assertEquals("2001:db8::1", f("2001:0db8:0000:0000:0000:0000:0000:0001"));
        assertEquals("2001:db8:0:1:1:1:1:1", f("2001:db8:0:1:1:1:1:1"), "a single zero group stays");
        assertEquals("2001:0:0:1::1", f("2001:0:0:1:0:0:0:1"), "the longest run is compressed");
        assertEquals("2001:db8::1:0:0:1", f("2001:db8:0:0:1:0:0:1"), "the first run wins a tie");
        assertEquals("fd00:10:244:1::", f("fd00:10:244:1::"));
        assertThrows(IllegalArgumentException.class, () -> IpText.format(new byte[5]));
    }
}
