package io.gantry.common;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Certificates and private keys in PEM as openssl, certbot, cfssl and etcd's docs write them: keys in
 * PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1
 * ({@code BEGIN EC PRIVATE KEY}) form, unencrypted; read with BouncyCastle, since the JDK reads
 * PKCS#8 only. One reader for the etcd client, the HTTPS listener and backend CAs. Errors name the
 * file (or what the text came from) and what is wrong with it.
 */
public final class PemFiles {

    private PemFiles() {
    }

    /** The certificates in {@code file}, in file order (a chain: the leaf first). */
    public static X509Certificate[] certificates(Path file) {
        return certificates(file.toString(), read(file)).toArray(X509Certificate[]::new);
    }

    /** The certificates in PEM {@code text}; {@code origin} names it in errors. */
    public static List<X509Certificate> certificates(String origin, String text) {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new IllegalArgumentException(origin + ": not a PEM certificate chain (" + Errors.describe(e) + ")");
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(origin + ": no PEM certificate in it (expected a '-----BEGIN CERTIFICATE-----' block)");
        }
        return chain;
    }

    /** The one private key in {@code file}. */
    public static PrivateKey privateKey(Path file) {
        return privateKey(file.toString(), read(file));
    }

    /** The private key in PEM {@code text}; {@code origin} names it in errors. */
    public static PrivateKey privateKey(String origin, String text) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof PEMKeyPair pair) { // PKCS#1 RSA, SEC1 EC
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo info) { // PKCS#8
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new IllegalArgumentException(origin + ": the private key is encrypted; decrypt it with 'openssl pkey -in "
                            + origin + " -out KEY.pem'");
                }
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(origin + ": not a readable PEM private key (" + Errors.describe(e) + ")");
        }
        throw new IllegalArgumentException(origin + ": no PEM private key in it (expected a '-----BEGIN PRIVATE KEY-----' block)");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IllegalArgumentException(file + ": permission denied");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + Errors.describe(e) + ")");
        }
    }
}
