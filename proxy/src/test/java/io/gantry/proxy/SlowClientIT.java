package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.HostPort;
import io.gantry.proxy.HostileH2Client.Running;
import io.gantry.proxy.HostileH2Client.Verdict;
import io.gantry.proxy.ObservingBackend.Exchange;
import io.gantry.testing.Poll;
import io.gantry.testing.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that stall in the middle of an exchange: a request body that stops arriving is answered 408
 * after {@code --client-body-timeout}; a client that takes none of a large response is dropped after
 * {@code --send-timeout}, having made the proxy read only a bounded part of it from the backend. Slow
 * clients that keep going are neither. Over HTTP/1.1 and HTTP/2 ({@code --h2c}), against an
 * {@link ObservingBackend}, which records what it received and how much of each response it wrote.
 */
class SlowClientIT {

    private static final Duration BODY_TIMEOUT = Duration.ofMillis(800);
    private static final Duration SEND_TIMEOUT = Duration.ofMillis(800);
    private static final long BIG = 256L << 20;

    static ObservingBackend backend;
    static Proxy proxy;

    @BeforeAll
    static void start() throws Exception {
        backend = new ObservingBackend();
        proxy = Proxy.start(ProxyConfig.builder().listen(new HostPort("127.0.0.1", 0)).admin(new HostPort("127.0.0.1", 0))
                .backends(List.of(HostPort.parse(backend.address()))).h2c(true)
                .clientBodyTimeout(BODY_TIMEOUT).sendTimeout(SEND_TIMEOUT).build());
    }

    @AfterAll
    static void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private static List<Exchange> reached(String path) {
        return backend.exchanges(x -> x.target().startsWith(path));
    }

    @Test
    void requestBodyThatStopsArrivingGets408AndTheBackendIsLetGo() {
        long before = proxy.metrics().clientTimeouts("body");
        try (RawHttp client = new RawHttp(proxy.address())) {
            client.timeout(10_000);
            client.send("POST /stalled-length HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n" + "x".repeat(10));
            RawHttp.Response r = client.read();
            assertEquals(408, r.status(), r.text());
            assertTrue(r.text().contains("The request body stopped arriving."), r.text());
            assertTrue(client.closedByPeer(2000), "the request stream cannot be trusted after it");
        }
        Poll.until(Duration.ofSeconds(5), "the backend's connection for the stalled request let go",
                () -> reached("/stalled-length").stream().allMatch(x -> x.connectionEnded && !x.bodyComplete));
        assertEquals(before + 1, proxy.metrics().clientTimeouts("body"));
    }

