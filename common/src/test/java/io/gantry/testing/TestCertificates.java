package io.gantry.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Throwaway certificates for tests, made in memory with BouncyCastle: a certificate authority, and
 * server certificates it signs for given names (DNS names, or IP addresses), with EC P-256 or RSA
 * keys written as PKCS#8 or in their traditional form (PKCS#1 for RSA, SEC1 for EC).
 */
public final class TestCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private TestCertificates() {
    }

    /** The key types a certificate can have. */
    public enum KeyType { EC, RSA }

    /** How a private key is written: {@code BEGIN PRIVATE KEY}, or {@code BEGIN RSA/EC PRIVATE KEY}. */
    public enum KeyFormat { PKCS8, TRADITIONAL }

    /** A certificate authority that signs {@link Issued} certificates. */
    public record Authority(X509Certificate certificate, KeyPair keys) {

        /** A server certificate for {@code names} (the first is also its common name), valid for a day. */
        public Issued issue(KeyType type, String... names) {
            return issue(type, Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(1)), names);
        }

        /** A server certificate for {@code names} valid from {@code notBefore} to {@code notAfter}. */
        public Issued issue(KeyType type, Instant notBefore, Instant notAfter, String... names) {
            KeyPair pair = keyPair(type);
            try {
                List<GeneralName> sans = new ArrayList<>();
                for (String n : names) {
                    sans.add(n.matches("[0-9.]+") || n.contains(":") ? new GeneralName(GeneralName.iPAddress, n)
                            : new GeneralName(GeneralName.dNSName, n));
                }
                JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate,
                        BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                        new X500Name("CN=" + names[0]), pair.getPublic());
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                b.addExtension(Extension.extendedKeyUsage, false,
                        new org.bouncycastle.asn1.x509.ExtendedKeyUsage(org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_serverAuth));
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
                return new Issued(sign(b, keys), pair, this);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The authority's certificate as PEM. */
        public String pem() {
            return TestCertificates.pem(certificate);
        }

        /** Writes the authority's certificate to {@code file} (what curl's --cacert takes). */
        public Path write(Path file) {
            return TestCertificates.write(file, pem());
        }
    }

    /** A server certificate, its key and the authority that signed it. */
    public record Issued(X509Certificate certificate, KeyPair keys, Authority authority) {

        /** The leaf then the authority: what a server sends. */
        public String chainPem() {
            return pem(certificate) + authority.pem();
        }

        public String keyPem(KeyFormat format) {
            try {
                if (format == KeyFormat.PKCS8) {
                    return pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate());
                }
                return keys.getPrivate().getAlgorithm().equals("EC") ? sec1(keys) : pem(keys.getPrivate());
            } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Writes the chain and the key (in {@code format}) to the two files. */
        public Issued write(Path chainFile, Path keyFile, KeyFormat format) {
            TestCertificates.write(chainFile, chainPem());
            TestCertificates.write(keyFile, keyPem(format));
            return this;
        }

        public BigInteger serial() {
            return certificate.getSerialNumber();
        }
    }

    /**
     * An EC key in SEC1 form as openssl writes it, with the curve named inside: BouncyCastle's writer
     * leaves it out when the JDK made the key.
     */
    private static String sec1(KeyPair keys) {
        try {
            org.bouncycastle.asn1.pkcs.PrivateKeyInfo info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
            org.bouncycastle.asn1.sec.ECPrivateKey inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
            org.bouncycastle.asn1.sec.ECPrivateKey named = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(),
                    inner.getPublicKey(), info.getPrivateKeyAlgorithm().getParameters());
            return pem(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", named.getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new EC P-256 certificate authority named {@code name}. */
    public static Authority authority(String name) {
        KeyPair pair = keyPair(KeyType.EC);
        try {
            X500Name subject = new X500Name("CN=" + name);
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(Instant.now().minus(Duration.ofHours(1))), Date.from(Instant.now().plus(Duration.ofDays(2))),
                    subject, pair.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new Authority(sign(b, pair), pair);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, KeyPair signer) {
        try {
            String algorithm = signer.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(algorithm).build(signer.getPrivate())));
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keyPair(KeyType type) {
        try {
            if (type == KeyType.RSA) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048);
                return g.generateKeyPair();
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(Object o) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static Path write(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text);
            // Replaced in one step, as certbot and cp-then-mv do: a reader never sees half a file.
            return Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
