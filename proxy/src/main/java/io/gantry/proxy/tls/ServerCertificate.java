package io.gantry.proxy.tls;

import io.gantry.common.PemFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

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
     * Reads a PEM chain and a PEM key (PKCS#8, PKCS#1 or SEC1) from files, with {@link PemFiles}.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static ServerCertificate read(Path cert, Path key) {
        List<X509Certificate> chain = List.of(PemFiles.certificates(cert));
        return checked(cert.toString(), chain, PemFiles.privateKey(key));
    }

    /** Reads a chain and key given as PEM text; {@code origin} names them in errors. */
    public static ServerCertificate parse(String origin, String certPem, String keyPem) {
        return checked(origin, PemFiles.certificates(origin + " cert", certPem), PemFiles.privateKey(origin + " key", keyPem));
    }

    private static ServerCertificate checked(String origin, List<X509Certificate> chain, PrivateKey key) {
        X509Certificate leaf = chain.get(0);
        if (!belongTogether(key, leaf.getPublicKey())) {
            throw new IllegalArgumentException(origin + ": the private key does not match the certificate for "
                    + leaf.getSubjectX500Principal().getName());
        }
        return new ServerCertificate(origin, chain, key, names(origin, leaf));
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
