package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.cli.CommandLines;
import io.gantry.testing.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code --backend-ca} is checked before anything starts: a bad file is one line naming the flag and the file. */
@Timeout(30) // a proxy that started anyway would wait for a signal
class BackendCaFlagTest {

    private static String loopbackPort() {
        return "127.0.0.1:" + FreePorts.pick();
    }

    private static String run(String... args) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(CommandLines.USAGE, CommandLines.execute("proxy", new ProxyMain(), args));
        } finally {
            System.setErr(err);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aCaFileThatIsNotPemStopsTheStartInOneLine(@TempDir Path dir) throws Exception {
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "hello\n");
        String err = run("--listen", loopbackPort(), "--admin", loopbackPort(), "--backend", "127.0.0.1:1",
                "--backend-tls", "--backend-ca", notPem.toString());
        assertTrue(err.startsWith("proxy: --backend-ca " + notPem + ": "), err);
        assertEquals(1, err.lines().count(), err);
    }

    @Test
    void aMissingCaFileStopsTheStartInOneLine(@TempDir Path dir) {
        Path missing = dir.resolve("missing.pem");
        String err = run("--listen", loopbackPort(), "--admin", loopbackPort(), "--backend", "127.0.0.1:1",
                "--backend-tls", "--backend-ca", missing.toString());
        assertEquals("proxy: --backend-ca " + missing + ": no such file\n", err);
    }

    @Test
    void theConfigFileFormsAreCheckedTheSameWay(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.pem");
        Path config = Files.writeString(dir.resolve("proxy.conf"), "listen = " + loopbackPort() + "\nadmin = " + loopbackPort()
                + "\nbackend = 127.0.0.1:1\nbackend-tls = true\nbackend-ca = " + missing + "\n");
        assertEquals("proxy: --backend-ca " + missing + ": no such file\n", run("--config", config.toString()));
    }

    @Test
    void aCaFileWithoutBackendTlsOrEtcdIsAMistake(@TempDir Path dir) {
        String err = run("--backend", "127.0.0.1:1", "--backend-ca", dir.resolve("ca.pem").toString());
        assertTrue(err.contains("--backend-ca is for backends reached over TLS: give --backend-tls too"), err);
    }
}
