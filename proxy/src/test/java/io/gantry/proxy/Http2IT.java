package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.gantry.common.HostPort;
import io.gantry.proxy.tls.TlsSettings;
import io.gantry.proxy.tls.TlsSettings.CertificateFiles;
import io.gantry.testing.Commands;
import io.gantry.testing.Poll;
import io.gantry.testing.TestCertificates;
import io.gantry.testing.TestCertificates.KeyFormat;
import io.gantry.testing.TestCertificates.KeyType;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 to clients, judged with real clients (curl, nghttp, h2load from nghttp2-client) and by the
 * bytes an HTTP/1.1 backend receives: ALPN h2 over TLS, prior knowledge with {@code --h2c}, many
 * streams on one connection, trailers, bodies of a gibibyte with flat memory, a failing stream reset
 * alone, GOAWAY on drain and when idle.
 */
class Http2IT {

    private static final TestCertificates.Authority CA = TestCertificates.authority("Gantry h2 test CA");
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    private static ProxyConfig.Builder cleartext(String backend) {
        return ProxyConfig.builder().listen(new HostPort("127.0.0.1", 0)).admin(new HostPort("127.0.0.1", 0))
                .backends(List.of(HostPort.parse(backend))).h2c(true);
    }

    private static String url(Proxy proxy, String path) {
        return "http://127.0.0.1:" + proxy.address().getPort() + path;
    }

    private static Commands.Result run(Duration timeout, String... command) {
        return Commands.run(timeout, "", List.of(command));
    }

