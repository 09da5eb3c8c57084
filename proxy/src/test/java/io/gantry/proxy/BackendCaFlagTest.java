package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code --backend-ca} is checked before anything starts: a bad file is one line naming the flag and the file. */
@Timeout(30) // a proxy that started anyway would wait for a signal
class BackendCaFlagTest {

    @Test
    void aCaFileThatIsNotPemStopsTheStartInOneLine(@TempDir Path dir) throws Exception {
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "hello\n");
        String err = ProxyFlags.refused("--listen", ProxyFlags.loopbackPort(), "--admin", ProxyFlags.loopbackPort(), "--backend", "127.0.0.1:1",
                "--backend-tls", "--backend-ca", notPem.toString());
        assertTrue(err.startsWith("proxy: --backend-ca " + notPem + ": "), err);
        assertEquals(1, err.lines().count(), err);
    }

    @Test
    void aMissingCaFileStopsTheStartInOneLine(@TempDir Path dir) {
        Path missing = dir.resolve("missing.pem");
        String err = ProxyFlags.refused("--listen", ProxyFlags.loopbackPort(), "--admin", ProxyFlags.loopbackPort(), "--backend", "127.0.0.1:1",
                "--backend-tls", "--backend-ca", missing.toString());
        assertEquals("proxy: --backend-ca " + missing + ": no such file\n", err);
    }

    @Test
    void theConfigFileFormsAreCheckedTheSameWay(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.pem");
        Path config = Files.writeString(dir.resolve("proxy.conf"), "listen = " + ProxyFlags.loopbackPort() + "\nadmin = " + ProxyFlags.loopbackPort()
                + "\nbackend = 127.0.0.1:1\nbackend-tls = true\nbackend-ca = " + missing + "\n");
        assertEquals("proxy: --backend-ca " + missing + ": no such file\n", ProxyFlags.refused("--config", config.toString()));
    }

    @Test
    void aCaFileWithoutBackendTlsOrEtcdIsAMistake(@TempDir Path dir) {
        String err = ProxyFlags.refused("--backend", "127.0.0.1:1", "--backend-ca", dir.resolve("ca.pem").toString());
        assertTrue(err.contains("--backend-ca is for backends reached over TLS: give --backend-tls too"), err);
    }
}
