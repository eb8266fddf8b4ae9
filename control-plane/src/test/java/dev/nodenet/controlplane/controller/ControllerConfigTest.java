package dev.nodenet.controlplane.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControllerConfigTest {

    private static void rejected(String messagePart, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }

    @Test
    void badSettingsAreRejectedWithTheFieldNamed() {
        ControllerConfig d = ControllerConfig.defaults();
        rejected("maxEndpointsPerSlice", () -> d.withMaxEndpointsPerSlice(0));
        rejected("maxEndpointsPerSlice", () -> d.withMaxEndpointsPerSlice(1001));
        rejected("gcPeriod", () -> d.withGcPeriod(Duration.ZERO));
        rejected("clusterCidrs must not be null", () -> d.withClusterCidrs(null));
        rejected("at most two", () -> d.withClusterCidrs(List.of("10.0.0.0/16", "fd00::/56", "10.1.0.0/16")));
        rejected("same IP family", () -> d.withClusterCidrs(List.of("10.0.0.0/16", "10.1.0.0/16")));
        rejected("not an IP address literal", () -> d.withClusterCidrs(List.of("example.com/16")));
        rejected("not an IP address literal", () -> d.withClusterCidrs(List.of("10.0.0.256/16")));
        rejected("expected address/prefix-length", () -> d.withClusterCidrs(List.of("10.0.0.0")));
        rejected("prefix length must be 0..32", () -> d.withClusterCidrs(List.of("10.0.0.0/33")));
        rejected("prefix length is not a number", () -> d.withClusterCidrs(List.of("10.0.0.0/x")));
        rejected("host bits are set (did you mean 10.244.0.0/16?)", () -> d.withClusterCidrs(List.of("10.244.1.0/16")));
        rejected("nodeCidrMaskSizeIpv4 8", () -> d.withNodeCidrMaskSizes(8, 64));
        rejected("more than 2^16", () -> d.withClusterCidrs(List.of("10.0.0.0/8")).withNodeCidrMaskSizes(28, 64));
        rejected("nodeCidrMaskSizeIpv6 129", () -> new ControllerConfig(100, List.of("fd00::/120"), 24, 129, Duration.ofMinutes(1)));
    }

    @Test
    void validSettings() {
        ControllerConfig d = ControllerConfig.defaults();
        assertEquals(100, d.maxEndpointsPerSlice());
        assertEquals(List.of("10.244.0.0/16"), d.clusterCidrs());
        assertEquals(List.of(), d.withClusterCidrs(List.of()).clusterCidrs());
        assertEquals(2, d.withClusterCidrs(List.of("10.244.0.0/16", "fd00:10:244::/56")).clusterCidrs().size());
    }

    @Test
    void cidrFormattingIsCanonical() {
        assertEquals("fd00:10:244::/56", Cidr.parse("FD00:0010:0244:0000::/56").toString());
        CidrSet v6 = new CidrSet(Cidr.parse("fd00:10:244::/56"), 64);
        assertEquals("fd00:10:244:ff::/64", v6.format(255));
        assertEquals(255, v6.indexOf("fd00:10:244:ff::/64"));
        assertEquals(-1, v6.indexOf("fd00:10:245::/64"));
        CidrSet v4 = new CidrSet(Cidr.parse("10.244.0.0/16"), 24);
        assertEquals("10.244.255.0/24", v4.format(255));
        assertEquals(-1, v4.indexOf("10.245.0.0/24"));
        assertEquals(-1, v4.indexOf("10.244.1.0/25"));
        assertEquals("1::1:0:0:1/128", Cidr.parse("1:0:0:0:1:0:0:1/128").toString());
    }
}
