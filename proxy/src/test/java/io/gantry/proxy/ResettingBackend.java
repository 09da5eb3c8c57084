package io.gantry.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A backend that dies in the middle of every upload, as a SIGKILLed one does: it reads a POST's head and
 * the first {@code bodyBytes} of its body, then resets the connection (RST, no answer). Any other request
 * gets an empty 200 and the connection closes.
 */
final class ResettingBackend implements AutoCloseable {

    private final ServerSocket server;
    private final int bodyBytes;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    ResettingBackend(int bodyBytes) throws IOException {
        this.bodyBytes = bodyBytes;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "resetting-backend");
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
                Thread t = new Thread(() -> readThenReset(s), "resetting-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void readThenReset(Socket s) {
        try (s) {
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    return;
                }
                head.append((char) c);
            }
            if (!head.toString().startsWith("POST ")) {
                s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                return;
            }
            in.readNBytes(bodyBytes);
            s.setSoLinger(true, 0); // close() now sends RST
        } catch (IOException e) {
            // the proxy went first: nothing to reset
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
