package dev.nodenet.api.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PemTest {
    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** The privateKey OCTET STRING content of a PKCS#8 structure (PKCS#1 for RSA, SEC1 for EC). */
    static byte[] pkcs8Inner(byte[] der) {
        int pos = headerEnd(der, 0); // into the outer SEQUENCE
        pos = skip(der, pos); // version
        pos = skip(der, pos); // AlgorithmIdentifier
        if (der[pos] != 0x04) throw new AssertionError("no OCTET STRING");
        int start = headerEnd(der, pos);
        return Arrays.copyOfRange(der, start, skip(der, pos));
    }

    private static int headerEnd(byte[] b, int pos) {
        int len = b[pos + 1] & 0xff;
        return len < 0x80 ? pos + 2 : pos + 2 + (len & 0x7f);
    }

    private static int skip(byte[] b, int pos) {
        int len = b[pos + 1] & 0xff;
        int off = pos + 2;
        if (len >= 0x80) {
            int n = len & 0x7f;
            len = 0;
            for (int i = 0; i < n; i++) len = (len << 8) | (b[off++] & 0xff);
        }
        return off + len;
    }

    private static PrivateKey read(String pem) {
        return Pem.privateKey(pem.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void rsaKeysInPkcs8AndPkcs1() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        RSAPrivateCrtKey key = (RSAPrivateCrtKey) g.generateKeyPair().getPrivate();
        assertArrayEquals(key.getEncoded(), read(pem("PRIVATE KEY", key.getEncoded())).getEncoded());
        PrivateKey fromPkcs1 = read("some text before\n" + pem("RSA PRIVATE KEY", pkcs8Inner(key.getEncoded())));
        assertEquals(key.getModulus(), ((RSAPrivateCrtKey) fromPkcs1).getModulus());
        assertEquals(key.getPrivateExponent(), ((RSAPrivateCrtKey) fromPkcs1).getPrivateExponent());
    }

    @Test
    void ecKeysInPkcs8AndSec1() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        ECPrivateKey key = (ECPrivateKey) g.generateKeyPair().getPrivate();
        assertEquals(key.getS(), ((ECPrivateKey) read(pem("PRIVATE KEY", key.getEncoded()))).getS());

        // SEC1 as openssl writes it: version 1, the secret, [0] the named curve (prime256v1)
        byte[] secret = unsigned(key.getS(), 32);
        byte[] curve = {(byte) 0xa0, 0x0a, 0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07};
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x01, 0x04, 0x20});
        body.writeBytes(secret);
        body.writeBytes(curve);
        byte[] sec1 = concat(new byte[] {0x30, (byte) body.size()}, body.toByteArray());
        String withParams = pem("EC PARAMETERS", new byte[] {0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07})
                + pem("EC PRIVATE KEY", sec1);
        ECPrivateKey parsed = (ECPrivateKey) read(withParams);
        assertEquals(key.getS(), parsed.getS());
        assertEquals(key.getParams().getCurve(), parsed.getParams().getCurve());

        byte[] noCurve = concat(new byte[] {0x30, (byte) (body.size() - curve.length)},
                Arrays.copyOf(body.toByteArray(), body.size() - curve.length));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(pem("EC PRIVATE KEY", noCurve)));
        assertEquals("EC PRIVATE KEY has no named-curve parameters", e.getMessage());
    }

    @Test
    void badPemIsRejectedClearly() {
        assertEquals("no PEM PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block found",
                assertThrows(IllegalArgumentException.class, () -> read("not a key")).getMessage());
        assertEquals("encrypted private keys are not supported",
                assertThrows(IllegalArgumentException.class, () -> read(pem("ENCRYPTED PRIVATE KEY", new byte[] {1}))).getMessage());
        assertEquals("cannot read private key as RSA or EC or Ed25519 or Ed448",
                assertThrows(IllegalArgumentException.class, () -> read(pem("PRIVATE KEY", new byte[] {0x30, 0}))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> read(pem("EC PRIVATE KEY", new byte[] {0x30, 0x05, 0x02})));
        assertEquals("no PEM CERTIFICATE block found",
                assertThrows(IllegalArgumentException.class, () -> Pem.certificates("x".getBytes())).getMessage());
    }

    private static byte[] unsigned(BigInteger v, int len) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[len];
        int n = Math.min(raw.length, len);
        System.arraycopy(raw, raw.length - n, out, len - n, n);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
