package io.gantry.proxy.forward;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a request's headers as it crosses the proxy. Hop-by-hop headers (Connection and the headers
 * it names, Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade, Proxy-*) describe one connection and are
 * dropped; the body is re-framed for the next hop (chunked when its length is not known). Requests gain
 * X-Forwarded-For (appended), X-Forwarded-Proto and X-Forwarded-Host; Host passes through. (Responses
 * are not decoded: {@link ResponseReader} drops the same headers from the bytes.)
 */
public final class HeaderRewriter {

    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    private static final AsciiString HTTP = AsciiString.cached("http");
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");

    private HeaderRewriter() {
    }

    /**
     * Prepares a client request for a backend.
     *
     * @param hasBody whether the request carries a body (it is sent chunked unless its length is known)
     * @param clientAddress the client's IP, appended to X-Forwarded-For
     */
    public static void rewriteRequest(HttpRequest request, boolean hasBody, String clientAddress) {
        HttpHeaders h = request.headers();
        removeHopByHop(h);
        frame(h, hasBody);
        String forwardedFor = h.get(X_FORWARDED_FOR);
        h.set(X_FORWARDED_FOR, forwardedFor == null ? clientAddress : forwardedFor + ", " + clientAddress);
        h.set(X_FORWARDED_PROTO, HTTP);
        String host = h.get(HttpHeaderNames.HOST);
        if (host != null) {
            h.set(X_FORWARDED_HOST, host);
        } else {
            h.remove(X_FORWARDED_HOST);
        }
    }

    /** Whether the client asks to switch protocols: an Upgrade header that Connection names. */
    public static boolean upgradeRequested(HttpRequest request) {
        HttpHeaders h = request.headers();
        return h.contains(HttpHeaderNames.UPGRADE) && h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    /** Puts back the two hop-by-hop headers an upgrade needs on the next hop. */
    public static void keepUpgrade(HttpHeaders h, String protocol) {
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        h.set(HttpHeaderNames.UPGRADE, protocol);
    }

    private static void frame(HttpHeaders h, boolean hasBody) {
        if (hasBody && !h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
    }

    /**
     * Drops the hop-by-hop headers in one pass over the headers: the fixed ones, every {@code Proxy-*}
     * header, and the ones {@code Connection} names. Allocates nothing when there are none.
     */
    static void removeHopByHop(HttpHeaders h) {
        List<CharSequence> doomed = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            CharSequence name = e.getKey();
            if (!isHopByHop(name)) {
                continue;
            }
            doomed = add(doomed, name);
            if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONNECTION)) {
                doomed = addNamedByConnection(doomed, e.getValue());
            }
        }
        if (doomed != null) {
            for (CharSequence name : doomed) {
                h.remove(name);
            }
        }
    }

    private static boolean isHopByHop(CharSequence name) {
        return switch (name.length()) {
            case 2 -> AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TE);
            case 7 -> AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TRAILER)
                    || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.UPGRADE);
            case 10 -> AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONNECTION)
                    || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.KEEP_ALIVE);
            case 17 -> AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TRANSFER_ENCODING);
            default -> name.length() > 6 && AsciiString.regionMatches(name, true, 0, "proxy-", 0, 6);
        };
    }

    /** The header names a Connection value lists, except the two the next hop needs to read the message. */
    private static List<CharSequence> addNamedByConnection(List<CharSequence> doomed, CharSequence value) {
        int i = 0;
        int n = value.length();
        while (i < n) {
            int comma = i;
            while (comma < n && value.charAt(comma) != ',') {
                comma++;
            }
            int from = i;
            int to = comma;
            while (from < to && isSpace(value.charAt(from))) {
                from++;
            }
            while (to > from && isSpace(value.charAt(to - 1))) {
                to--;
            }
            CharSequence token = value.subSequence(from, to);
            if (to > from && !isKeptOrMeaningless(token)) {
                doomed = add(doomed, token);
            }
            i = comma + 1;
        }
        return doomed;
    }

    private static boolean isKeptOrMeaningless(CharSequence token) {
        return AsciiString.contentEqualsIgnoreCase(token, HttpHeaderValues.CLOSE)
                || AsciiString.contentEqualsIgnoreCase(token, HttpHeaderValues.KEEP_ALIVE) // removed anyway
                || AsciiString.contentEqualsIgnoreCase(token, HttpHeaderNames.HOST)
                || AsciiString.contentEqualsIgnoreCase(token, HttpHeaderNames.CONTENT_LENGTH);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    private static List<CharSequence> add(List<CharSequence> list, CharSequence name) {
        List<CharSequence> l = list == null ? new ArrayList<>(4) : list;
        l.add(name);
        return l;
    }
}
