package io.gantry.proxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw HTTP/1.1 backend on loopback for failures nginx will not produce on demand: {@code GET /reset}
 * gets its headers and three body bytes and then a TCP reset; every {@code closeEvery}-th answer
 * promises keep-alive and then closes the connection anyway (the keep-alive race); {@code GET /upgrade}
 * with {@code Upgrade: echo} gets 101 and "welcome\n" in one write, then has its bytes echoed back; {@code GET /chunked} gets a
 * chunked body with a trailer and a header its Connection header names; {@code GET /until-close} gets an
 * HTTP/1.0 body that ends when the connection closes.
 */
final class ScriptedBackend implements AutoCloseable {

    private final ServerSocket server;
    private final int closeEvery;
    private final AtomicInteger answers = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    ScriptedBackend(int closeEvery) throws IOException {
        this.closeEvery = closeEvery;
        server = new ServerSocket(0, 100, java.net.InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "scripted-backend");
        t.setDaemon(true);
        t.start();
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "scripted-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            for (String line; (line = in.readLine()) != null; ) {
                String target = line.split(" ")[1];
                boolean upgrade = false;
                for (String h; !(h = in.readLine()).isEmpty(); ) {
                    upgrade |= h.equalsIgnoreCase("upgrade: echo");
                }
                if (target.equals("/reset")) {
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    s.setSoLinger(true, 0);
                    return; // closing with linger 0 sends a reset
                }
                if (target.equals("/chunked")) {
                    out.write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive, X-Hop\r\nX-Hop: secret\r\n"
                            + "X-End: kept\r\n\r\n5;note=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    continue;
                }
                if (target.equals("/until-close")) {
                    out.write("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nthe end is the close".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    return;
                }
                if (target.equals("/upgrade") && upgrade) {
                    out.write("HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: echo\r\n\r\nwelcome\n"
                            .getBytes(StandardCharsets.ISO_8859_1)); // speaks first, in the 101's own packet
                    out.flush();
                    for (int c; (c = in.read()) != -1; ) {
                        out.write(c);
                        out.flush();
                    }
                    return;
                }
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (closeEvery > 0 && answers.incrementAndGet() % closeEvery == 0) {
                    return; // promised keep-alive, closes anyway
                }
            }
        } catch (IOException e) {
            // the peer went away
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
