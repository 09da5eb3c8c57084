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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A backend on loopback that keeps every request exactly as its bytes arrived and answers a target
 * {@code /c/NAME~...} with the script registered under NAME, byte for byte, however wrong: extra bytes
 * after the body, bad status lines, 1xx floods, bodies where none may be, heads that never end, an
 * unasked 101. Every other target gets {@code 200} with the target itself as its body, so a client
 * that reads someone else's answer sees it. A script may {@linkplain After#POISON poison} its
 * connection: whatever is asked on it later is answered {@code POISONED}, so a proxy that reuses a
 * connection it should have closed is caught.
 */
final class HostileBackend implements AutoCloseable {

    /** What the backend does once a script's bytes are written. */
    enum After {
        /** Reads the next request. */
        KEEP,
        /** Closes the connection. */
        CLOSE,
        /** Keeps the connection, and answers every later request on it {@code POISONED}. */
        POISON,
        /** Echoes every byte that comes, as a tunnel's far end would. */
        ECHO,
        /** Writes {@code X-Filler} header lines until the connection is gone: a head that never ends. */
        ENDLESS
    }

    /** An answer: {@code bytes} as they are, then {@code after}; with {@code onlyIfUpgrade}, only to a request that carries Upgrade. */
    record Script(String bytes, After after, boolean onlyIfUpgrade) {
        static Script of(String bytes, After after) {
            return new Script(bytes, after, false);
        }

        static Script ifUpgrade(String bytes, After after) {
            return new Script(bytes, after, true);
        }
    }

    private static final String POISONED = "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nPOISONED\n";

    private final ServerSocket server;
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    HostileBackend() throws IOException {
        server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "hostile-backend");
        t.setDaemon(true);
        t.start();
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Answers targets {@code /c/NAME~...} with {@code script}. */
    void script(String name, Script script) {
        scripts.put(name, script);
    }

    /** Every request received whose bytes contain {@code marker}, each as its bytes (ISO-8859-1), head and body. */
    List<String> receivedWith(String marker) {
        return received.stream().filter(r -> r.contains(marker)).toList();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "hostile-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        boolean poisoned = false;
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                ByteArrayOutputStream raw = new ByteArrayOutputStream();
                String head = readHead(in, raw);
                if (head == null) {
                    return;
                }
                readBody(in, raw, head);
                received.add(raw.toString(StandardCharsets.ISO_8859_1));
                String lower = head.toLowerCase(Locale.ROOT);
                String target = head.split(" ", 3).length > 1 ? head.split(" ", 3)[1] : "";
                Script script = scripts.get(scriptName(target));
                if (script != null && script.onlyIfUpgrade() && !lower.contains("\nupgrade:")) {
                    script = null;
                }
                if (poisoned) {
                    write(out, POISONED);
                    continue;
                }
                if (script == null) {
                    String body = target + "\n";
                    write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
                    String requestLine = head.split("\r?\n", 2)[0];
                    if (lower.contains("\nconnection: close")
                            || (requestLine.endsWith("HTTP/1.0") && !lower.contains("\nconnection: keep-alive"))) {
                        return;
                    }
                    continue;
                }
                write(out, script.bytes());
                switch (script.after()) {
                    case KEEP -> { }
                    case CLOSE -> {
                        return;
                    }
                    case POISON -> poisoned = true;
                    case ECHO -> {
                        for (int c; (c = in.read()) != -1; ) {
                            out.write(c);
                            out.flush();
                        }
                        return;
                    }
                    case ENDLESS -> {
                        byte[] filler = "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
                                .getBytes(StandardCharsets.US_ASCII);
                        while (true) {
                            out.write(filler); // until the proxy closes: the write fails then
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // the peer closed the connection
        }
    }

    private static String scriptName(String target) {
        if (!target.startsWith("/c/")) {
            return "";
        }
        int end = target.indexOf('~');
        return end < 0 ? target.substring(3) : target.substring(3, end);
    }

    private static void write(OutputStream out, String bytes) throws IOException {
        out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** The head up to its blank line, also kept in {@code raw}; null at a clean end of stream. */
    private static String readHead(InputStream in, ByteArrayOutputStream raw) throws IOException {
        StringBuilder head = new StringBuilder();
        for (int b; (b = in.read()) != -1; ) {
            raw.write(b);
            head.append((char) b);
            int n = head.length();
            if (n >= 2 && head.charAt(n - 1) == '\n' && (head.charAt(n - 2) == '\n'
                    || (n >= 4 && head.charAt(n - 2) == '\r' && head.charAt(n - 3) == '\n'))) {
                return head.toString();
            }
        }
        if (head.length() == 0) {
            return null;
        }
        throw new IOException("the connection ended mid-head");
    }

    /** Reads the body the head announces (Content-Length or chunked, trailers included) into {@code raw}. */
    private static void readBody(InputStream in, ByteArrayOutputStream raw, String head) throws IOException {
        String lower = head.toLowerCase(Locale.ROOT);
        if (lower.contains("\ntransfer-encoding:") && lower.contains("chunked")) {
            while (true) {
                String size = line(in, raw).trim();
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    while (!line(in, raw).isEmpty()) {
                        // a trailer line; a blank line ends them
                    }
                    return;
                }
                raw.write(in.readNBytes(n));
                line(in, raw);
            }
        }
        int at = lower.indexOf("\ncontent-length:");
        if (at >= 0) {
            int end = lower.indexOf('\n', at + 1);
            raw.write(in.readNBytes(Integer.parseInt(lower.substring(at + 16, end).trim())));
        }
    }

    /** One line, its terminator kept in {@code raw} and left off what is returned. */
    private static String line(InputStream in, ByteArrayOutputStream raw) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b; (b = in.read()) != -1; ) {
            raw.write(b);
            if (b == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            sb.append((char) b);
        }
        throw new IOException("the connection ended mid-line");
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
