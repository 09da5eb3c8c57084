package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.gantry.common.HostPort;
import io.gantry.proxy.backend.BackendProtocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP/2 flags: their defaults, and a bad value answered with one line naming the flag. */
class Http2FlagsTest {

    @Test
    void defaultsAreAHundredStreamsTheHeaderLimitAndNoCleartextHttp2() {
        ProxyConfig c = ProxyConfig.builder().backends(List.of(HostPort.parse("127.0.0.1:1"))).maxHeaderSize(8192).build();
        assertFalse(c.http2().cleartext());
        assertEquals(100, c.http2().maxConcurrentStreams());
        assertEquals(8192, c.http2().maxHeaderListSize());
        assertEquals(200, c.http2().maxResetsPerWindow());
        assertEquals(2, c.http2().maxEmptyDataFrames());
        assertEquals(16, c.http2().maxSmallContinuationFrames());
        assertEquals(10_000, c.http2().maxQueuedControlFrames());
        assertEquals(BackendProtocol.HTTP_1_1, c.backendProtocol());
    }

    @Test
    void anUnknownBackendProtocolIsNamed() {
        assertEquals("proxy: unknown protocol 'h3' (known: http/1.1, h2c, h2)\n",
                ProxyFlags.refused("--listen", ProxyFlags.loopbackPort(), "--backend", "127.0.0.1:1", "--backend-protocol", "h3"));
    }

    @Test
    void h2OverTlsNeedsBackendTlsAndABackendList() {
        assertEquals("proxy: --backend-protocol h2 is HTTP/2 over TLS: give --backend-tls too (h2c is cleartext)\n",
                ProxyFlags.refused("--listen", ProxyFlags.loopbackPort(), "--backend", "127.0.0.1:1", "--backend-protocol", "h2"));
        assertEquals("proxy: --backend-protocol applies to --backend lists; a backend in etcd says {\"protocol\":\"h2c\"} itself\n",
                ProxyFlags.refused("--listen", ProxyFlags.loopbackPort(), "--etcd", "http://127.0.0.1:1", "--backend-protocol", "h2c"));
    }

    @Test
    void streamLimitsBelowTheirMinimumAreRefused(@TempDir Path dir) throws Exception {
        assertEquals("proxy: --h2-max-concurrent-streams must be at least 1, got 0\n",
                ProxyFlags.refused("--listen", ProxyFlags.loopbackPort(), "--backend", "127.0.0.1:1", "--h2-max-concurrent-streams", "0"));
        assertEquals("proxy: --h2-max-small-continuation-frames must be at least 1, got 0\n", ProxyFlags.refused("--listen",
                ProxyFlags.loopbackPort(), "--backend", "127.0.0.1:1", "--h2-max-small-continuation-frames", "0"));
        Path config = Files.writeString(dir.resolve("proxy.conf"), "listen = " + ProxyFlags.loopbackPort()
                + "\nbackend = 127.0.0.1:1\nh2c = true\nh2-max-header-list-size = 100\n");
        assertEquals("proxy: --h2-max-header-list-size must be at least 1024, got 100\n", ProxyFlags.refused("--config", config.toString()));
    }
}
