package io.gantry.discovery.check;

import io.gantry.common.HostPort;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * An HTTP health check: {@code GET path} on a fresh connection (so a listener that stopped accepting
 * is noticed), healthy when the status is in the expected range, all within one timeout. Errors are
 * described the way a person reads them: {@code connect refused}, {@code timed out after 2s}.
 */
public final class HttpCheck {

    private final String path;
    private final StatusRange expect;
    private final Duration timeout;

    public HttpCheck(String path, StatusRange expect, Duration timeout) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("check path '" + path + "' must start with /");
        }
        this.path = path;
        this.expect = expect;
        this.timeout = timeout;
    }

    /** Checks {@code target} once; never throws. */
    public CheckResult check(HostPort target) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(target.host(), target.port()), millisLeft(deadline));
            socket.setSoTimeout(millisLeft(deadline));
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + target + "\r\nUser-Agent: gantry-discovery\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String statusLine = readLine(socket.getInputStream(), deadline, socket);
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("\\d{3}")) {
                return new CheckResult(false, "not an HTTP response: '" + abbreviate(statusLine) + "'");
            }
            int status = Integer.parseInt(parts[1]);
            return expect.contains(status)
                    ? new CheckResult(true, "HTTP " + status)
                    : new CheckResult(false, "HTTP " + status + ", expected " + expect);
        } catch (ConnectException e) {
            return new CheckResult(false, "connect refused");
        } catch (SocketTimeoutException e) {
            return new CheckResult(false, "timed out after " + timeout.toMillis() + " ms");
        } catch (UnknownHostException e) {
            return new CheckResult(false, "unknown host " + target.host());
        } catch (NoRouteToHostException e) {
            return new CheckResult(false, "no route to host");
        } catch (IOException e) {
            return new CheckResult(false, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private static int millisLeft(long deadline) throws SocketTimeoutException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException();
        }
        return (int) Math.min(left, Integer.MAX_VALUE);
    }

    private static String readLine(InputStream in, long deadline, Socket socket) throws IOException {
        StringBuilder line = new StringBuilder();
        while (line.length() < 1024) {
            socket.setSoTimeout(millisLeft(deadline));
            int c = in.read();
            if (c == -1) {
                if (line.length() == 0) {
                    throw new IOException("connection closed without an answer");
                }
                break;
            }
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    @Override
    public String toString() {
        return "GET " + path + " expecting " + expect + " within " + timeout.toMillis() + " ms";
    }
}
