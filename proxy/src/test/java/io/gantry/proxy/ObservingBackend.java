package io.gantry.proxy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * An HTTP/1.1 backend on loopback that records every request head it reads, byte for byte as it came,
 * and whether the body it announced arrived, so that a test can tell what a proxy let through. It reads
 * leniently (any line up to 1 MiB, bare LF ends a line too), as a backend that trusts its proxy would:
 * whatever the proxy forwards shows up here as the backend would understand it.
 *
 * <p>It answers {@code GET /big/N/...} with N bytes (recording how many it got to write), a request
 * with {@code Upgrade: h2c} with {@code 101 Switching Protocols} and an HTTP/2 SETTINGS frame (as a
 * backend that speaks h2c would, so that a proxy which passes the upgrade on builds a tunnel), and
 * anything else with 200 {@code ok}.
 */
final class ObservingBackend implements AutoCloseable {

    private static final int MAX_LINE = 1 << 20;
    private static final int MAX_FIELDS = 10_000;

    /** One request as this backend read it; the body and response counters move while it is served. */
    static final class Exchange {
        final String requestLine;
        final List<String> fields;
        final AtomicLong bodyBytes = new AtomicLong();
        final AtomicLong responseBytes = new AtomicLong();
        volatile boolean bodyComplete;
        volatile boolean responseComplete;
        volatile boolean connectionEnded;

        Exchange(String requestLine, List<String> fields) {
            this.requestLine = requestLine;
            this.fields = List.copyOf(fields);
        }

        String target() {
            String[] parts = requestLine.split(" ");
            return parts.length > 1 ? parts[1] : "";
        }

        /** The values of the fields named {@code name}, any case. */
        List<String> values(String name) {
            List<String> values = new ArrayList<>();
            for (String f : fields) {
                int colon = f.indexOf(':');
                if (colon > 0 && f.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    values.add(f.substring(colon + 1).trim());
                }
            }
            return values;
        }

        boolean has(String name) {
            return !values(name).isEmpty();
        }

        /** The head as received, one line each, for assertion messages. */
        String head() {
            return requestLine + "\n  " + String.join("\n  ", fields.stream().map(f -> f.length() > 120 ? f.substring(0, 120) + "..." : f).toList());
        }

        /** Done with: the response was written in full, or the connection it came on is gone. */
        boolean settled() {
            return responseComplete || connectionEnded;
        }

        @Override
        public String toString() {
            return head() + "\n  [body " + bodyBytes + (bodyComplete ? " complete" : " incomplete") + ", response " + responseBytes
                    + (responseComplete ? " complete" : "") + (connectionEnded ? ", connection ended" : "") + "]";
        }
    }

    private final ServerSocket server;
    private final Queue<Exchange> exchanges = new ConcurrentLinkedQueue<>();
    private final Queue<Socket> sockets = new ConcurrentLinkedQueue<>();

    ObservingBackend() throws IOException {
        server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "observing-backend");
        t.setDaemon(true);
        t.start();
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Every request head read so far, in arrival order. */
    List<Exchange> exchanges() {
        return new ArrayList<>(exchanges);
    }

    List<Exchange> exchanges(Predicate<Exchange> which) {
        return exchanges().stream().filter(which).toList();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "observing-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        List<Exchange> mine = new ArrayList<>();
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream(), 65536);
            OutputStream out = s.getOutputStream();
            while (true) {
                String requestLine = line(in);
                if (requestLine == null) {
                    return;
                }
                if (requestLine.isEmpty()) {
                    continue; // a stray CRLF between requests
                }
                List<String> fields = new ArrayList<>();
                String cut = readFields(in, fields);
                if (cut != null) {
                    fields.add("[" + cut + "]");
                }
                Exchange x = new Exchange(requestLine, fields);
                mine.add(x);
                exchanges.add(x);
                if (cut != null) {
                    return; // recorded as far as it could be read
                }
                if (!readBody(in, x)) {
                    return;
                }
                if (!answer(in, out, x)) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the proxy went away, or sent what cannot be read: what was read is recorded
        } finally {
            for (Exchange x : mine) {
                x.connectionEnded = true;
            }
        }
    }

    /** Reads the header fields up to the empty line; null when they ended well, else what went wrong. */
    private static String readFields(InputStream in, List<String> fields) {
        try {
            for (String f = line(in); f != null; f = line(in)) {
                if (f.isEmpty()) {
                    return null;
                }
                if (fields.size() == MAX_FIELDS) {
                    return "head cut: over " + MAX_FIELDS + " fields";
                }
                fields.add(f);
            }
            return "head cut: the connection ended";
        } catch (IOException e) {
            return "head cut: " + e.getMessage();
        }
    }

    /** Reads the body the head announces; false when the connection cannot carry another request. */
    private static boolean readBody(InputStream in, Exchange x) throws IOException {
        boolean chunked = x.values("transfer-encoding").stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"));
        if (chunked) {
            for (String size = line(in); size != null; size = line(in)) {
                long n = Long.parseLong(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    for (String trailer = line(in); trailer != null; trailer = line(in)) {
                        if (trailer.isEmpty()) {
                            x.bodyComplete = true;
                            return true;
                        }
                    }
                    return false;
                }
                if (!skip(in, n, x) || line(in) == null) {
                    return false;
                }
            }
            return false;
        }
        List<String> lengths = x.values("content-length");
        long n = lengths.isEmpty() ? 0 : Long.parseLong(lengths.get(0));
        x.bodyComplete = skip(in, n, x);
        return x.bodyComplete;
    }

    private boolean answer(InputStream in, OutputStream out, Exchange x) throws IOException {
        if (x.values("upgrade").stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("h2c"))) {
            out.write("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // the server preface: an empty SETTINGS frame
            out.flush();
            x.responseComplete = true;
            in.transferTo(OutputStream.nullOutputStream()); // a tunnel now, as far as this backend knows
            return false;
        }
        String[] path = x.target().split("/");
        if (path.length > 2 && path[1].equals("big")) {
            long size = Long.parseLong(path[2]);
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[65536];
            for (long left = size; left > 0; ) {
                int n = (int) Math.min(block.length, left);
                out.write(block, 0, n);
                left -= n;
                x.responseBytes.addAndGet(n);
            }
            out.flush();
            x.responseComplete = true;
            return true;
        }
        out.write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        x.responseBytes.addAndGet(3);
        x.responseComplete = true;
        return true;
    }

    private static boolean skip(InputStream in, long n, Exchange x) throws IOException {
        byte[] buf = new byte[65536];
        for (long left = n; left > 0; ) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                return false;
            }
            left -= r;
            x.bodyBytes.addAndGet(r);
        }
        return true;
    }

    /** A line without its CRLF or LF; null at the end of the stream; a line over 1 MiB ends the connection. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c != -1; c = in.read()) {
            if (c == '\n') {
                byte[] b = line.toByteArray();
                int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
                return new String(b, 0, len, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("a line over " + MAX_LINE + " bytes");
            }
            line.write(c);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
