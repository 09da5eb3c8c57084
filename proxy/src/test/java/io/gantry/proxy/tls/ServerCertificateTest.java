package io.gantry.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.testing.TestCertificates;
import io.gantry.testing.TestCertificates.KeyFormat;
import io.gantry.testing.TestCertificates.KeyType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerCertificateTest {

    private static final TestCertificates.Authority CA = TestCertificates.authority("test ca");

    @ParameterizedTest
    @CsvSource({"EC,PKCS8", "EC,TRADITIONAL", "RSA,PKCS8", "RSA,TRADITIONAL"})
    void readsEveryKeyFormatCertbotAndOpensslWrite(KeyType type, KeyFormat format) {
        TestCertificates.Issued issued = CA.issue(type, "example.com", "*.example.com");
        String keyPem = issued.keyPem(format);
        assertTrue(keyPem.startsWith(format == KeyFormat.PKCS8 ? "-----BEGIN PRIVATE KEY-----"
                : type == KeyType.RSA ? "-----BEGIN RSA PRIVATE KEY-----" : "-----BEGIN EC PRIVATE KEY-----"), keyPem);
        ServerCertificate c = ServerCertificate.parse("test", issued.chainPem(), keyPem);
        assertEquals(List.of("example.com", "*.example.com"), c.names());
        assertEquals(2, c.chain().size(), "leaf and authority");
        assertEquals(issued.serial(), c.leaf().getSerialNumber());
    }

    @Test
    void keyOfAnotherCertificateIsRefusedNamingTheOrigin() {
        TestCertificates.Issued a = CA.issue(KeyType.EC, "a.example");
        TestCertificates.Issued b = CA.issue(KeyType.EC, "b.example");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerCertificate.parse("/etc/tls/a", a.chainPem(), b.keyPem(KeyFormat.PKCS8)));
        assertTrue(e.getMessage().startsWith("/etc/tls/a: the private key does not match the certificate"), e.getMessage());
    }

    @Test
    void keyOfAnotherTypeIsRefused() {
        TestCertificates.Issued a = CA.issue(KeyType.EC, "a.example");
        TestCertificates.Issued b = CA.issue(KeyType.RSA, "b.example");
        assertThrows(IllegalArgumentException.class, () -> ServerCertificate.parse("x", a.chainPem(), b.keyPem(KeyFormat.PKCS8)));
    }

    @Test
    void textThatIsNoPemSaysWhatIsMissing() {
        TestCertificates.Issued a = CA.issue(KeyType.EC, "a.example");
        IllegalArgumentException cert = assertThrows(IllegalArgumentException.class,
                () -> ServerCertificate.parse("k", "not a certificate", a.keyPem(KeyFormat.PKCS8)));
        assertTrue(cert.getMessage().contains("no PEM certificate"), cert.getMessage());
        IllegalArgumentException key = assertThrows(IllegalArgumentException.class,
                () -> ServerCertificate.parse("k", a.chainPem(), a.chainPem()));
        assertTrue(key.getMessage().contains("no PEM private key"), key.getMessage());
        IllegalArgumentException truncated = assertThrows(IllegalArgumentException.class,
                () -> ServerCertificate.parse("k", a.chainPem().substring(0, 200), a.keyPem(KeyFormat.PKCS8)));
        assertTrue(truncated.getMessage().startsWith("k cert: "), truncated.getMessage());
    }
}
