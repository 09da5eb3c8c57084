package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.common.HostPort;
import io.gantry.testing.Poll;
import io.gantry.testing.RawHttp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Requests that meet a pooled connection the backend has just closed (the keep-alive close race) and
 * go again on a new connection: what the backend gets of their bodies, and what the client is answered.
 * Each race is run in one order, not by chance. The client sends a GET and, in the same write, the head
 * of a request with a body: the proxy holds that head, decoded, until the GET is answered, and then
 * hands it the GET's connection at once, while the backend's close of it is still on its way.
 */
class StaleConnectionRetryIT {

    private static final String GET = "GET /first HTTP/1.1\r\nHost: a\r\n\r\n";
    private static final String FIRST_HALF = "first half, ";
    private static final String SECOND_HALF = "second half";

    private static Proxy start(HandDrivenBackend backend) throws InterruptedException {
        return Proxy.start(ProxyConfig.builder().backends(List.of(HostPort.parse(backend.address())))
                .listen(new HostPort("127.0.0.1", 0)).admin(new HostPort("127.0.0.1", 0)).build());
    }

    /** Answers the GET on the first connection, promising keep-alive, and closes it: the race. */
    private static void answerGetAndClose(HandDrivenBackend backend, RawHttp client, boolean holdNextConnect)
            throws IOException {
        Socket first = backend.accept();
        assertEquals("GET /first HTTP/1.1", HandDrivenBackend.readRequest(first).requestLine());
        if (holdNextConnect) {
            backend.fillAcceptQueue();
        }
        HandDrivenBackend.answer(first, "ok");
        first.close();
        assertEquals(200, client.read().status());
    }

    private static void awaitRetryStarted(Proxy proxy) {
        Poll.until(Duration.ofSeconds(10), "the proxy to find its pooled connection closed",
                () -> proxy.metrics().backendErrors() >= 1);
    }

    @Test
    void chunkedUploadRetriedOnANewConnectionReachesTheBackendWhole() throws Exception {
        uploadRetriedOnANewConnectionReachesTheBackendWhole("Transfer-Encoding: chunked\r\n",
                chunk(FIRST_HALF), chunk(SECOND_HALF) + "0\r\n\r\n");
    }

    @Test
    void contentLengthUploadRetriedOnANewConnectionReachesTheBackendWhole() throws Exception {
        uploadRetriedOnANewConnectionReachesTheBackendWhole(
                "Content-Length: " + (FIRST_HALF.length() + SECOND_HALF.length()) + "\r\n", FIRST_HALF, SECOND_HALF);
    }

    /**
     * A PUT (idempotent, so retried even with its head sent) whose first body piece arrives while the
     * proxy connects anew (its connect held back by a full listen queue) and the rest once it has.
     */
    private static void uploadRetriedOnANewConnectionReachesTheBackendWhole(String framing, String firstPiece,
            String rest) throws Exception {
        try (HandDrivenBackend backend = new HandDrivenBackend(); Proxy proxy = start(backend);
                RawHttp client = new RawHttp(proxy.address())) {
            client.send(GET + "PUT /upload HTTP/1.1\r\nHost: a\r\n" + framing + "\r\n");
            answerGetAndClose(backend, client, true);
            awaitRetryStarted(proxy);
            client.send(firstPiece); // the proxy is connecting again: its SYN waits for room in the queue
            Socket second = backend.accept();
            client.send(rest);
            HandDrivenBackend.Received put = HandDrivenBackend.readRequest(second);
            assertEquals("PUT /upload HTTP/1.1", put.requestLine());
            assertEquals(FIRST_HALF + SECOND_HALF, put.body(), "the body the backend received");
            HandDrivenBackend.answer(second, "stored");
            RawHttp.Response r = client.read();
            assertEquals(200, r.status());
            assertEquals("stored", r.text());
        }
    }

    @Test
    void postWhosePooledConnectionDiesBeforeItsBodyIsRetriedOnANewConnection() throws Exception {
        try (HandDrivenBackend backend = new HandDrivenBackend(); Proxy proxy = start(backend);
                RawHttp client = new RawHttp(proxy.address())) {
            client.send(GET + "POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: " + SECOND_HALF.length() + "\r\n\r\n");
            answerGetAndClose(backend, client, false);
            awaitRetryStarted(proxy);
            // Nothing of the POST reached the wire (its head waited for the body to be sent with it), so
            // it is as safe to send again as a request never sent.
            CompletableFuture<HandDrivenBackend.Received> post = CompletableFuture.supplyAsync(() -> {
                try {
                    Socket second = backend.accept();
                    HandDrivenBackend.Received received = HandDrivenBackend.readRequest(second);
                    HandDrivenBackend.answer(second, "done");
                    return received;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            client.send(SECOND_HALF);
            RawHttp.Response r = client.read();
            assertEquals(200, r.status(), "the client's answer: " + r.text());
            assertEquals("done", r.text());
            HandDrivenBackend.Received received = post.get(10, TimeUnit.SECONDS);
            assertEquals("POST /form HTTP/1.1", received.requestLine());
            assertEquals(SECOND_HALF, received.body(), "the body the backend received");
            assertEquals(1, proxy.metrics().backendErrors(), "backend errors: only the dead pooled connection");
        }
    }

    private static String chunk(String data) {
        return Integer.toHexString(data.length()) + "\r\n" + data + "\r\n";
    }
}
