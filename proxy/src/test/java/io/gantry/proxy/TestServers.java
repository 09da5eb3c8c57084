package io.gantry.proxy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Backends that misbehave or measure on purpose, as real servers on loopback: one that accepts and
 * never answers, one that counts an upload, one that holds its answer until the test lets it go.
 */
final class TestServers {

    private TestServers() {
    }

    /** Accepts connections, reads what comes, never answers. */
    static final class Silent implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        Silent() throws IOException {
            server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        sockets.add(server.accept());
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "silent-backend");
            t.setDaemon(true);
            t.start();
        }

        String address() {
            return "127.0.0.1:" + server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /** An HTTP server on loopback backed by the JDK's HttpServer. */
    static class Http implements AutoCloseable {
        final HttpServer server;

        Http() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            server.setExecutor(Executors.newCachedThreadPool());
        }

        String address() {
            return "127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** Reads the whole request body and answers with how many bytes it got. */
    static final class UploadSink extends Http {
        UploadSink() throws IOException {
            server.createContext("/", exchange -> {
                long n = 0;
                byte[] buf = new byte[65536];
                try (InputStream in = exchange.getRequestBody()) {
                    for (int r; (r = in.read(buf)) != -1; ) {
                        n += r;
                    }
                }
                byte[] body = ("received " + n + "\n").getBytes(StandardCharsets.US_ASCII);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
        }
    }

    /** Holds each answer until {@link #release}; {@link #awaitRequest} tells when a request arrived. */
    static final class Gated extends Http {
        private final CountDownLatch arrived = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);

        Gated() throws IOException {
            server.createContext("/", exchange -> {
                arrived.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                byte[] body = "released\n".getBytes(StandardCharsets.US_ASCII);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
        }

        void awaitRequest() throws InterruptedException {
            if (!arrived.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("no request reached the gated backend");
            }
        }

        void release() {
            release.countDown();
        }
    }
}
