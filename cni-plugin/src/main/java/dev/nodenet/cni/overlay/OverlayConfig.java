package dev.nodenet.cni.overlay;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the overlay agent, flannel's VXLAN backend by default: device {@code nodenet.1}, VNI 1, UDP 8472.
 *
 * @param nodeName      this node's Node object name
 * @param clusterCidr   the pod network of the whole cluster (masquerade stops at its edge)
 * @param publicIp      this node's underlay address; null = the Node's InternalIP, else the default route's source
 * @param vxlanDevice   name of the VXLAN device
 * @param vni           VXLAN network identifier
 * @param vxlanPort     UDP port of the VXLAN tunnel
 * @param bridge        bridge the CNI plugin attaches pods to
 * @param cniConfDir    where the CNI conflist is written ({@code /etc/cni/net.d})
 * @param subnetFile    flannel-style subnet.env ({@code /run/nodenet/subnet.env})
 * @param ipMasq        masquerade pod traffic leaving the cluster CIDR
 * @param resyncPeriod  how often the kernel state is reconciled even without API changes
 * @param netnsName     run iptables inside this named network namespace (the lab and tests); null = current
 * @param ipamDataDir   host-local IPAM's {@code dataDir} written into the conflist; null = the plugin's default
 *                      ({@code /var/lib/cni/networks}). Several nodes sharing one filesystem (the lab) need one each.
 */
public record OverlayConfig(String nodeName, String clusterCidr, String publicIp, String vxlanDevice, int vni, int vxlanPort,
                            String bridge, Path cniConfDir, Path subnetFile, boolean ipMasq, Duration resyncPeriod, String netnsName,
                            Path ipamDataDir) {

    public static OverlayConfig defaults(String nodeName) {
        return new OverlayConfig(nodeName, "10.244.0.0/16", null, "nodenet.1", 1, 8472, "cni0", Path.of("/etc/cni/net.d"),
                Path.of("/run/nodenet/subnet.env"), true, Duration.ofSeconds(5), null, null);
    }

    public OverlayConfig withFiles(Path cniConfDir, Path subnetFile) {
        return new OverlayConfig(nodeName, clusterCidr, publicIp, vxlanDevice, vni, vxlanPort, bridge, cniConfDir, subnetFile, ipMasq, resyncPeriod, netnsName, ipamDataDir);
    }

    public OverlayConfig withNetns(String name) {
        return new OverlayConfig(nodeName, clusterCidr, publicIp, vxlanDevice, vni, vxlanPort, bridge, cniConfDir, subnetFile, ipMasq, resyncPeriod, name, ipamDataDir);
    }

    public OverlayConfig withResyncPeriod(Duration period) {
        return new OverlayConfig(nodeName, clusterCidr, publicIp, vxlanDevice, vni, vxlanPort, bridge, cniConfDir, subnetFile, ipMasq, period, netnsName, ipamDataDir);
    }

    public OverlayConfig withClusterCidr(String cidr) {
        return new OverlayConfig(nodeName, cidr, publicIp, vxlanDevice, vni, vxlanPort, bridge, cniConfDir, subnetFile, ipMasq, resyncPeriod, netnsName, ipamDataDir);
    }

    public OverlayConfig withIpamDataDir(Path dir) {
        return new OverlayConfig(nodeName, clusterCidr, publicIp, vxlanDevice, vni, vxlanPort, bridge, cniConfDir, subnetFile, ipMasq, resyncPeriod, netnsName, dir);
    }
}
