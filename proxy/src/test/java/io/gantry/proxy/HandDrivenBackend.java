package io.gantry.proxy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A backend the test drives step by step from its own thread: it accepts one connection when asked,
 * reads one request off it, answers what the test writes, closes when the test says. Its listen queue
 * is one deep and can be {@linkplain #fillAcceptQueue filled}, so that the proxy's next connect waits
 * (Linux drops a SYN a full queue cannot take, and the connecting side sends it again a second later):
 * accepting alone cannot hold a connect back, as the kernel completes the handshake before accept.
 */
final class HandDrivenBackend implements AutoCloseable {

    /** A request as the backend read it: its request line, and its body with any framing taken off. */
    record Received(String requestLine, String body) {
    }

    private static final int READ_TIMEOUT_MILLIS = 5000;

    private final ServerSocket server;
    private final List<Socket> fillers = new ArrayList<>();
    private final Set<Integer> fillerPorts = ConcurrentHashMap.newKeySet();
    private final List<Socket> accepted = new ArrayList<>();

    HandDrivenBackend() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        server.setSoTimeout(10_000);
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** The next connection from the proxy (connections {@link #fillAcceptQueue} made are taken and closed). */
    Socket accept() throws IOException {
        while (true) {
            Socket s;
            try {
                s = server.accept();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no connection reached the backend within 10 s");
            }
            if (fillerPorts.remove(s.getPort())) {
                s.close();
                continue;
            }
            accepted.add(s);
            s.setSoTimeout(READ_TIMEOUT_MILLIS);
            return s;
        }
    }

    /**
     * Connects to itself until the listen queue takes no more, so that the proxy's next connect hangs
     * until {@link #accept} makes room and the proxy sends its SYN again (about a second later).
     */
    void fillAcceptQueue() throws IOException {
        for (int i = 0; i < 8; i++) {
            Socket s = new Socket();
            try {
                s.connect(server.getLocalSocketAddress(), 200);
            } catch (SocketTimeoutException e) {
                s.close(); // the queue is full: what we wanted
                return;
            }
            fillers.add(s);
            fillerPorts.add(s.getLocalPort());
        }
        throw new IllegalStateException("the listen queue of " + address() + " took 8 connections");
    }

    /**
     * Reads one request: the head, then a Content-Length or chunked body. A body that stops coming is
     * returned as far as it came, marked so that an assertion on it says what happened.
     */
    static Received readRequest(Socket s) throws IOException {
        InputStream in = new BufferedInputStream(s.getInputStream());
        String requestLine = line(in);
        long length = 0;
        boolean chunked = false;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(h.substring("content-length:".length()).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            if (chunked) {
                for (long size = chunkSize(line(in)); size > 0; size = chunkSize(line(in))) {
                    copy(in, size, body);
                    line(in);
                }
                while (!line(in).isEmpty()) {
                    // trailer fields
                }
            } else {
                copy(in, length, body);
            }
        } catch (SocketTimeoutException e) {
            return new Received(requestLine, body.toString(StandardCharsets.ISO_8859_1)
                    + " [then nothing for " + READ_TIMEOUT_MILLIS + " ms]");
        }
        return new Received(requestLine, body.toString(StandardCharsets.ISO_8859_1));
    }

    /** Answers 200 with {@code body}, keep-alive (HTTP/1.1's default). */
    static void answer(Socket s, String body) throws IOException {
        s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    private static long chunkSize(String line) {
        return Long.parseLong(line.split(";")[0].trim(), 16);
    }

    private static void copy(InputStream in, long n, ByteArrayOutputStream to) throws IOException {
        byte[] buf = new byte[8192];
        for (long done = 0; done < n; ) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) {
                throw new IOException("connection closed after " + done + " of " + n + " body bytes");
            }
            to.write(buf, 0, r);
            done += r;
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) != -1; ) {
            if (c == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        throw new IOException("connection closed" + (sb.length() > 0 ? " after '" + sb + "'" : ""));
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
        for (Socket s : fillers) {
            s.close();
        }
    }
}
