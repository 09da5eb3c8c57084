package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.HostPort;
import io.gantry.testing.Poll;
import io.gantry.testing.RawHttp;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Upgrades, 100-continue, slow request heads and the connection cap, over real sockets. */
class ProtocolIT {

    private static Proxy start(ProxyConfig.Builder b) throws InterruptedException {
        return Proxy.start(b.listen(new HostPort("127.0.0.1", 0)).admin(new HostPort("127.0.0.1", 0)).build());
    }

    @Test
    void upgradeAcceptedWith101BecomesAByteTunnel() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend(0);
                Proxy proxy = start(ProxyConfig.builder().backends(List.of(HostPort.parse(backend.address()))));
                RawHttp client = new RawHttp(proxy.address())) {
            RawHttp.Response r = client.send("GET /upgrade HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
                    .readHead();
            assertEquals(101, r.status());
            assertEquals("echo", r.header("upgrade"));
            assertEquals("upgrade", r.header("connection"));
            client.send("hello, tunnel\n");
            byte[] echoed = new byte[8 + 14]; // the backend's greeting, sent with the 101, then the echo
            InputStream in = client.input();
            for (int n = 0; n < echoed.length; ) {
                n += in.read(echoed, n, echoed.length - n);
            }
            assertEquals("welcome\nhello, tunnel\n", new String(echoed, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void chunkedResponsesReachHttp11ClientsChunkedAndHttp10ClientsDechunked() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend(0);
                Proxy proxy = start(ProxyConfig.builder().backends(List.of(HostPort.parse(backend.address()))))) {
            try (RawHttp client = new RawHttp(proxy.address())) {
                for (int i = 0; i < 2; i++) { // the connection stays usable
                    RawHttp.Response r = client.get("/chunked");
                    assertEquals("hello world", r.text());
                    assertEquals("chunked", r.header("transfer-encoding"));
                    assertEquals("kept", r.header("x-end"));
                    assertNull(r.header("x-hop"), "named by the backend's Connection header");
                    assertNull(r.header("connection"));
                }
            }
            try (RawHttp old = new RawHttp(proxy.address())) {
                RawHttp.Response r = old.send("GET /chunked HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
                assertEquals("hello world", r.text());
                assertNull(r.header("transfer-encoding"));
                assertEquals("close", r.header("connection"));
                assertTrue(old.closedByPeer(5000));
            }
        }
    }

    @Test
    void aBodyThatEndsWithTheBackendsCloseEndsWithTheClientsToo() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend(0);
                Proxy proxy = start(ProxyConfig.builder().backends(List.of(HostPort.parse(backend.address()))));
                RawHttp client = new RawHttp(proxy.address())) {
            RawHttp.Response r = client.get("/until-close");
            assertEquals(200, r.status());
            assertEquals("the end is the close", r.text());
            assertEquals("close", r.header("connection"));
            assertTrue(client.closedByPeer(5000));
        }
    }

    @Test
    void expect100ContinueIsPassedThrough() throws Exception {
        try (TestServers.UploadSink sink = new TestServers.UploadSink();
                Proxy proxy = start(ProxyConfig.builder().backends(List.of(HostPort.parse(sink.address()))));
                RawHttp client = new RawHttp(proxy.address())) {
            client.send("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            assertEquals(100, client.read().status(), "100 Continue reaches the client before it sends the body");
            RawHttp.Response r = client.send("hello").read();
            assertEquals(200, r.status());
            assertEquals("received 5\n", r.text());
        }
    }

    @Test
    void requestHeadThatNeverCompletesGets408() throws Exception {
        try (Proxy proxy = start(ProxyConfig.builder().backends(List.of(HostPort.parse("127.0.0.1:9")))
                .clientHeaderTimeout(Duration.ofMillis(300)));
                RawHttp client = new RawHttp(proxy.address())) {
            client.send("GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ");
            RawHttp.Response r = client.read();
            assertEquals(408, r.status());
            assertTrue(client.closedByPeer(2000));
        }
    }

    @Test
    void connectionsPastTheCapAreClosedOnArrivalAndAdmittedAgainBelowIt() throws Exception {
        try (Proxy proxy = start(ProxyConfig.builder().backends(List.of(HostPort.parse("127.0.0.1:9"))).maxConnections(2));
                Socket first = new Socket("127.0.0.1", proxy.address().getPort());
                Socket second = new Socket("127.0.0.1", proxy.address().getPort())) {
            Poll.until(Duration.ofSeconds(5), "two connections open", () -> proxy.metrics().connectionsActive() == 2);
            try (RawHttp third = new RawHttp(proxy.address())) {
                assertTrue(third.closedByPeer(2000), "third connection closed on arrival");
            }
            assertEquals(1, proxy.metrics().connectionsRefused());
            first.close();
            Poll.until(Duration.ofSeconds(5), "room again", () -> proxy.metrics().connectionsActive() < 2);
            try (RawHttp fourth = new RawHttp(proxy.address())) {
                assertEquals(502, fourth.get("/").status(), "served (its backend is down, so 502)");
            }
        }
    }
}
