package io.gantry.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client over a plain socket that sends exactly the bytes it is given, for tests that
 * need headers other clients refuse to send (Connection, Host, malformed framing) and want to see
 * whether the connection stays open.
 */
public final class RawHttp implements AutoCloseable {

    /** A response as read off the wire; {@code body} is null when only counted. */
    public record Response(int status, Map<String, String> headers, byte[] body, long bodyLength) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawHttp(InetSocketAddress address) {
        try {
            socket = new Socket();
            socket.connect(address, 5000);
            socket.setSoTimeout(30_000);
            in = new java.io.BufferedInputStream(socket.getInputStream(), 65536);
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + address, e);
        }
    }

    public RawHttp(String host, int port) {
        this(new InetSocketAddress(host, port));
    }

    public RawHttp timeout(int millis) {
        try {
            socket.setSoTimeout(millis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Sends {@code text} as ISO-8859-1 bytes, as is. */
    public RawHttp send(String text) {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawHttp send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public OutputStream output() {
        return out;
    }

    /** The raw input, for what follows a 101 (buffered bytes of the response already read are in it). */
    public InputStream input() {
        return in;
    }

    /** A GET of {@code path} with {@code Host: test}. */
    public Response get(String path) {
        return send("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n").read();
    }

    /** Reads one response, keeping its body. */
    public Response read() {
        return read(true, false);
    }

    /** Reads one response, counting its body instead of keeping it (for large bodies). */
    public Response readCounting() {
        return read(false, false);
    }

    /** Reads one response to a HEAD request (no body whatever the headers say). */
    public Response readHead() {
        return read(true, true);
    }

    private Response read(boolean keep, boolean head) {
        try {
            String statusLine = line();
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new IOException("not a status line: '" + statusLine + "'");
            }
            int status = Integer.parseInt(parts[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String l = line(); !l.isEmpty(); l = line()) {
                int colon = l.indexOf(':');
                headers.merge(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim(),
                        (a, b) -> a + ", " + b);
            }
            ByteArrayOutputStream body = keep ? new ByteArrayOutputStream() : null;
            long length = 0;
            if (head || status / 100 == 1 || status == 204 || status == 304) {
                length = 0;
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
                        size = Long.parseLong(line().split(";")[0].trim(), 16)) {
                    length += copy(size, body);
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers
                }
            } else if (headers.containsKey("content-length")) {
                length = copy(Long.parseLong(headers.get("content-length")), body);
            } else {
                length = copy(Long.MAX_VALUE, body);
            }
            return new Response(status, headers, keep ? body.toByteArray() : null, length);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a response: " + e.getMessage(), e);
        }
    }

    private long copy(long n, ByteArrayOutputStream to) throws IOException {
        byte[] buf = new byte[65536];
        long done = 0;
        while (done < n) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) {
                if (n == Long.MAX_VALUE) {
                    return done;
                }
                throw new EOFException("body ended after " + done + " of " + n + " bytes");
            }
            if (to != null) {
                to.write(buf, 0, r);
            }
            done += r;
        }
        return done;
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        throw new EOFException("connection closed" + (sb.length() > 0 ? " after '" + sb + "'" : ""));
    }

    /** Whether the server closed the connection (reads EOF within {@code millis}). */
    public boolean closedByPeer(int millis) {
        try {
            socket.setSoTimeout(millis);
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
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
