package io.gantry.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/1.1 backend on loopback that keeps every request exactly as its bytes arrived (head, body
 * with its framing, trailers) and answers each with {@code 200 ok}, keeping the connection: what a
 * backend behind the proxy really receives, for tests that judge it byte by byte.
 */
final class RecordingBackend implements AutoCloseable {

    private final ServerSocket server;
    private final BlockingQueue<String> requests = new LinkedBlockingQueue<>();

    RecordingBackend() throws IOException {
        server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "recording-backend");
        t.setDaemon(true);
        t.start();
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** The next request received, as its bytes read (ISO-8859-1); fails after {@code timeout}. */
    String next(Duration timeout) throws InterruptedException {
        String r = requests.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) {
            throw new AssertionError("no request reached the backend within " + timeout);
        }
        return r;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "recording-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                ByteArrayOutputStream raw = new ByteArrayOutputStream();
                String head = readUntil(in, raw, "\r\n\r\n");
                if (head == null) {
                    return;
                }
                String lower = head.toLowerCase();
                if (lower.contains("\r\ntransfer-encoding: chunked")) {
                    while (true) {
                        String size = readUntil(in, raw, "\r\n").trim();
                        int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                        if (n == 0) {
                            while (!"\r\n".equals(readUntil(in, raw, "\r\n"))) {
                                // a trailer line; a blank line ends them
                            }
                            break;
                        }
                        raw.write(in.readNBytes(n + 2));
                    }
                } else {
                    int at = lower.indexOf("\r\ncontent-length:");
                    if (at >= 0) {
                        int end = lower.indexOf("\r\n", at + 2);
                        long n = Long.parseLong(lower.substring(at + 17, end).trim());
                        raw.write(in.readNBytes((int) n));
                    }
                }
                requests.add(raw.toString(StandardCharsets.ISO_8859_1));
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            // the proxy closed the connection
        }
    }

    /** Reads into {@code raw} up to and including {@code end}; returns what was read, null at a clean end of stream. */
    private static String readUntil(InputStream in, ByteArrayOutputStream raw, String end) throws IOException {
        StringBuilder seen = new StringBuilder();
        for (int b; (b = in.read()) != -1; ) {
            raw.write(b);
            seen.append((char) b);
            if (seen.length() >= end.length() && seen.substring(seen.length() - end.length()).equals(end)) {
                return seen.toString();
            }
        }
        if (seen.length() == 0) {
            return null;
        }
        throw new IOException("the connection ended mid-message");
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