    @Test
    void browsersGetH2OverTlsAndTheBackendAnOrdinaryHttp11Request() throws Exception {
        Path cert = dir.resolve("site.pem");
        Path key = dir.resolve("site.key");
        CA.issue(KeyType.EC, "localhost").write(cert, key, KeyFormat.PKCS8);
        Path ca = CA.write(dir.resolve("ca.pem"));
        try (RecordingBackend backend = new RecordingBackend();
                Proxy proxy = Proxy.start(ProxyConfig.builder().listen(null).admin(new HostPort("127.0.0.1", 0))
                        .tlsListen(new HostPort("127.0.0.1", 0))
                        .tls(new TlsSettings(List.of(new CertificateFiles(cert, key)), List.of(), null,
                                TlsSettings.DEFAULT_PROTOCOLS, TlsSettings.DEFAULT_CIPHERS))
                        .backends(List.of(HostPort.parse(backend.address())))
                        .accessLog(dir.resolve("access.log").toString()).build())) {
            int port = proxy.tlsAddress().getPort();
            Commands.Result r = run(Duration.ofSeconds(20), "curl", "-s", "--http2", "--cacert", ca.toString(),
                    "--resolve", "localhost:" + port + ":127.0.0.1", "-H", "Cookie: a=1", "-H", "Cookie: b=2",
                    "-w", "\n%{http_version} %{http_code}", "https://localhost:" + port + "/page?q=1");
            assertTrue(r.output().endsWith("\n2 200"), r.output());
            String request = backend.next(Duration.ofSeconds(5));
            assertTrue(request.startsWith("GET /page?q=1 HTTP/1.1\r\n"), request);
            assertTrue(request.contains("\r\nhost: localhost:" + port + "\r\n"), ":authority becomes Host:\n" + request);
            assertTrue(request.contains("\r\ncookie: a=1; b=2\r\n"), "split cookies joined again:\n" + request);
            assertTrue(request.contains("\r\nX-Forwarded-Proto: https\r\n"), request);
            assertFalse(request.toLowerCase().contains("x-http2"), "no internal headers:\n" + request);
            assertFalse(request.contains("\r\n:"), "no pseudo-headers:\n" + request);
            Poll.until(Duration.ofSeconds(5), "the access log line", () -> read(dir.resolve("access.log"))
                    .contains("\"GET /page?q=1 HTTP/2.0\" 200 3 \"-\" \"curl/"));
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void priorKnowledgeIsTakenOnlyWithH2cAndHttp11StaysOnTheSamePort() throws Exception {
        try (RecordingBackend backend = new RecordingBackend()) {
            try (Proxy proxy = Proxy.start(cleartext(backend.address()).build())) {
                Commands.Result h2 = run(Duration.ofSeconds(20), "curl", "-s", "--http2-prior-knowledge", "-w",
                        "\n%{http_version} %{http_code}", url(proxy, "/"));
                assertTrue(h2.output().endsWith("ok\n\n2 200"), h2.output());
                Commands.Result h1 = run(Duration.ofSeconds(20), "curl", "-s", "-w", "\n%{http_version} %{http_code}",
                        url(proxy, "/"));
                assertTrue(h1.output().endsWith("ok\n\n1.1 200"), h1.output());
            }
            try (Proxy proxy = Proxy.start(cleartext(backend.address()).h2c(false).build())) {
                Commands.Result h2 = run(Duration.ofSeconds(20), "curl", "-s", "--http2-prior-knowledge", "-w",
                        "\n%{http_version}", url(proxy, "/"));
                assertFalse(h2.output().endsWith("\n2"), "no HTTP/2 without --h2c:\n" + h2.output());
            }
        }
    }

    @Test
    void oneConnectionCarriesAHundredConcurrentStreams() throws Exception {
        try (RecordingBackend backend = new RecordingBackend();
                Proxy proxy = Proxy.start(cleartext(backend.address()).build())) {
            Commands.Result r = run(Duration.ofSeconds(60), "h2load", "-n", "2000", "-c", "1", "-m", "100", url(proxy, "/"));
            assertTrue(r.output().contains("2000 succeeded, 0 failed"), r.output());
            assertTrue(r.output().contains("2000 2xx"), r.output());
            String metrics = run(Duration.ofSeconds(10), "curl", "-s", "http://127.0.0.1:" + proxy.adminAddress().getPort()
                    + "/metrics").output();
            assertTrue(metrics.contains("\ngantry_http2_connections_total 1\n"), metrics);
            assertTrue(metrics.contains("\ngantry_http2_streams_total 2000\n"), metrics);
        }
    }

    @Test
    void anUploadOfUnknownLengthReachesTheBackendChunkedWithItsTrailers() throws Exception {
        try (RecordingBackend backend = new RecordingBackend();
                Proxy proxy = Proxy.start(cleartext(backend.address()).build())) {
            Commands.Result r = run(Duration.ofSeconds(20), "/usr/bin/python3", "src/test/python/h2_post_with_trailers.py",
                    Integer.toString(proxy.address().getPort()), "/upload", "hello, trailers", "x-checksum", "abc");
            assertEquals("200 ok\n", r.output());
            String request = backend.next(Duration.ofSeconds(5));
            assertTrue(request.startsWith("POST /upload HTTP/1.1\r\n"), request);
            assertTrue(request.contains("\r\nTransfer-Encoding: chunked\r\n"), request);
            assertTrue(request.endsWith("\r\nf\r\nhello, trailers\r\n0\r\nx-checksum: abc\r\n\r\n"), request);
        }
    }

    @Test
    void responseTrailersReachTheClientAsATrailingHeadersFrame() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend(0);
                Proxy proxy = Proxy.start(cleartext(backend.address()).build())) {
            Commands.Result r = run(Duration.ofSeconds(20), "nghttp", "-v", url(proxy, "/chunked"));
            assertTrue(r.output().contains("hello world"), r.output());
            int data = r.output().indexOf("recv DATA frame");
            int trailer = r.output().lastIndexOf("x-trailer: t");
            assertTrue(data > 0 && trailer > data, "the trailer comes after the body:\n" + r.output());
            assertFalse(r.output().contains("x-hop"), r.output());
        }
    }

