package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.HostPort;
import io.gantry.testing.FreePorts;
import io.gantry.testing.NginxExtension;
import io.gantry.testing.Poll;
import io.gantry.testing.RawHttp;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Requests through the proxy to real nginx backends (and to backends that fail on purpose), over real sockets. */
class ForwardingIT {

    @RegisterExtension
    static final NginxExtension nginx = new NginxExtension(2);

    private static Proxy start(ProxyConfig.Builder builder) throws InterruptedException {
        return Proxy.start(builder.listen(new HostPort("127.0.0.1", 0)).admin(new HostPort("127.0.0.1", 0)).build());
    }

    private static Proxy startWith(String... backends) throws InterruptedException {
        return start(ProxyConfig.builder().backends(List.of(backends).stream().map(HostPort::parse).toList()));
    }

    @Test
    void keepAliveClientReusesPooledBackendConnections() throws Exception {
        int before1 = nginx.backend(1).accessLog().size();
        int before2 = nginx.backend(2).accessLog().size();
        try (Proxy proxy = startWith(nginx.backend(1).address(), nginx.backend(2).address());
                RawHttp client = new RawHttp(proxy.address())) {
            for (int i = 0; i < 20; i++) {
                assertEquals(200, client.get("/").status());
            }
            assertEquals(1, proxy.metrics().connectionsOpened(), "one client connection");
        }
        for (NginxExtension.Backend b : nginx.all()) {
            List<String> lines = b.accessLog();
            List<String> mine = lines.subList(b == nginx.backend(1) ? before1 : before2, lines.size());
            assertEquals(10, mine.size(), b.name() + " requests");
            assertEquals(1, mine.stream().map(l -> l.split("\\|")[0]).distinct().count(),
                    b.name() + " saw its 10 requests on one connection: " + mine);
        }
    }

    @Test
    void hopByHopHeadersAreDroppedAndForwardedHeadersAdded() throws Exception {
        try (Proxy proxy = startWith(nginx.backend(1).address()); RawHttp client = new RawHttp(proxy.address())) {
            RawHttp.Response r = client.send("GET /headers HTTP/1.1\r\nHost: www.example.com\r\n"
                    + "Connection: keep-alive, X-Hop\r\nX-Hop: secret\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n"
                    + "Proxy-Authorization: Basic Zm9vOmJhcg==\r\nX-Forwarded-For: 203.0.113.7\r\nX-End: kept\r\n\r\n").read();
            assertEquals(200, r.status());
            String body = r.text();
            assertTrue(body.contains("host=www.example.com\n"), body);
            assertTrue(body.contains("xff=203.0.113.7, 127.0.0.1\n"), body);
            assertTrue(body.contains("xfp=http\n"), body);
            assertTrue(body.contains("xfh=www.example.com\n"), body);
            assertTrue(body.contains("x-hop=\n"), body);
            assertTrue(body.contains("keep-alive=\n"), body);
            assertTrue(body.contains("te=\n"), body);
            assertTrue(body.contains("proxy-authorization=\n"), body);
            assertTrue(body.contains("x-end=kept\n"), body);
            assertFalse(client.closedByPeer(100), "keep-alive connection stays open");
        }
    }

    @Test
    void unreachableBackendsGive502WithinTheConnectTimeout() throws Exception {
        String dead1 = "127.0.0.1:" + FreePorts.pick();
        String dead2 = "127.0.0.1:" + FreePorts.pick();
        try (Proxy proxy = startWith(dead1, dead2); RawHttp client = new RawHttp(proxy.address())) {
            RawHttp.Response r = client.get("/");
            assertEquals(502, r.status());
            assertTrue(r.text().contains("No backend could be reached"), r.text());
            assertEquals(2, proxy.metrics().backendErrors(), "both backends tried once");
            assertEquals(502, client.get("/").status(), "the client connection stays usable");
        }
    }

    @Test
    void refusedConnectionIsRetriedOnTheNextBackend() throws Exception {
        String dead = "127.0.0.1:" + FreePorts.pick();
        try (Proxy proxy = startWith(dead, nginx.backend(1).address()); RawHttp client = new RawHttp(proxy.address())) {
            for (int i = 0; i < 6; i++) {
                assertEquals(200, client.get("/").status(), "request " + i);
            }
        }
    }

