package io.gantry.common;

import java.net.InetSocketAddress;

/**
 * A {@code host:port} pair as users and the etcd contract write it ({@code 10.0.0.5:80},
 * {@code [::1]:8080}, {@code backend.local:80}).
 */
public record HostPort(String host, int port) {

    public HostPort {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("host is empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range 0-65535");
        }
    }

    /**
     * Parses {@code host:port}; IPv6 literals go in brackets.
     *
     * @throws IllegalArgumentException naming the text when it is not {@code host:port}
     */
    public static HostPort parse(String text) {
        String s = text == null ? "" : text.trim();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw notHostPort(text);
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0 || host.indexOf('[') >= 0 || host.indexOf(']') >= 0) {
            throw notHostPort(text);
        }
        if (host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@')) {
            throw notHostPort(text);
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw notHostPort(text);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + text + "': port must be 1-65535");
        }
        return new HostPort(host, port);
    }

    private static IllegalArgumentException notHostPort(String text) {
        return new IllegalArgumentException("'" + text + "' is not host:port");
    }

    /** A resolved socket address; literal IPs resolve without a lookup. */
    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
