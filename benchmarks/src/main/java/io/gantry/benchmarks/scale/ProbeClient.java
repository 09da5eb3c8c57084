package io.gantry.benchmarks.scale;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Asks the proxy for {@code /} with a given Host over one keep-alive connection, and tells the status:
 * a poll costs one round trip, not a connection. Reconnects when the proxy closed the connection.
 */
final class ProbeClient implements AutoCloseable {

    private final InetSocketAddress proxy;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    ProbeClient(InetSocketAddress proxy) {
        this.proxy = proxy;
    }

    /** The status of {@code GET /} with {@code host}; -1 when the connection broke (the next call reconnects). */
    int status(String host) {
        try {
            if (socket == null) {
                socket = new Socket();
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(2_000);
                socket.connect(proxy, 2_000);
                in = new BufferedInputStream(socket.getInputStream());
                out = socket.getOutputStream();
            }
            out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: routes-scale\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String statusLine = line();
            int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
            long length = -1;
            boolean close = false;
            for (String h = line(); !h.isEmpty(); h = line()) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            if (length < 0) {
                close = true; // read to the end: not worth parsing chunks for a status
            } else {
                in.skipNBytes(length);
            }
            if (close) {
                close();
            }
            return status;
        } catch (IOException | RuntimeException e) {
            close();
            return -1;
        }
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }
}