    @Test
    void chunkedBodyThatStopsArrivingGets408() {
        try (RawHttp client = new RawHttp(proxy.address())) {
            client.timeout(10_000);
            client.send("POST /stalled-chunked HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
            assertEquals(408, client.read().status());
            assertTrue(client.closedByPeer(2000));
        }
    }

    @Test
    void uploadThatKeepsComingSlowerThanTheTimeoutInAllIsNotCutOff() throws Exception {
        try (RawHttp client = new RawHttp(proxy.address())) {
            client.timeout(10_000);
            client.send("POST /steady HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n");
            for (int i = 0; i < 10; i++) { // 10 pieces, BODY_TIMEOUT / 4 apart: twice the timeout in all
                Thread.sleep(BODY_TIMEOUT.toMillis() / 4);
                client.send("x".repeat(10));
            }
            assertEquals(200, client.read().status());
        }
    }

    @Test
    void clientThatTakesNoneOfALargeResponseIsDroppedAndTheBackendReadOnlyInPart() throws Exception {
        long before = proxy.metrics().clientTimeouts("send");
        String path = "/big/" + BIG + "/h1-stalled";
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(proxy.address(), 2000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            Poll.until(Duration.ofSeconds(20), "the proxy to give up on the client and let the backend go",
                    () -> reached(path).size() == 1 && reached(path).get(0).connectionEnded);
            long written = reached(path).get(0).responseBytes.get();
            System.out.println("stalled reader: the backend wrote " + (written >> 20) + " MiB of " + (BIG >> 20) + " MiB");
            assertTrue(written < BIG / 8, "the proxy read a bounded part of the response: " + written + " bytes");
            assertEndsWithin(s, Duration.ofSeconds(10));
        }
        assertEquals(before + 1, proxy.metrics().clientTimeouts("send"));
    }

    @Test
    void slowReaderThatKeepsTakingGetsTheWholeResponse() throws Exception {
        long size = 16L << 20; // more than the kernel's socket buffers hold, so the proxy waits on the reader
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(65536);
            s.connect(proxy.address(), 2000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /big/" + size + "/slow-reader HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65536];
            long got = 0;
            long started = System.nanoTime();
            int n;
            while ((n = in.read(buf)) >= 0) {
                got += n;
                if (got % (1 << 20) < n) {
                    // A pause every MiB: slow, but steady on the send clock's scale. What the clock sees move is
                    // the proxy's own buffer, which the kernel's send buffer (up to 4 MiB) takes from only once
                    // about half of it drained, so a reader must take ~2 MiB a timeout to be seen taking any.
                    Thread.sleep(SEND_TIMEOUT.toMillis() / 8);
                }
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            System.out.println("slow reader: " + (got >> 20) + " MiB in " + millis + " ms");
            assertTrue(got > size, "the whole response arrived: " + got + " bytes in " + millis + " ms");
        }
    }

    @Test
    void http2BodyThatStopsArrivingGets408OnItsStream() {
        Verdict v = HostileH2Client.run(proxy.address().getPort(), Duration.ofSeconds(20), "stalled-body", "--path", "/h2-stalled-body");
        assertEquals(408, v.get("stream").path("status").asInt(), v.toString());
        assertTrue(v.get("stream").path("ended").asBoolean() || !v.get("stream").path("reset").isNull(), v.toString());
        assertTrue(!v.closed() && v.goaway() == null, "the connection stays: " + v);
        Poll.until(Duration.ofSeconds(5), "the backend's connection for the stalled stream let go",
                () -> reached("/h2-stalled-body").stream().allMatch(x -> x.connectionEnded));
    }

    @Test
    void http2StreamsThatGetNoWindowAreResetAfterTheSendTimeout() {
        int streams = 4;
        String prefix = "/big/" + BIG + "/zero-window-h2-";
        try (Running attacker = HostileH2Client.start(proxy.address().getPort(), "zero-window", "--mode", "h2", "--streams",
                String.valueOf(streams), "--size", String.valueOf(BIG), "--hold", "20")) {
            attacker.awaitEvent("holding", Duration.ofSeconds(10));
            Poll.until(Duration.ofSeconds(20), "the proxy to give up on every stream and let the backend go",
                    () -> reached(prefix).size() == streams && reached(prefix).stream().allMatch(x -> x.connectionEnded));
            long written = reached(prefix).stream().mapToLong(x -> x.responseBytes.get()).sum();
            System.out.println("zero window: the backend wrote " + (written >> 20) + " MiB of " + ((streams * BIG) >> 20) + " MiB");
            Verdict v = attacker.finish(Duration.ofSeconds(25));
            assertEquals(streams, v.resets("CANCEL"), "each stream reset with CANCEL: " + v);
            assertTrue(!v.closed(), "the connection itself stays: " + v);
        }
    }

    /** Reads {@code s} until it ends (EOF or reset), which must come within {@code limit}. */
    private static void assertEndsWithin(Socket s, Duration limit) throws IOException {
        s.setSoTimeout((int) limit.toMillis());
        InputStream in = s.getInputStream();
        byte[] buf = new byte[1 << 16];
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (in.read(buf) >= 0) {
                assertTrue(System.nanoTime() < deadline, "the connection was dropped within " + limit);
            }
        } catch (SocketException e) {
            // reset: dropped too
        }
    }
}
