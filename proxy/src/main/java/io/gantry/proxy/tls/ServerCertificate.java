package io.gantry.proxy.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * A certificate chain with its private key, checked to belong together, and the host names it serves
 * (its DNS subject alternative names, or its common name when it has none).
 *
 * @param origin where it was read from, for log lines ({@code /etc/letsencrypt/live/example.com}, an etcd key)
 * @param chain the leaf first, then its intermediates
 */
public record ServerCertificate(String origin, List<X509Certificate> chain, PrivateKey key, List<String> names) {

    public ServerCertificate {
        chain = List.copyOf(chain);
        names = List.copyOf(names);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    /**
     * Reads a PEM chain and a PEM key (PKCS#8, PKCS#1 or SEC1) from files.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static ServerCertificate read(Path cert, Path key) {
        String certText = readFile(cert);
        String keyText = readFile(key);
        List<X509Certificate> chain = certificates(cert.toString(), certText);
        return checked(cert.toString(), chain, privateKey(key.toString(), keyText));
    }

    /** Reads a chain and key given as PEM text; {@code origin} names them in errors. */
    public static ServerCertificate parse(String origin, String certPem, String keyPem) {
        return checked(origin, certificates(origin + " cert", certPem), privateKey(origin + " key", keyPem));
    }

    private static ServerCertificate checked(String origin, List<X509Certificate> chain, PrivateKey key) {
        X509Certificate leaf = chain.get(0);
        if (!belongTogether(key, leaf.getPublicKey())) {
            throw new IllegalArgumentException(origin + ": the private key does not match the certificate for "
                    + leaf.getSubjectX500Principal().getName());
        }
        return new ServerCertificate(origin, chain, key, names(origin, leaf));
    }

    private static String readFile(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
    }

    private static List<X509Certificate> certificates(String what, String pem) {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new IllegalArgumentException(what + ": not a PEM certificate chain (" + reason(e) + ")");
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(what + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
        }
        return chain;
    }

    private static PrivateKey privateKey(String what, String pem) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader r = new StringReader(pem); PEMParser parser = new PEMParser(r)) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof PEMKeyPair pair) { // PKCS#1 RSA, SEC1 EC
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo info) { // PKCS#8
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new IllegalArgumentException(what + ": the key is encrypted; give it unencrypted (openssl pkey -in KEY -out KEY.plain)");
                }
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(what + ": not a PEM private key (" + reason(e) + ")");
        }
        throw new IllegalArgumentException(what + ": no PEM private key (-----BEGIN PRIVATE KEY-----) in it");
    }

    /** Whether {@code key} signs what {@code publicKey} verifies: the one test that holds for every key type. */
    private static boolean belongTogether(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new IllegalArgumentException("unsupported key type " + key.getAlgorithm());
        };
        try {
            byte[] probe = "gantry".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static List<String> names(String origin, X509Certificate leaf) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(2).equals(san.get(0))) { // dNSName
                        names.add(san.get(1).toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException(origin + ": unreadable subject alternative names (" + reason(e) + ")");
        }
        if (names.isEmpty()) {
            try {
                for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        names.add(rdn.getValue().toString().toLowerCase(Locale.ROOT));
                    }
                }
            } catch (javax.naming.InvalidNameException e) {
                // no usable common name either: the certificate is only ever the default
            }
        }
        return names;
    }

    private static String reason(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
    }

    @Override
    public String toString() {
        return origin + " " + names;
    }
}
