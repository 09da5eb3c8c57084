package io.gantry.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gantry.testing.EtcdCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys and certificates as openssl and cfssl write them. */
class PemFilesTest {

    @TempDir
    static Path dir;
    private static EtcdCertificates certs;

    @BeforeAll
    static void makeCertificates() {
        certs = EtcdCertificates.create(dir);
    }

    private static void openssl(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "openssl";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertEquals(true, p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
    }

    @Test
    void pkcs1RsaKeyReadsAsTheSameKeyAsItsPkcs8Form() {
        assertEquals("RSA", PemFiles.privateKey(certs.clientKeyPkcs1()).getAlgorithm());
        assertArrayEquals(PemFiles.privateKey(certs.clientKey()).getEncoded(), PemFiles.privateKey(certs.clientKeyPkcs1()).getEncoded());
    }

    @Test
    void sec1EcKeyReadsAsTheSameKeyAsItsPkcs8Form() throws Exception {
        Path sec1 = dir.resolve("server-sec1.key");
        openssl("ec", "-in", certs.serverKey().toString(), "-out", sec1.toString());
        assertEquals(true, Files.readString(sec1).contains("BEGIN EC PRIVATE KEY"));
        var pkcs8 = (java.security.interfaces.ECPrivateKey) PemFiles.privateKey(certs.serverKey());
        var read = (java.security.interfaces.ECPrivateKey) PemFiles.privateKey(sec1);
        assertEquals(pkcs8.getS(), read.getS());
        assertEquals(pkcs8.getParams().toString(), read.getParams().toString());
    }

    @Test
    void encryptedKeyIsRefusedSayingHowToDecryptIt() throws Exception {
        Path encrypted = dir.resolve("encrypted.key");
        openssl("pkey", "-in", certs.clientKey().toString(), "-aes256", "-passout", "pass:x", "-out", encrypted.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PemFiles.privateKey(encrypted));
        assertEquals(encrypted + ": the private key is encrypted; decrypt it with 'openssl pkey -in " + encrypted + " -out KEY.pem'",
                e.getMessage());
    }

    @Test
    void certificateFileWithoutCertificateIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PemFiles.certificates(certs.clientKey()));
        assertEquals(true, e.getMessage().startsWith(certs.clientKey() + ": "), e.getMessage());
    }

    @Test
    void chainIsReadInFileOrder() throws Exception {
        Path chain = dir.resolve("chain.pem");
        Files.writeString(chain, Files.readString(certs.clientCert()) + Files.readString(certs.ca()));
        var read = PemFiles.certificates(chain);
        assertEquals(2, read.length);
        assertEquals("CN=gantry-client", read[0].getSubjectX500Principal().getName());
    }
}
