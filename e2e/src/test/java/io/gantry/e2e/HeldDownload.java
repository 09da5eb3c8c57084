package io.gantry.e2e;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A GET of a large file whose client reads the response head and then stops reading until told to
 * {@link #finish}: a long request kept in flight as long as a test needs, without a sleep. For a file
 * well beyond what the sockets between hold (about 9 MB from nginx through the proxy, measured with
 * {@code ss -tm}), the backend is still sending while it is held.
 */
final class HeldDownload implements AutoCloseable {

    /** How a download ended: the body bytes read, and the error that ended it early (null when none). */
    record Outcome(long bytes, String error) {
    }

    private final Socket socket;
    private final InputStream in;
    private final int status;
    private final long contentLength;

    HeldDownload(InetSocketAddress target, String path) {
        try {
            socket = new Socket();
            socket.connect(target, 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            in = new BufferedInputStream(socket.getInputStream(), 8192);
            String[] statusLine = line().split(" ", 3);
            status = Integer.parseInt(statusLine[1]);
            long length = -1;
            for (String l = line(); !l.isEmpty(); l = line()) {
                int colon = l.indexOf(':');
                if (l.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                    length = Long.parseLong(l.substring(colon + 1).trim());
                }
            }
            contentLength = length;
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " from " + target + ": " + e.getMessage(), e);
        }
    }

    int status() {
        return status;
    }

    long contentLength() {
        return contentLength;
    }

    /** Reads the rest of the body as fast as it comes; an error or an early end is part of the outcome. */
    Outcome finish() {
        byte[] buf = new byte[256 * 1024];
        long read = 0;
        try {
            while (read < contentLength) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, contentLength - read));
                if (n < 0) {
                    return new Outcome(read, "connection closed after " + read + " of " + contentLength + " body bytes");
                }
                read += n;
            }
            return new Outcome(read, null);
        } catch (IOException e) {
            return new Outcome(read, e + " after " + read + " of " + contentLength + " body bytes");
        }
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed in the response head");
            }
            sb.append((char) c);
        }
        int end = sb.length();
        return end > 0 && sb.charAt(end - 1) == '\r' ? sb.substring(0, end - 1) : sb.toString();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
    }
}
