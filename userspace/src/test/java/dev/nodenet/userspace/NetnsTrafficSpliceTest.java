package dev.nodenet.userspace;

import org.junit.jupiter.api.Tag;

/** The same traffic with TCP relayed by splice(2). */
@Tag("privileged")
class NetnsTrafficSpliceTest extends NetnsTrafficTest {
    @Override
    boolean splice() {
        return true;
    }
}