    @Test
    void silentBackendGives504AfterTheResponseTimeout() throws Exception {
        try (TestServers.Silent silent = new TestServers.Silent();
                Proxy proxy = start(ProxyConfig.builder().backends(List.of(HostPort.parse(silent.address())))
                        .responseTimeout(Duration.ofMillis(300)));
                RawHttp client = new RawHttp(proxy.address())) {
            long t0 = System.nanoTime();
            RawHttp.Response r = client.get("/");
            assertEquals(504, r.status());
            assertTrue(r.text().contains("did not answer in time"), r.text());
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "answered promptly");
        }
    }

    @Test
    void headAndNotModifiedResponsesKeepTheConnectionUsable() throws Exception {
        try (Proxy proxy = startWith(nginx.backend(1).address()); RawHttp client = new RawHttp(proxy.address())) {
            RawHttp.Response head = client.send("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n").readHead();
            assertEquals(200, head.status());
            String lastModified = head.header("last-modified");
            RawHttp.Response notModified = client.send("GET / HTTP/1.1\r\nHost: a\r\nIf-Modified-Since: " + lastModified
                    + "\r\n\r\n").read();
            assertEquals(304, notModified.status());
            assertEquals(200, client.get("/").status());
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (Proxy proxy = startWith(nginx.backend(1).address()); RawHttp client = new RawHttp(proxy.address())) {
            client.send("GET /headers HTTP/1.1\r\nHost: first\r\n\r\nGET /headers HTTP/1.1\r\nHost: second\r\n\r\n"
                    + "GET /headers HTTP/1.1\r\nHost: third\r\n\r\n");
            assertTrue(client.read().text().contains("host=first\n"));
            assertTrue(client.read().text().contains("host=second\n"));
            assertTrue(client.read().text().contains("host=third\n"));
        }
    }

    @Test
    void chunkedUploadIsStreamedToTheBackend() throws Exception {
        try (TestServers.UploadSink sink = new TestServers.UploadSink();
                Proxy proxy = startWith(sink.address()); RawHttp client = new RawHttp(proxy.address())) {
            StringBuilder req = new StringBuilder("POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 100; i++) {
                req.append("400\r\n").append("x".repeat(1024)).append("\r\n");
            }
            req.append("0\r\n\r\n");
            RawHttp.Response r = client.send(req.toString()).read();
            assertEquals(200, r.status());
            assertEquals("received 102400\n", r.text());
            assertEquals(200, client.get("/").status(), "connection reusable after the upload");
        }
    }

    @Test
    void idlePooledConnectionsExpire() throws Exception {
        try (Proxy proxy = start(ProxyConfig.builder().backends(List.of(HostPort.parse(nginx.backend(1).address())))
                .poolIdleTimeout(Duration.ofMillis(200)));
                RawHttp client = new RawHttp(proxy.address())) {
            assertEquals(200, client.get("/").status());
            assertEquals(1, proxy.metrics().pooledIdleConnections());
            Poll.until(Duration.ofSeconds(5), "pooled connection closed", () -> proxy.metrics().pooledIdleConnections() == 0);
            assertEquals(200, client.get("/").status());
        }
    }

    @Test
    void connectionsToARestartedBackendAreNeverReused() throws Exception {
        try (Proxy proxy = startWith(nginx.backend(2).address()); RawHttp client = new RawHttp(proxy.address())) {
            for (int i = 0; i < 3; i++) {
                assertEquals(200, client.get("/").status());
            }
            nginx.backend(2).kill();
            nginx.backend(2).start();
            for (int i = 0; i < 10; i++) {
                assertEquals(200, client.get("/").status());
            }
            assertEquals(0, proxy.metrics().backendErrors(), "no request was sent on a connection the backend had closed");
        }
    }

    @Test
    void adminServesStatusAndMetrics() throws Exception {
        try (Proxy proxy = startWith(nginx.backend(1).address());
                RawHttp client = new RawHttp(proxy.address());
                RawHttp admin = new RawHttp(proxy.adminAddress())) {
            assertEquals(200, client.get("/").status());
            assertEquals(404, client.get("/missing").status());

            RawHttp.Response status = admin.get("/status");
            assertEquals(200, status.status());
            assertEquals("application/json", status.header("content-type"));
            assertTrue(status.text().contains("\"address\" : \"" + nginx.backend(1).address() + "\""), status.text());
            assertTrue(status.text().contains("\"source\" : \"static\""), status.text());

            RawHttp.Response metrics = admin.get("/metrics");
            assertEquals(200, metrics.status());
            assertTrue(metrics.text().contains("gantry_responses_total{class=\"2xx\"} 1\n"), metrics.text());
            assertTrue(metrics.text().contains("gantry_responses_total{class=\"4xx\"} 1\n"), metrics.text());
            assertTrue(metrics.text().contains("gantry_backends 1\n"), metrics.text());
            assertTrue(metrics.text().contains("gantry_pool_idle_connections 1\n"), metrics.text());

            assertEquals(404, admin.get("/nope").status());
            assertEquals(405, admin.send("DELETE /status HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
        }
    }
}
