package dev.nodenet.iptables;

/** {@link NetnsTrafficSuite} against iptables-legacy. */
class NetnsTrafficLegacyTest extends NetnsTrafficSuite {
    @Override
    IptablesBackend.Variant variant() {
        return IptablesBackend.Variant.LEGACY;
    }
}
