package dev.nodenet.iptables;

/** {@link NetnsTrafficSuite} against iptables-nft. */
class NetnsTrafficNftTest extends NetnsTrafficSuite {
    @Override
    IptablesBackend.Variant variant() {
        return IptablesBackend.Variant.NFT;
    }
}
