package dev.nodenet.controlplane.server;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who is calling: a bearer token (the generated admin token, or one from a {@code --token-auth-file} in
 * kube-apiserver's CSV format) or a client certificate signed by the server's CA (CN = user, O = groups; the TLS layer
 * has already verified the chain). Returns null for anonymous requests. Tokens are compared in constant time.
 * Immutable and thread-safe.
 */
final class Authenticator {
    private final Map<String, UserInfo> usersByToken;

    Authenticator(Map<String, UserInfo> usersByToken) {
        this.usersByToken = Map.copyOf(usersByToken);
    }

    UserInfo authenticate(String authorizationHeader, SSLSession tls) {
        if (authorizationHeader != null) {
            String h = authorizationHeader.trim();
            if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
            byte[] presented = h.substring(7).trim().getBytes(StandardCharsets.UTF_8);
            UserInfo user = null;
            for (Map.Entry<String, UserInfo> e : usersByToken.entrySet()) {
                if (MessageDigest.isEqual(presented, e.getKey().getBytes(StandardCharsets.UTF_8))) user = e.getValue();
            }
            return user; // a wrong token is a failed login, not a fall-back to the certificate
        }
        return tls == null ? null : fromCertificate(tls);
    }

    private static UserInfo fromCertificate(SSLSession tls) {
        Certificate[] chain;
        try {
            chain = tls.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) return null;
        try {
            String cn = null;
            List<String> groups = new ArrayList<>();
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) cn = rdn.getValue().toString();
                else if (rdn.getType().equalsIgnoreCase("O")) groups.add(rdn.getValue().toString());
            }
            return cn == null || cn.isEmpty() ? null : new UserInfo(cn, groups);
        } catch (InvalidNameException e) {
            return null;
        }
    }

    /**
     * Reads kube-apiserver's static token file: one {@code token,user,uid[,"group1,group2"]} per line; blank lines and
     * lines starting with # are skipped. Errors name the file and line.
     */
    static Map<String, UserInfo> readTokenFile(Path file) throws IOException {
        Map<String, UserInfo> users = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("cannot read token file " + file + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            List<String> fields = csv(line);
            String where = file + " line " + (i + 1);
            if (fields.size() < 3) throw new IOException(where + ": want token,user,uid[,\"group1,group2\"], got " + fields.size() + " field(s)");
            String token = fields.get(0), user = fields.get(1);
            if (token.isEmpty()) throw new IOException(where + ": empty token");
            if (user.isEmpty()) throw new IOException(where + ": empty user name");
            List<String> groups = new ArrayList<>();
            if (fields.size() > 3) for (String g : fields.get(3).split(",")) if (!g.isBlank()) groups.add(g.strip());
            if (users.put(token, new UserInfo(user, groups)) != null) throw new IOException(where + ": duplicate token");
        }
        return users;
    }

    /** One CSV record with double-quoted fields (quotes doubled inside). */
    private static List<String> csv(String line) throws IOException {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString().strip());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) throw new IOException("unterminated quote in \"" + line + "\"");
        out.add(cur.toString().strip());
        return out;
    }
}
