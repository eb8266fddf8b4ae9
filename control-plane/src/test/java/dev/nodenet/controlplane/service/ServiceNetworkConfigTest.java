package dev.nodenet.controlplane.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ServiceNetworkConfigTest {

    @Test
    void defaultsMatchKubeApiserver() {
        ServiceNetworkConfig c = ServiceNetworkConfig.DEFAULT;
        assertEquals("10.96.0.0/12", c.clusterIpRanges().get(0).toString());
        assertEquals(30000, c.nodePortMin());
        assertEquals(32767, c.nodePortMax());
        assertEquals("10.96.0.1", c.kubernetesServiceIp());
        assertFalse(c.dualStack());
    }

    @Test
    void dualStackAndPortCount() {
        ServiceNetworkConfig c = ServiceNetworkConfig.parse("fd00:10:96::/108, 10.0.0.0/24", "30000+99");
        assertTrue(c.dualStack());
        assertEquals("IPv6", c.primary().family());
        assertEquals("fd00:10:96::1", c.kubernetesServiceIp());
        assertEquals("10.0.0.0/24", c.rangeFor("IPv4").toString());
        assertEquals(30099, c.nodePortMax());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10.0.0.0/33|30000-32767|invalid --service-cluster-ip-range \"10.0.0.0/33\": prefix length 33 is larger than 32",
            "10.0.0.1/24|30000-32767|invalid --service-cluster-ip-range \"10.0.0.1/24\": host bits are set (did you mean 10.0.0.0/24?)",
            "10.0.0.0/8|30000-32767|invalid --service-cluster-ip-range \"10.0.0.0/8\": range is too large; for 32-bit addresses, the mask must be >= 12",
            "fd00::/64|30000-32767|invalid --service-cluster-ip-range \"fd00::/64\": range is too large; for 128-bit addresses, the mask must be >= 108",
            "10.0.0.0/31|30000-32767|invalid --service-cluster-ip-range \"10.0.0.0/31\": range is too small; the mask must be <= 30",
            "banana|30000-32767|invalid --service-cluster-ip-range \"banana\": not a CIDR (missing /prefix)",
            "10.0.0.256/24|30000-32767|invalid --service-cluster-ip-range \"10.0.0.256/24\": not a valid IP address: \"10.0.0.256\"",
            "10.0.0.0/x|30000-32767|invalid --service-cluster-ip-range \"10.0.0.0/x\": prefix length \"x\" is not a number",
            "10.0.0.0/24,10.1.0.0/24|30000-32767|invalid --service-cluster-ip-range \"10.0.0.0/24,10.1.0.0/24\": the two ranges must be of different IP families (one IPv4, one IPv6)",
            "10.0.0.0/24,fd00::/112,10.1.0.0/24|30000-32767|invalid --service-cluster-ip-range \"10.0.0.0/24,fd00::/112,10.1.0.0/24\": may contain at most two ranges (one per IP family)",
            "10.0.0.0/24|abc|invalid --service-node-port-range \"abc\": expected <first>-<last> or <first>+<count>",
            "10.0.0.0/24|40000-30000|invalid --service-node-port-range \"40000-30000\": last port 30000 is below first port 40000",
            "10.0.0.0/24|30000-70000|invalid --service-node-port-range \"30000-70000\": last port 70000 is above 65535",
            "10.0.0.0/24|0-100|invalid --service-node-port-range \"0-100\": ports must be between 1 and 65535",
            "10.0.0.0/24|30000-x|invalid --service-node-port-range \"30000-x\": \"x\" is not a port number",
    })
    void badFlagsAreRefusedWithTheFlagNamed(String ranges, String ports, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServiceNetworkConfig.parse(ranges, ports));
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10.0.0.1|10.0.0.1", "::|::", "::1|::1", "FD00:0:0:0:0:0:0:1|fd00::1", "2001:db8:0:0:1:0:0:1|2001:db8::1:0:0:1",
            "2001:0db8:0000:0000:0000:ff00:0042:8329|2001:db8::ff00:42:8329", "::ffff:10.0.0.1|::ffff:a00:1", "1:0:1:0:1:0:1:0|1:0:1:0:1:0:1:0",
    })
    void ipLiteralsParseAndFormatCanonically(String in, String out) {
        assertEquals(out, Ips.canonical(in));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"10.0.0", "10.0.0.1.2", "010.0.0.1", "10.0.0.-1", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "g::1", "localhost", "''"})
    void nonLiteralsAreRefusedWithoutResolving(String in) {
        assertNull(Ips.parse(in));
    }
}
