package dev.nodenet.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nodenet.netlink.NetNs;
import dev.nodenet.proxy.Exec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Which iptables the backend drives: the one already holding Kubernetes rules, nft when none does. */
@Tag("privileged")
class DetectVariantTest {
    @Test
    void followsExistingKubernetesRules() throws Exception {
        String name = "nn-detect-" + Long.toHexString(System.nanoTime() & 0xffffff);
        NetnsLab.sh("ip", "netns", "add", name);
        try (NetNs ns = NetNs.named(name)) {
            Exec exec = new Exec(ns);
            assertEquals(IptablesBackend.Variant.NFT, IptablesBackend.detectVariant(exec), "a fresh node");
            // kubelet (or an older kube-proxy) on this node uses iptables-legacy
            NetnsLab.sh("ip", "netns", "exec", name, "iptables-legacy", "-t", "mangle", "-N", "KUBE-KUBELET-CANARY");
            assertEquals(IptablesBackend.Variant.LEGACY, IptablesBackend.detectVariant(exec));
            NetnsLab.sh("ip", "netns", "exec", name, "iptables-legacy", "-t", "mangle", "-X", "KUBE-KUBELET-CANARY");
            NetnsLab.sh("ip", "netns", "exec", name, "iptables-nft", "-t", "mangle", "-N", "KUBE-IPTABLES-HINT");
            assertEquals(IptablesBackend.Variant.NFT, IptablesBackend.detectVariant(exec));
        } finally {
            NetnsLab.sh("ip", "netns", "del", name);
        }
    }
}
