package io.gantry.proxy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A client over a plain socket that sends the bytes it is given and writes down everything that
 * comes back as it came: each response's status line, header lines and trailer lines unparsed (so a
 * folded line or a space before a colon shows), its body, the interim responses before the final
 * one, and whether the connection closed or went silent. For judging what an intermediary forwards.
 */
final class WireClient implements AutoCloseable {

    /** One response as read: {@code complete} is false when the connection ended or went silent inside it. */
    record Response(String statusLine, int status, List<String> headerLines, byte[] body, List<String> trailerLines,
            boolean complete) {

        /** The value of the first header line named {@code name}, or null. */
        String header(String name) {
            for (String l : headerLines) {
                int colon = l.indexOf(':');
                if (colon > 0 && l.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return l.substring(colon + 1).trim();
                }
            }
            return null;
        }

        String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }

        boolean hasTrailer(String name) {
            return trailerLines.stream().anyMatch(l -> l.regionMatches(true, 0, name + ":", 0, name.length() + 1)
                    || l.regionMatches(true, 0, name + " ", 0, name.length() + 1));
        }
    }

    /**
     * What came back for one request: its responses in order (interim ones first), then how the
     * connection stood: {@code closed} (it ended), {@code silent} (nothing more came in time), or
     * {@code garbage}, bytes that were not a response.
     */
    record Transcript(List<Response> responses, boolean closed, boolean silent, String garbage) {
        /** The final response, or null when none came. */
        Response last() {
            Response r = responses.isEmpty() ? null : responses.get(responses.size() - 1);
            return r == null || (r.status / 100 == 1 && r.status != 101) ? null : r;
        }

        List<Response> interim() {
            return responses.stream().filter(r -> r.status / 100 == 1 && r.status != 101).toList();
        }

        /** The final status, -1 when the connection closed without one, -2 when nothing came in time. */
        int status() {
            Response r = last();
            return r != null ? r.status : silent ? -2 : -1;
        }

        /** Refused or failed: no final response, or one of 4xx and 5xx. */
        boolean refused() {
            return status() == -1 || status() >= 400;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (Response r : responses) {
                sb.append(r.statusLine).append(r.complete ? "" : " (incomplete)").append("; ");
            }
            return sb.append(closed ? "closed" : silent ? "no answer in time" : "open").append(garbage == null ? "" : " garbage=" + garbage)
                    .toString();
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    WireClient(InetSocketAddress address, int readTimeoutMillis) throws IOException {
        socket = new Socket();
        socket.connect(address, 5000);
        socket.setSoTimeout(readTimeoutMillis);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends {@code request} and reads what comes back for it; {@code head}: it is a HEAD request. */
    Transcript exchange(String request, boolean head) {
        try {
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (IOException e) {
            return new Transcript(List.of(), true, false, null); // closed while we were still sending
        }
        List<Response> responses = new ArrayList<>();
        while (true) {
            String statusLine;
            try {
                statusLine = line();
            } catch (SocketTimeoutException e) {
                return new Transcript(responses, false, true, null);
            } catch (IOException e) {
                return new Transcript(responses, true, false, null);
            }
            if (!statusLine.startsWith("HTTP/") || statusLine.length() < 12) {
                return new Transcript(responses, false, false, statusLine);
            }
            int status;
            try {
                status = Integer.parseInt(statusLine.substring(9, 12));
            } catch (NumberFormatException e) {
                return new Transcript(responses, false, false, statusLine);
            }
            Response r = readRest(statusLine, status, head);
            responses.add(r);
            if (!r.complete) {
                return new Transcript(responses, true, false, null);
            }
            if (status / 100 != 1 || status == 101) {
                return new Transcript(responses, false, false, null);
            }
        }
    }

    private Response readRest(String statusLine, int status, boolean head) {
        List<String> headers = new ArrayList<>();
        List<String> trailers = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            for (String l = line(); !l.isEmpty(); l = line()) {
                headers.add(l);
            }
            Response h = new Response(statusLine, status, headers, new byte[0], trailers, true);
            String te = h.header("transfer-encoding");
            String cl = h.header("content-length");
            if (head || status / 100 == 1 || status == 204 || status == 304) {
                // no body
            } else if (te != null && te.toLowerCase(Locale.ROOT).endsWith("chunked")) {
                for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
                        size = Long.parseLong(line().split(";")[0].trim(), 16)) {
                    body.write(in.readNBytes((int) size));
                    line();
                }
                for (String l = line(); !l.isEmpty(); l = line()) {
                    trailers.add(l);
                }
            } else if (cl != null) {
                int n = Integer.parseInt(cl);
                byte[] b = in.readNBytes(n);
                body.write(b);
                if (b.length < n) {
                    return new Response(statusLine, status, headers, body.toByteArray(), trailers, false);
                }
            } else {
                body.write(in.readAllBytes());
            }
            return new Response(statusLine, status, headers, body.toByteArray(), trailers, true);
        } catch (IOException | RuntimeException e) {
            return new Response(statusLine, status, headers, body.toByteArray(), trailers, false);
        }
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b; (b = in.read()) != -1; ) {
            if (b == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            sb.append((char) b);
        }
        throw new EOFException("connection closed" + (sb.length() > 0 ? " after '" + sb + "'" : ""));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
