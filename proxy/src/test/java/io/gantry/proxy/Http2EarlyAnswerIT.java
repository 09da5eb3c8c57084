package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.HostPort;
import io.gantry.proxy.HostileH2Client.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 9113 §8.1: a server may answer a request before its body has all arrived, then stop the rest
 * with RST_STREAM(NO_ERROR). The reset must follow the whole response: sent while response DATA still
 * waits for the client's flow-control window, it would drop that DATA, and the client would get a cut
 * response with a "no error" reset.
 */
class Http2EarlyAnswerIT {

    private static final int SIZE = 1 << 20;

    /** A backend that reads a request head and answers SIZE bytes at once, never reading the body. */
    private static Thread answerWithoutReadingTheBody(ServerSocket server) {
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                int matched = 0;
                while (matched < 4) { // up to the end of the head
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
                }
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + SIZE + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[SIZE]);
                out.flush();
                s.shutdownOutput();
                while (in.read() >= 0) {
                    // let the proxy close first
                }
            } catch (IOException e) {
                // the proxy went away
            }
        }, "early-answer-backend");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void aResponseGivenBeforeTheBodyEndsArrivesWholeBeforeTheResetThatStopsTheBody() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
                Proxy proxy = Proxy.start(ProxyConfig.builder().listen(new HostPort("127.0.0.1", 0)).admin(new HostPort("127.0.0.1", 0))
                        .backends(List.of(HostPort.parse("127.0.0.1:" + server.getLocalPort()))).h2c(true).build())) {
            answerWithoutReadingTheBody(server);
            Verdict v = HostileH2Client.run(proxy.address().getPort(), Duration.ofSeconds(20), "early-answer");
            assertEquals(200, v.get("stream").path("status").asInt(), v.toString());
            assertEquals(SIZE, v.get("stream").path("data_bytes").asInt(), "the whole response: " + v);
            assertTrue(v.get("stream").path("ended").asBoolean(), "with END_STREAM: " + v);
            String reset = v.get("stream").path("reset").asText();
            assertTrue(reset.isEmpty() || reset.equals("null") || reset.equals("NO_ERROR"), "then at most RST_STREAM(NO_ERROR): " + v);
        }
    }
}
