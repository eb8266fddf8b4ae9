package dev.nodenet.e2e;

/** The end-to-end scenarios in iptables mode. */
class IptablesModeTest extends ModeSuite {
    @Override
    String mode() {
        return "iptables";
    }
}
