package io.gantry.benchmarks.soak;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One WebSocket session through the proxy to SoakEcho: the first message names the backend, then
 * {@link #MESSAGES} messages, 64 B text and 64 KiB binary in turn, each echoed and compared, then a
 * normal close that the server must answer.
 */
final class EchoSession {

    static final int MESSAGES = 16;
    private static final Object CLOSED = new Object();

    private EchoSession() {
    }

    static Result run(HttpClient client, URI uri, byte[] small, byte[] large, int timeoutMs) {
        long start = System.currentTimeMillis();
        LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
        String backend = null;
        boolean began = false;
        WebSocket ws = null;
        try {
            ws = client.newWebSocketBuilder().buildAsync(uri, new Collector(received)).get(timeoutMs, TimeUnit.MILLISECONDS);
            began = true; // the 101 arrived: from here the proxy only relays bytes
            Object hello = next(received, timeoutMs);
            if (!(hello instanceof String s) || !s.startsWith("backend ")) {
                return new Result(start, System.currentTimeMillis(), null, true, false, "first message: " + describe(hello));
            }
            backend = s.substring("backend ".length());
            for (int i = 0; i < MESSAGES; i++) {
                boolean text = i % 2 == 0;
                if (text) {
                    ws.sendText(new String(small, StandardCharsets.US_ASCII), true).get(timeoutMs, TimeUnit.MILLISECONDS);
                } else {
                    ws.sendBinary(ByteBuffer.wrap(large), true).get(timeoutMs, TimeUnit.MILLISECONDS);
                }
                Object echo = next(received, timeoutMs);
                boolean same = text ? echo instanceof String e && e.equals(new String(small, StandardCharsets.US_ASCII))
                        : echo instanceof byte[] b && Arrays.equals(b, large);
                if (!same) {
                    return new Result(start, System.currentTimeMillis(), backend, true, false, "echo " + i + ": " + describe(echo));
                }
            }
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(timeoutMs, TimeUnit.MILLISECONDS);
            Object end = next(received, timeoutMs);
            if (end != CLOSED) {
                return new Result(start, System.currentTimeMillis(), backend, true, false, "instead of the close: " + describe(end));
            }
            return Result.ok(start, backend);
        } catch (TimeoutException e) {
            return new Result(start, System.currentTimeMillis(), backend, began, true, "nothing for " + timeoutMs + " ms");
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new Result(start, System.currentTimeMillis(), backend, began, false, cause.toString());
        } finally {
            if (ws != null) {
                ws.abort();
            }
        }
    }

    private static Object next(LinkedBlockingQueue<Object> received, int timeoutMs) throws Exception {
        Object o = received.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (o == null) {
            throw new TimeoutException();
        }
        if (o instanceof Throwable t) {
            throw new Exception(t.toString(), t);
        }
        return o;
    }

    private static String describe(Object o) {
        if (o == CLOSED) {
            return "the connection closed";
        }
        if (o instanceof byte[] b) {
            return b.length + " bytes";
        }
        return o instanceof String s ? "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'" : String.valueOf(o);
    }

    /** Puts each whole message (a String or a byte[]), the close ({@link #CLOSED}) or an error in a queue. */
    private static final class Collector implements WebSocket.Listener {
        private final LinkedBlockingQueue<Object> received;
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        Collector(LinkedBlockingQueue<Object> received) {
            this.received = received;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                received.add(binary.toByteArray());
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            received.add(statusCode == WebSocket.NORMAL_CLOSURE ? CLOSED : new Exception("closed with " + statusCode + " " + reason));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            received.add(error);
        }
    }
}
