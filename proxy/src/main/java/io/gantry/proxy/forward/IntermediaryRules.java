package io.gantry.proxy.forward;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rules of RFC 9110 and RFC 9112 that bind the proxy as an intermediary and are not framing
 * (that is each adapter's reader) nor the hop-by-hop table ({@link HopByHop}): each decided here once,
 * for both directions and both protocols, so the request path, the response path, HTTP/1.1 and HTTP/2
 * ask the same question and get the same answer. {@code proxy/RFC-AUDIT.md} lists every rule and where
 * it is enforced.
 */
public final class IntermediaryRules {

    private IntermediaryRules() {
    }

    // --- protocol name and version (RFC 9112 §2.3) ------------------------------------------------

    /** Whether {@code text} is an HTTP-version as written on the wire: {@code HTTP/} DIGIT {@code .} DIGIT, case-sensitive. */
    public static boolean validVersion(CharSequence text) {
        return text.length() == 8 && text.charAt(0) == 'H' && text.charAt(1) == 'T' && text.charAt(2) == 'T' && text.charAt(3) == 'P'
                && text.charAt(4) == '/' && isDigit(text.charAt(5)) && text.charAt(6) == '.' && isDigit(text.charAt(7));
    }

    /** The same test on {@code b[from, from + 8)}, as a status line is read. */
    public static boolean validVersion(byte[] b, int from) {
        return from + 8 <= b.length && b[from] == 'H' && b[from + 1] == 'T' && b[from + 2] == 'T' && b[from + 3] == 'P'
                && b[from + 4] == '/' && isDigit((char) b[from + 5]) && b[from + 6] == '.' && isDigit((char) b[from + 7]);
    }

    /** Whether a status code is one at all (RFC 9110 §15: 100 to 599; others are not passed on). */
    public static boolean validStatus(int status) {
        return status >= 100 && status <= 599;
    }

    // --- interim responses and expectations (RFC 9110 §15.2, §10.1.1, §8.6) ------------------------

    /** Whether a client of this version may get 1xx responses: not an HTTP/1.0 one, which predates them. */
    public static boolean takesInterim(HttpVersion client) {
        return !isHttp10(client);
    }

    /**
     * Whether the Expect field of a request of this version goes on: an HTTP/1.0 client's is ignored
     * (it cannot take the 100 it asks for), and the proxy speaks HTTP/1.1 to the backend.
     */
    public static boolean forwardsExpect(HttpVersion client) {
        return !isHttp10(client);
    }

    /** Whether a response of this status may carry Content-Length: not a 1xx or a 204. */
    public static boolean mayCarryContentLength(int status) {
        return status >= 200 && status != 204;
    }

    // --- Upgrade (RFC 9110 §7.8, §15.2.2; RFC 9113 §3.1) -------------------------------------------

    /**
     * The protocols a request offers to switch to that the proxy passes on, comma-separated; null for
     * none. Only an HTTP/1.1 request's Upgrade counts, and only with the {@code upgrade} Connection
     * option. A protocol that would carry HTTP itself ({@code h2c}, {@code h2}, {@code HTTP/...},
     * {@code TLS/...}) is never offered: its tunnel would take requests the proxy never reads.
     */
    public static String upgradeOffer(HttpRequest request) {
        if (isHttp10(request.protocolVersion()) || request.protocolVersion().majorVersion() != 1) {
            return null;
        }
        HttpHeaders h = request.headers();
        if (!h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderNames.UPGRADE, true)) {
            return null;
        }
        List<String> kept = new ArrayList<>(2);
        for (String value : h.getAll(HttpHeaderNames.UPGRADE)) {
            for (String token : value.split(",")) {
                String protocol = token.strip();
                if (!protocol.isEmpty() && mayTunnel(protocol)) {
                    kept.add(protocol);
                }
            }
        }
        return kept.isEmpty() ? null : String.join(", ", kept);
    }

    /** Whether a 101's Upgrade field ({@code chosen}) names only protocols that {@code offered} listed. */
    public static boolean switchAccepted(String offered, String chosen) {
        if (offered == null || chosen == null || chosen.isBlank()) {
            return false;
        }
        List<String> asked = new ArrayList<>();
        for (String o : offered.split(",")) {
            asked.add(o.strip().toLowerCase(Locale.ROOT));
        }
        for (String c : chosen.split(",")) {
            String protocol = c.strip().toLowerCase(Locale.ROOT);
            if (!asked.contains(protocol) && !asked.contains(protocol.split("/")[0])) {
                return false;
            }
        }
        return true;
    }

    private static boolean mayTunnel(String protocol) {
        String name = protocol.split("/", 2)[0].strip().toLowerCase(Locale.ROOT);
        return !name.equals("h2c") && !name.equals("h2") && !name.equals("http") && !name.equals("tls");
    }

    // --- trailer fields (RFC 9110 §6.5.1, §7.6.1) ---------------------------------------------------

    /**
     * Whether a trailer field of this name passes: not a hop-by-hop field, nor one that frames or
     * routes a message (Content-Length, Host, Trailer and Transfer-Encoding are read before the body,
     * so a trailer of that name can only mislead the next hop). Fields the message's Connection header
     * names are the caller's to leave out too.
     */
    public static boolean mayForwardTrailer(CharSequence name) {
        return !HopByHop.is(name) && !AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONTENT_LENGTH)
                && !AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.HOST);
    }

    /**
     * The trailer fields of a message whose head is {@code head} that pass on, without those
     * {@link #mayForwardTrailer} leaves out and those the head's Connection header names; {@code trailers}
     * itself when all pass (the usual case).
     */
    public static HttpHeaders forwardableTrailers(HttpHeaders trailers, HttpHeaders head) {
        if (trailers == null || trailers.isEmpty()) {
            return trailers;
        }
        List<String> named = connectionOptions(head);
        boolean allPass = true;
        for (String name : trailers.names()) {
            allPass &= mayForwardTrailer(name) && !named.contains(name.toLowerCase(Locale.ROOT));
        }
        if (allPass) {
            return trailers;
        }
        HttpHeaders kept = trailers.copy();
        for (String name : trailers.names()) {
            if (!mayForwardTrailer(name) || named.contains(name.toLowerCase(Locale.ROOT))) {
                kept.remove(name);
            }
        }
        return kept;
    }

    /** The Connection options of a head, in lower case: the fields they name go no further than this hop (RFC 9110 §7.6.1). */
    public static List<String> connectionOptions(HttpHeaders head) {
        List<String> names = new ArrayList<>(2);
        if (head != null) {
            for (String value : head.getAll(HttpHeaderNames.CONNECTION)) {
                for (String token : value.split(",")) {
                    names.add(token.strip().toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    // --- Max-Forwards and Via (RFC 9110 §7.6.2, §7.6.3) ---------------------------------------------

    /**
     * Applies Max-Forwards to an OPTIONS or TRACE request: true when it is 0, so the proxy answers as the
     * final recipient; otherwise the field goes on decremented. A value that is not a number is left alone.
     */
    public static boolean maxForwardsReached(HttpRequest request) {
        HttpMethod m = request.method();
        if (!m.equals(HttpMethod.OPTIONS) && !m.equals(HttpMethod.TRACE)) {
            return false;
        }
        String value = request.headers().get(HttpHeaderNames.MAX_FORWARDS);
        if (value == null) {
            return false;
        }
        long n;
        try {
            n = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return false;
        }
        if (n <= 0) {
            return n == 0;
        }
        request.headers().set(HttpHeaderNames.MAX_FORWARDS, Long.toString(n - 1));
        return false;
    }

    /** The Via member this proxy adds for a request of {@code client}'s version: {@code 1.1 gantry}, {@code 2 gantry}. */
    public static String via(HttpVersion client) {
        if (client.majorVersion() == 2) {
            return "2 gantry";
        }
        return isHttp10(client) ? "1.0 gantry" : "1.1 gantry";
    }

    private static boolean isHttp10(HttpVersion v) {
        return v.majorVersion() == 1 && v.minorVersion() == 0;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
