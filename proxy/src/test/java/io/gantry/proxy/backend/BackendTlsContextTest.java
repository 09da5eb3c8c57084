package io.gantry.proxy.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.HostPort;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackendTlsContextTest {

    private static final BackendTlsContext SYSTEM_CAS = BackendTlsContext.create(null, Duration.ofMillis(1500));

    private static SSLParameters parametersFor(String address) {
        SslHandler handler = SYSTEM_CAS.newHandler(ByteBufAllocator.DEFAULT, Backend.of(address, HostPort.parse(address), true));
        try {
            assertEquals(1500, handler.getHandshakeTimeoutMillis(), "the handshake has the connect timeout");
            assertTrue(handler.engine().getUseClientMode());
            return handler.engine().getSSLParameters();
        } finally {
            ReferenceCountUtil.release(handler.engine()); // an OpenSSL engine holds native memory
        }
    }

    @Test
    void aHostNameIsSentAsSniAndVerified() {
        SSLParameters p = parametersFor("localhost:8443");
        assertEquals(List.of(new SNIHostName("localhost")), p.getServerNames());
        assertEquals("HTTPS", p.getEndpointIdentificationAlgorithm());
    }

    @Test
    void anIpLiteralIsVerifiedButNotSentAsSni() {
        for (String address : List.of("127.0.0.1:8443", "[::1]:8443")) {
            SSLParameters p = parametersFor(address);
            assertTrue(p.getServerNames() == null || p.getServerNames().isEmpty(), address + ": " + p.getServerNames());
            assertEquals("HTTPS", p.getEndpointIdentificationAlgorithm(), address);
        }
    }

    @Test
    void onlyTls12And13AreOffered() {
        SslHandler handler = SYSTEM_CAS.newHandler(ByteBufAllocator.DEFAULT, Backend.of("b", HostPort.parse("b.example:443"), true));
        try {
            // Netty's OpenSSL engine lists SSLv2Hello as enabled, a pseudo-protocol it never sends.
            assertEquals(List.of("TLSv1.2", "TLSv1.3"), List.of(handler.engine().getEnabledProtocols()).stream()
                    .filter(p -> !p.equals("SSLv2Hello")).sorted().toList());
        } finally {
            ReferenceCountUtil.release(handler.engine());
        }
    }

    @Test
    void aMissingCaFileIsNamedWithTheFlag(@TempDir Path dir) {
        Path missing = dir.resolve("nope.pem");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackendTlsContext.readCa(missing));
        assertEquals("--backend-ca " + missing + ": no such file", e.getMessage());
    }

    @Test
    void aBadCaFileFailsAtOnceEvenWhenTheContextIsBuiltInTheBackground(@TempDir Path dir) {
        Path missing = dir.resolve("nope.pem");
        assertThrows(IllegalArgumentException.class, () -> BackendTlsContext.createInBackground(missing, Duration.ofSeconds(1)));
    }

    @Test
    void aCaFileWithoutCertificatesIsRejected(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertEquals("--backend-ca " + empty + ": holds no PEM certificate",
                assertThrows(IllegalArgumentException.class, () -> BackendTlsContext.readCa(empty)).getMessage());
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");
        String m = assertThrows(IllegalArgumentException.class, () -> BackendTlsContext.create(garbage, Duration.ofSeconds(1))).getMessage();
        assertTrue(m.startsWith("--backend-ca " + garbage + ": not PEM certificates"), m);
        assertTrue(m.lines().count() == 1, m);
    }
}