    @Test
    void aStreamWhoseBackendFailsIsResetAndTheConnectionServesTheNext() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend(0);
                Proxy proxy = Proxy.start(cleartext(backend.address()).build())) {
            // nghttp sends both on one connection.
            Commands.Result r = run(Duration.ofSeconds(20), "nghttp", "-nv", url(proxy, "/reset"), url(proxy, "/chunked"));
            assertTrue(r.output().contains("recv RST_STREAM frame"), r.output());
            assertTrue(r.output().contains(":status: 200"), r.output());
            assertFalse(r.output().contains("recv GOAWAY"), "the connection stays:\n" + r.output());
        }
    }

    @Test
    void aGibibyteEachWayOverOneStreamWithFlatMemory() throws Exception {
        Path file = dir.resolve("gib");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(GIB); // sparse: no disk is written
        }
        try (Download source = new Download(GIB);
                TestServers.UploadSink sink = new TestServers.UploadSink();
                Proxy down = Proxy.start(cleartext(source.address()).build());
                Proxy up = Proxy.start(cleartext(sink.address()).build());
                MemoryWatch memory = new MemoryWatch()) {
            Commands.Result get = run(Duration.ofSeconds(120), "curl", "-s", "--http2-prior-knowledge", "-o", "/dev/null",
                    "-w", "%{http_version} %{http_code} %{size_download}", url(down, "/"));
            assertEquals("2 200 " + GIB, get.output());
            Commands.Result put = run(Duration.ofSeconds(120), "curl", "-s", "--http2-prior-knowledge", "-T", file.toString(),
                    url(up, "/upload"));
            assertEquals("received " + GIB + "\n", put.output());
            long peak = memory.peak();
            assertTrue(peak < 64 << 20, "buffers in use peaked at " + (peak >> 20) + " MiB moving 2 GiB");
        }
    }

    @Test
    void drainSendsGoawayAndTheOpenStreamFinishes() throws Exception {
        try (TestServers.Gated backend = new TestServers.Gated()) {
            Proxy proxy = Proxy.start(cleartext(backend.address()).shutdownTimeout(Duration.ofSeconds(10)).build());
            Process client = new ProcessBuilder("nghttp", "-v", url(proxy, "/")).redirectErrorStream(true).start();
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            backend.awaitRequest();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(proxy::close);
            // The listener closes once every connection was told to drain: GOAWAY is on its way.
            Poll.until(Duration.ofSeconds(10), "the listener to close", () -> !ProxyJar.accepts(proxy.address().getPort()));
            backend.release();
            closing.get(20, TimeUnit.SECONDS);
            assertTrue(client.waitFor(20, TimeUnit.SECONDS));
            String out = output.get(5, TimeUnit.SECONDS);
            assertTrue(out.contains("recv GOAWAY frame"), out);
            assertTrue(out.contains(":status: 200") && out.contains("released"), "the stream in flight finished:\n" + out);
        }
    }

    @Test
    void anIdleConnectionGetsGoawayAfterTheIdleTimeout() throws Exception {
        try (RecordingBackend backend = new RecordingBackend();
                Proxy proxy = Proxy.start(cleartext(backend.address()).clientIdleTimeout(Duration.ofMillis(500)).build());
                Socket s = new Socket("127.0.0.1", proxy.address().getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            List<Integer> types = new ArrayList<>();
            while (!types.contains(7)) { // GOAWAY; the read times out first if it never comes
                int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
                types.add(in.readUnsignedByte());
                in.skipNBytes(1 + 4 + length);
            }
            assertTrue(types.contains(4), "SETTINGS first: " + types);
        }
    }

    @Test
    void anHttp11UpgradeToH2cIsAnOrdinaryRequestToTheBackend() throws Exception {
        try (RecordingBackend backend = new RecordingBackend();
                Proxy proxy = Proxy.start(cleartext(backend.address()).build())) {
            Commands.Result r = run(Duration.ofSeconds(20), "curl", "-s", "--http2", "-w", "\n%{http_version} %{http_code}",
                    url(proxy, "/"));
            assertTrue(r.output().endsWith("ok\n\n1.1 200"), r.output());
            String request = backend.next(Duration.ofSeconds(5));
            assertFalse(request.toLowerCase().contains("upgrade"), request);
            assertFalse(request.toLowerCase().contains("http2-settings"), request);
        }
    }

    /** Answers every request with {@code size} zero bytes. */
    private static final class Download implements AutoCloseable {
        private final HttpServer server;

        Download(long size) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", exchange -> {
                exchange.sendResponseHeaders(200, size);
                byte[] zeros = new byte[1 << 16];
                try (OutputStream out = exchange.getResponseBody()) {
                    for (long left = size; left > 0; left -= zeros.length) {
                        out.write(zeros, 0, (int) Math.min(zeros.length, left));
                    }
                }
            });
            server.start();
        }

        String address() {
            return "127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** Samples the direct and heap buffer memory Netty's default allocator has in use, every 20 ms. */
    private static final class MemoryWatch implements AutoCloseable {
        private final AtomicLong peak = new AtomicLong();
        private final java.util.concurrent.ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

        MemoryWatch() {
            ByteBufAllocatorMetricProvider metrics = (ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT;
            timer.scheduleAtFixedRate(() -> peak.accumulateAndGet(
                    metrics.metric().usedDirectMemory() + metrics.metric().usedHeapMemory(), Math::max), 0, 20, TimeUnit.MILLISECONDS);
        }

        long peak() {
            return peak.get();
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }
}
