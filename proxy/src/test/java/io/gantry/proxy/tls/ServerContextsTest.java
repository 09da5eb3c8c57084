package io.gantry.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerContextsTest {

    private static TlsSettings settings(List<String> ciphers) {
        return new TlsSettings(List.of(new TlsSettings.CertificateFiles(Path.of("c.pem"), Path.of("k.pem"))), List.of(), null,
                TlsSettings.DEFAULT_PROTOCOLS, ciphers);
    }

    @Test
    void theDefaultCiphersAreAllKnownToTheTlsInUse() {
        new ServerContexts(settings(TlsSettings.DEFAULT_CIPHERS));
    }

    @Test
    void anUnknownCipherIsNamedInsteadOfSilentlyDropped() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ServerContexts(settings(List.of("TLS_AES_128_GCM_SHA256", "RC4-MAGIC"))));
        assertTrue(e.getMessage().startsWith("--tls-ciphers: RC4-MAGIC not known to "), e.getMessage());
    }
}
