package dev.nodenet.iptables;

import dev.nodenet.proxy.EndpointInfo;
import dev.nodenet.proxy.ServicePortName;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * kube-proxy's chain names: a prefix plus the first 16 characters of base32(sha256(text)), where text is
 * {@code ns/name:port} + lower-case protocol (+ {@code ip:port} for an endpoint chain). Same names as kube-proxy, so
 * operators' tooling and habits keep working. Stateless.
 */
final class ChainNames {
    static final String SERVICES = "KUBE-SERVICES", EXTERNAL_SERVICES = "KUBE-EXTERNAL-SERVICES",
            NODEPORTS = "KUBE-NODEPORTS", POSTROUTING = "KUBE-POSTROUTING", MARK_MASQ = "KUBE-MARK-MASQ",
            FORWARD = "KUBE-FORWARD", PROXY_FIREWALL = "KUBE-PROXY-FIREWALL", FIREWALL = "KUBE-FIREWALL",
            CANARY = "KUBE-PROXY-CANARY";
    /** Per-service/endpoint chain prefixes (nat table). */
    static final String[] SERVICE_PREFIXES = {"KUBE-SVC-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-FW-", "KUBE-SEP-"};
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private ChainNames() {
    }

    static String cluster(ServicePortName n) {
        return "KUBE-SVC-" + hash(n + n.protocolLower());
    }

    static String local(ServicePortName n) {
        return "KUBE-SVL-" + hash(n + n.protocolLower());
    }

    static String external(ServicePortName n) {
        return "KUBE-EXT-" + hash(n + n.protocolLower());
    }

    static String firewall(ServicePortName n) {
        return "KUBE-FW-" + hash(n + n.protocolLower());
    }

    static String endpoint(ServicePortName n, EndpointInfo ep) {
        return "KUBE-SEP-" + hash(n + n.protocolLower() + ep.endpoint());
    }

    static boolean isServiceChain(String chain) {
        for (String p : SERVICE_PREFIXES) if (chain.startsWith(p)) return true;
        return false;
    }

    /** First 16 characters of the standard base32 encoding of sha256(text). */
    static String hash(String text) {
        byte[] sum;
        try {
            sum = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        StringBuilder out = new StringBuilder(16);
        // 16 base32 characters = 80 bits = the first 10 bytes
        long hi = 0;
        for (int i = 0; i < 5; i++) hi = (hi << 8) | (sum[i] & 0xff);
        long lo = 0;
        for (int i = 5; i < 10; i++) lo = (lo << 8) | (sum[i] & 0xff);
        for (int i = 7; i >= 0; i--) out.append(BASE32[(int) ((hi >>> (5 * i)) & 31)]);
        for (int i = 7; i >= 0; i--) out.append(BASE32[(int) ((lo >>> (5 * i)) & 31)]);
        return out.toString();
    }
}
