package dev.nodenet.controlplane.server;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The API server's certificate authority and serving certificate, generated on first start and kept in
 * {@code DIR/pki} (PEM: {@code ca.crt ca.key apiserver.crt apiserver.key}), so clients that trusted the CA once keep
 * trusting it across restarts. The serving certificate is re-issued (by the same CA) when the requested names change.
 * Keys are ECDSA P-256: cheap to generate and to handshake, accepted by kubectl and the JDK.
 *
 * <p>Used once at start-up on the starting thread; the resulting {@link SSLContext} is thread-safe.
 */
public final class Pki {
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration SERVING_VALIDITY = Duration.ofDays(365);

    private final X509Certificate caCert;
    private final PrivateKey caKey;
    private final X509Certificate servingCert;
    private final PrivateKey servingKey;
    private final Path dir;

    private Pki(Path dir, X509Certificate caCert, PrivateKey caKey, X509Certificate servingCert, PrivateKey servingKey) {
        this.dir = dir;
        this.caCert = caCert;
        this.caKey = caKey;
        this.servingCert = servingCert;
        this.servingKey = servingKey;
    }

    /**
     * Loads the PKI from {@code pkiDir}, creating what is missing. {@code serverNames} are DNS names and IP addresses
     * the serving certificate must cover.
     */
    public static Pki loadOrCreate(Path pkiDir, Set<String> serverNames) {
        try {
            Files.createDirectories(pkiDir);
            Path caCrt = pkiDir.resolve("ca.crt"), caKeyFile = pkiDir.resolve("ca.key");
            X509Certificate ca;
            PrivateKey caKey;
            if (Files.exists(caCrt) && Files.exists(caKeyFile)) {
                ca = readCertificate(caCrt);
                caKey = readPrivateKey(caKeyFile);
            } else {
                KeyPair kp = newKeyPair();
                X500Name subject = new X500Name("CN=nodenet-ca");
                JcaX509v3CertificateBuilder b = builder(subject, subject, kp, CA_VALIDITY);
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
                b.addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(kp.getPublic()));
                ca = sign(b, kp.getPrivate());
                caKey = kp.getPrivate();
                writePem(caKeyFile, "PRIVATE KEY", caKey.getEncoded(), true);
                writePem(caCrt, "CERTIFICATE", ca.getEncoded(), false);
            }
            Path crt = pkiDir.resolve("apiserver.crt"), key = pkiDir.resolve("apiserver.key");
            X509Certificate serving = null;
            PrivateKey servingKey = null;
            if (Files.exists(crt) && Files.exists(key)) {
                serving = readCertificate(crt);
                servingKey = readPrivateKey(key);
                if (!covers(serving, serverNames) || serving.getNotAfter().toInstant().isBefore(Instant.now().plus(Duration.ofDays(30)))
                        || !serving.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
                    serving = null;
                }
            }
            if (serving == null) {
                KeyPair kp = newKeyPair();
                JcaX509v3CertificateBuilder b = builder(new X500Name(ca.getSubjectX500Principal().getName()), new X500Name("CN=kube-apiserver"), kp, SERVING_VALIDITY);
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                b.addExtension(Extension.subjectAlternativeName, false, sans(serverNames));
                serving = sign(b, caKey);
                servingKey = kp.getPrivate();
                writePem(key, "PRIVATE KEY", servingKey.getEncoded(), true);
                writePem(crt, "CERTIFICATE", serving.getEncoded(), false);
            }
            return new Pki(pkiDir, ca, caKey, serving, servingKey);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create or read certificates in " + pkiDir + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("certificates in " + pkiDir + " are unusable: " + e.getMessage(), e);
        }
    }

    /**
     * Loads an existing CA (and serving certificate, if any) without creating or re-issuing anything; for tools that
     * issue client credentials next to a running server. Fails naming the file when the CA is missing.
     */
    public static Pki loadExisting(Path pkiDir) {
        try {
            Path caCrt = pkiDir.resolve("ca.crt"), caKeyFile = pkiDir.resolve("ca.key");
            if (!Files.exists(caCrt) || !Files.exists(caKeyFile)) {
                throw new IllegalStateException("no certificate authority in " + pkiDir + " (start ./nodenet apiserver with this --data-dir once)");
            }
            X509Certificate ca = readCertificate(caCrt);
            PrivateKey caKey = readPrivateKey(caKeyFile);
            return new Pki(pkiDir, ca, caKey, ca, caKey);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read certificates in " + pkiDir + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("certificates in " + pkiDir + " are unusable: " + e.getMessage(), e);
        }
    }

    /** Names the serving certificate covers by default: loopback, the host's name, and the in-cluster service names. */
    public static Set<String> defaultServerNames(String bindAddress, List<String> extra) {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1", "kubernetes", "kubernetes.default",
                "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"));
        if (bindAddress != null && !bindAddress.isEmpty() && !bindAddress.equals("0.0.0.0") && !bindAddress.equals("::")) names.add(bindAddress);
        try {
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (IOException ignored) {
            // no resolvable host name: loopback names still work
        }
        names.addAll(extra);
        return names;
    }

    public SSLContext serverContext() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("apiserver", servingKey, new char[0], new java.security.cert.Certificate[]{servingCert, caCert});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", caCert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build TLS context: " + e.getMessage(), e);
        }
    }

    public X509Certificate caCertificate() { return caCert; }

    public byte[] caPem() { return pem("CERTIFICATE", encoded(caCert)); }

    public Path directory() { return dir; }

    /**
     * Issues a client certificate signed by the CA: CN = user, O = groups (how kube-apiserver reads client identities).
     * Returns PEM certificate and PEM PKCS#8 key.
     */
    public IssuedCredential issueClientCertificate(String user, List<String> groups, Duration validity) {
        try {
            KeyPair kp = newKeyPair();
            StringBuilder dn = new StringBuilder();
            for (String g : groups) dn.append("O=").append(escapeRdn(g)).append(',');
            dn.append("CN=").append(escapeRdn(user));
            JcaX509v3CertificateBuilder b = builder(new X500Name(caCert.getSubjectX500Principal().getName()), new X500Name(dn.toString()), kp, validity);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            X509Certificate cert = sign(b, caKey);
            return new IssuedCredential(pem("CERTIFICATE", cert.getEncoded()), pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot issue a client certificate for " + user + ": " + e.getMessage(), e);
        }
    }

    /** A PEM certificate and its PEM private key. */
    public record IssuedCredential(byte[] certificatePem, byte[] keyPem) {}

    private static String escapeRdn(String v) {
        return v.replace("\\", "\\\\").replace(",", "\\,").replace("+", "\\+").replace("=", "\\=").replace("\"", "\\\"");
    }

    private static byte[] encoded(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean covers(X509Certificate cert, Set<String> names) throws GeneralSecurityException {
        Set<String> have = new LinkedHashSet<>();
        var sans = cert.getSubjectAlternativeNames();
        if (sans != null) for (List<?> san : sans) have.add(normalize(String.valueOf(san.get(1))));
        for (String n : names) if (!have.contains(normalize(n))) return false;
        return true;
    }

    private static String normalize(String name) {
        if (isIp(name)) {
            try {
                return InetAddress.getByName(name).getHostAddress();
            } catch (IOException e) {
                return name;
            }
        }
        return name.toLowerCase();
    }

    private static boolean isIp(String s) {
        return s.contains(":") || s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static GeneralNames sans(Set<String> names) {
        List<GeneralName> list = new ArrayList<>();
        for (String n : names) list.add(new GeneralName(isIp(n) ? GeneralName.iPAddress : GeneralName.dNSName, n));
        return new GeneralNames(list.toArray(GeneralName[]::new));
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair kp, Duration validity) {
        Instant now = Instant.now();
        BigInteger serial = new BigInteger(127, new SecureRandom());
        return new JcaX509v3CertificateBuilder(issuer, serial, Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), subject, kp.getPublic());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key) throws OperatorCreationException, GeneralSecurityException {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
        X509CertificateHolder holder = b.build(signer);
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    static byte[] pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static void writePem(Path file, String type, byte[] der, boolean secret) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, pem(type, der));
        if (secret) Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static byte[] pemBody(Path file, String type) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + type + "-----", end = "-----END " + type + "-----";
        int b = text.indexOf(begin), e = text.indexOf(end);
        if (b < 0 || e < b) throw new IOException(file + ": no " + type + " PEM block");
        return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    }

    private static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pemBody(file, "CERTIFICATE")));
    }

    private static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pemBody(file, "PRIVATE KEY")));
    }
}
