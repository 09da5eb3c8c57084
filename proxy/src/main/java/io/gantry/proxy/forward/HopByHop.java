package io.gantry.proxy.forward;

import io.netty.util.AsciiString;

/**
 * The header fields that describe one connection, not the message (RFC 9110 §7.6.1, RFC 9113 §8.2.2),
 * the one table both directions and both protocols use: they are never passed to the next hop, which
 * gets its own. Connection, Keep-Alive, Proxy-Connection, TE, Trailer, Transfer-Encoding, Upgrade, and
 * the Proxy-* fields, which are for this proxy (Proxy-Authorization, Proxy-Authenticate). The fields
 * a Connection header names are dropped too; that list is per message, read by each protocol's adapter.
 */
public final class HopByHop {

    private HopByHop() {
    }

    /** Whether a field of this name never passes a hop. */
    public static boolean is(CharSequence name) {
        return switch (name.length()) {
            case 2 -> AsciiString.contentEqualsIgnoreCase(name, "te");
            case 7 -> AsciiString.contentEqualsIgnoreCase(name, "trailer") || AsciiString.contentEqualsIgnoreCase(name, "upgrade");
            case 10 -> AsciiString.contentEqualsIgnoreCase(name, "connection") || AsciiString.contentEqualsIgnoreCase(name, "keep-alive");
            case 17 -> AsciiString.contentEqualsIgnoreCase(name, "transfer-encoding");
            default -> isProxyField(name);
        };
    }

    /** The same test on the bytes of a header name, {@code b[from, to)}, as a response head is read. */
    public static boolean is(byte[] b, int from, int to) {
        return switch (to - from) {
            case 2 -> equalsIgnoreCase(b, from, "te");
            case 7 -> equalsIgnoreCase(b, from, "trailer") || equalsIgnoreCase(b, from, "upgrade");
            case 10 -> equalsIgnoreCase(b, from, "connection") || equalsIgnoreCase(b, from, "keep-alive");
            case 17 -> equalsIgnoreCase(b, from, "transfer-encoding");
            default -> to - from > 6 && equalsIgnoreCase(b, from, "proxy-");
        };
    }

    private static boolean isProxyField(CharSequence name) {
        return name.length() > 6 && AsciiString.regionMatches(name, true, 0, "proxy-", 0, 6);
    }

    /** Whether {@code b} holds {@code lower} (lower case ASCII) at {@code from}, in any case. */
    private static boolean equalsIgnoreCase(byte[] b, int from, String lower) {
        for (int i = 0; i < lower.length(); i++) {
            int c = b[from + i];
            if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
