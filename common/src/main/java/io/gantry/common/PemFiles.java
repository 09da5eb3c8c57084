package io.gantry.common;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Certificates and private keys from PEM files as openssl, cfssl and etcd's docs write them: keys in
 * PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1
 * ({@code BEGIN EC PRIVATE KEY}) form, unencrypted. Errors name the file and what is wrong with it.
 */
public final class PemFiles {

    private static final Pattern KEY = Pattern.compile(
            "-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
    private static final byte[] RSA_ALGORITHM = der(0x30, concat(der(0x06, hex("2a864886f70d010101")), der(0x05, new byte[0])));
    private static final byte[] EC_PUBLIC_KEY_OID = der(0x06, hex("2a8648ce3d0201"));
    private static final byte[] VERSION_0 = der(0x02, new byte[] {0});

    private PemFiles() {
    }

    /** The certificates in {@code file}, in file order (a chain: the leaf first). */
    public static X509Certificate[] certificates(Path file) {
        byte[] bytes = read(file);
        try {
            List<X509Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes)).stream()
                    .map(X509Certificate.class::cast).toList();
            if (certs.isEmpty()) {
                throw new IllegalArgumentException(file + ": no PEM certificate in it");
            }
            return certs.toArray(X509Certificate[]::new);
        } catch (CertificateException e) {
            throw new IllegalArgumentException(file + ": not a PEM certificate (" + Errors.describe(e) + ")");
        }
    }

    /** The one private key in {@code file}. */
    public static PrivateKey privateKey(Path file) {
        Matcher m = KEY.matcher(new String(read(file), StandardCharsets.US_ASCII));
        if (!m.find()) {
            throw new IllegalArgumentException(file + ": no PEM private key in it (expected a '-----BEGIN PRIVATE KEY-----' block)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": the private key is not valid base64");
        }
        try {
            return switch (m.group(1)) {
                case "PRIVATE KEY" -> pkcs8(der);
                case "RSA PRIVATE KEY" -> KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(wrapRsa(der)));
                case "EC PRIVATE KEY" -> KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(wrapEc(der)));
                default -> throw new IllegalArgumentException(file + ": the private key is encrypted; decrypt it with "
                        + "'openssl pkey -in " + file + " -out KEY.pem'");
            };
        } catch (GeneralSecurityException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException(file + ": not a readable " + m.group(1).toLowerCase() + " ("
                    + (e instanceof IndexOutOfBoundsException ? "truncated" : Errors.describe(e)) + ")");
        }
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    /** PKCS#1 RSAPrivateKey → PKCS#8 PrivateKeyInfo {version 0, rsaEncryption, key}. */
    private static byte[] wrapRsa(byte[] pkcs1) {
        return der(0x30, concat(VERSION_0, RSA_ALGORITHM, der(0x04, pkcs1)));
    }

    /** SEC1 ECPrivateKey → PKCS#8 PrivateKeyInfo {version 0, {ecPublicKey, its curve}, key}. */
    private static byte[] wrapEc(byte[] sec1) throws GeneralSecurityException {
        // ECPrivateKey ::= SEQUENCE { version INTEGER, privateKey OCTET STRING, [0] curve OID, [1] public key }
        int at = contentStart(sec1, 0);
        at = skip(sec1, at);
        at = skip(sec1, at);
        if (at >= sec1.length || (sec1[at] & 0xff) != 0xa0) {
            throw new GeneralSecurityException("the EC key does not name its curve; write it with 'openssl pkey' in PKCS#8 form");
        }
        int oid = contentStart(sec1, at);
        byte[] curve = Arrays.copyOfRange(sec1, oid, skip(sec1, oid));
        return der(0x30, concat(VERSION_0, der(0x30, concat(EC_PUBLIC_KEY_OID, curve)), der(0x04, sec1)));
    }

    /** Where the contents of the DER element at {@code at} begin. */
    private static int contentStart(byte[] der, int at) {
        int first = der[at + 1] & 0xff;
        return first < 0x80 ? at + 2 : at + 2 + (first & 0x7f);
    }

    /** Where the DER element after the one at {@code at} begins. */
    private static int skip(byte[] der, int at) {
        int first = der[at + 1] & 0xff;
        int length = first;
        if (first >= 0x80) {
            length = 0;
            for (int i = 0; i < (first & 0x7f); i++) {
                length = (length << 8) | (der[at + 2 + i] & 0xff);
            }
        }
        return contentStart(der, at) + length;
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IllegalArgumentException(file + ": permission denied");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + Errors.describe(e) + ")");
        }
    }
}
