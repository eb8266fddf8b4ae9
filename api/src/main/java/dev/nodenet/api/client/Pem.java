package dev.nodenet.api.client;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM certificates and private keys with the JDK alone. Keys come as PKCS#8 ({@code PRIVATE KEY}), PKCS#1
 * ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}); the last two are wrapped into PKCS#8 DER by hand because
 * the JDK's KeyFactory only reads PKCS#8. Errors are {@link IllegalArgumentException}s the caller prefixes with the
 * source they came from.
 */
final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final byte[] RSA_ALGORITHM = der(0x30, concat(der(0x06, hex("2a864886f70d010101")), der(0x05, new byte[0])));
    private static final byte[] EC_PUBLIC_KEY_OID = der(0x06, hex("2a8648ce3d0201"));

    private Pem() {
    }

    record Block(String type, byte[] der) {
    }

    static List<Block> blocks(byte[] pem) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
        while (m.find()) {
            try {
                blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad base64 in PEM block " + m.group(1));
            }
        }
        return blocks;
    }

    static List<X509Certificate> certificates(byte[] pem) {
        List<X509Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(pem)) {
                if (b.type().equals("CERTIFICATE")) {
                    certs.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
                }
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException("bad certificate: " + e.getMessage());
        }
        if (certs.isEmpty()) throw new IllegalArgumentException("no PEM CERTIFICATE block found");
        return certs;
    }

    static PrivateKey privateKey(byte[] pem) {
        for (Block b : blocks(pem)) {
            switch (b.type()) {
                case "PRIVATE KEY":
                    return pkcs8(b.der(), "RSA", "EC", "Ed25519", "Ed448");
                case "RSA PRIVATE KEY":
                    return pkcs8(der(0x30, concat(der(0x02, new byte[] {0}), RSA_ALGORITHM, der(0x04, b.der()))), "RSA");
                case "EC PRIVATE KEY":
                    byte[] algorithm = der(0x30, concat(EC_PUBLIC_KEY_OID, sec1Curve(b.der())));
                    return pkcs8(der(0x30, concat(der(0x02, new byte[] {0}), algorithm, der(0x04, b.der()))), "EC");
                case "ENCRYPTED PRIVATE KEY":
                    throw new IllegalArgumentException("encrypted private keys are not supported");
                default:
                    // other blocks (EC PARAMETERS, certificates) may precede the key
            }
        }
        throw new IllegalArgumentException("no PEM PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block found");
    }

    private static PrivateKey pkcs8(byte[] der, String... algorithms) {
        for (String algorithm : algorithms) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | ClassCastException e) {
                // not this algorithm: try the next
            }
        }
        throw new IllegalArgumentException("cannot read private key as " + String.join(" or ", algorithms));
    }

    /** The curve OID TLV from SEC1's {@code [0] parameters}; PKCS#8 needs it in the algorithm identifier. */
    private static byte[] sec1Curve(byte[] sec1) {
        try {
            int[] outer = header(sec1, 0);
            if (sec1[0] != 0x30) throw new IllegalArgumentException("not a DER SEQUENCE");
            int pos = outer[0];
            int end = outer[0] + outer[1];
            while (pos < end) {
                int[] h = header(sec1, pos);
                if ((sec1[pos] & 0xff) == 0xa0) {
                    int start = h[0];
                    int[] oid = header(sec1, start);
                    if (sec1[start] != 0x06) break;
                    return java.util.Arrays.copyOfRange(sec1, start, oid[0] + oid[1]);
                }
                pos = h[0] + h[1];
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("truncated EC PRIVATE KEY");
        }
        throw new IllegalArgumentException("EC PRIVATE KEY has no named-curve parameters");
    }

    /** Reads the tag+length header at {@code pos}: returns {content offset, content length}. */
    private static int[] header(byte[] b, int pos) {
        int len = b[pos + 1] & 0xff;
        int off = pos + 2;
        if (len >= 0x80) {
            int n = len & 0x7f;
            if (n == 0 || n > 3) throw new IllegalArgumentException("unsupported DER length");
            len = 0;
            for (int i = 0; i < n; i++) len = (len << 8) | (b[off++] & 0xff);
        }
        if (off + len > b.length) throw new IllegalArgumentException("truncated DER");
        return new int[] {off, len};
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    private static byte[] hex(String hex) {
        return java.util.HexFormat.of().parseHex(hex);
    }
}
