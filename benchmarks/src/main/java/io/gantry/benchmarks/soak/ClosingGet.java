package io.gantry.benchmarks.soak;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * One HTTP/1.1 GET with {@code Connection: close} on a new connection, read to the end of the stream:
 * java.net.http cannot send that header, and this also checks that the proxy closes the connection
 * after exactly the body it announced.
 */
final class ClosingGet {

    private static final int MAX_RESPONSE = 1 << 20;

    private ClosingGet() {
    }

    static Result run(InetSocketAddress proxy, String path, byte[] expected, int timeoutMs) {
        long start = System.currentTimeMillis();
        String backend = null;
        boolean began = false;
        try (Socket s = new Socket()) {
            s.connect(proxy, timeoutMs);
            s.setSoTimeout(timeoutMs);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] all = readToEnd(s.getInputStream());
            int headEnd = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            if (headEnd < 0) {
                return new Result(start, System.currentTimeMillis(), null, false, false,
                        "connection closed after " + all.length + " bytes, before the end of a response head");
            }
            String head = new String(all, 0, headEnd, StandardCharsets.ISO_8859_1);
            backend = header(head, "x-backend");
            began = backend != null;
            String status = head.substring(0, Math.max(0, head.indexOf("\r\n")));
            if (!status.startsWith("HTTP/1.1 200 ")) {
                return new Result(start, System.currentTimeMillis(), backend, began, false, "status line '" + status + "'");
            }
            byte[] body = Arrays.copyOfRange(all, headEnd + 4, all.length);
            String length = header(head, "content-length");
            if (length == null || Integer.parseInt(length) != body.length || !Arrays.equals(body, expected)) {
                return new Result(start, System.currentTimeMillis(), backend, began, false,
                        "body of " + body.length + " bytes (Content-Length " + length + ", expected " + expected.length + ") or wrong bytes");
            }
            return Result.ok(start, backend);
        } catch (SocketTimeoutException e) {
            return new Result(start, System.currentTimeMillis(), backend, began, true, "no byte for " + timeoutMs + " ms");
        } catch (IOException e) {
            return new Result(start, System.currentTimeMillis(), backend, began, false, e.toString());
        }
    }

    private static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        byte[] buf = new byte[16384];
        for (int n; (n = in.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
            if (out.size() > MAX_RESPONSE) {
                throw new IOException("response longer than " + MAX_RESPONSE + " bytes");
            }
        }
        return out.toByteArray();
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
