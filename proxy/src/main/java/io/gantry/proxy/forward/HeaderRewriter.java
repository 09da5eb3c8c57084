package io.gantry.proxy.forward;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites headers as a message crosses the proxy. Hop-by-hop headers (Connection and the headers it
 * names, Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade, Proxy-*) describe one connection and are
 * dropped; the body is re-framed for the next hop (chunked when its length is not known). Requests gain
 * X-Forwarded-For (appended), X-Forwarded-Proto and X-Forwarded-Host; Host passes through.
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

    /**
     * Prepares a backend response for the client.
     *
     * @param chunkedAllowed whether the client understands chunked framing (HTTP/1.1); when it does not,
     *     a body of unknown length is delimited by closing the connection
     * @return whether the response's end can be told without closing the connection
     */
    public static boolean rewriteResponse(HttpResponse response, HttpMethod method, boolean chunkedAllowed) {
        HttpHeaders h = response.headers();
        removeHopByHop(h);
        if (!hasBody(method, response.status().code()) || h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            return true;
        }
        if (chunkedAllowed) {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            return true;
        }
        return false;
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

    /** Whether a response to {@code method} with {@code status} can carry a body (RFC 9110 §6.4.1). */
    static boolean hasBody(HttpMethod method, int status) {
        return !(method == HttpMethod.HEAD || status < 200 || status == 204 || status == 304
                || (method == HttpMethod.CONNECT && status / 100 == 2));
    }

    private static void frame(HttpHeaders h, boolean hasBody) {
        if (hasBody && !h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
    }

    static void removeHopByHop(HttpHeaders h) {
        List<String> connection = h.getAll(HttpHeaderNames.CONNECTION);
        if (!connection.isEmpty()) {
            for (String value : connection) {
                for (String token : value.split(",")) {
                    String name = token.trim();
                    // Connection may not take away what the next hop needs to read the message.
                    if (!name.isEmpty() && !name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
                        h.remove(name);
                    }
                }
            }
            h.remove(HttpHeaderNames.CONNECTION);
        }
        h.remove(HttpHeaderNames.KEEP_ALIVE);
        h.remove(HttpHeaderNames.TE);
        h.remove(HttpHeaderNames.TRAILER);
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        h.remove(HttpHeaderNames.UPGRADE);
        h.remove(PROXY_CONNECTION);
        removeProxyHeaders(h);
    }

    private static void removeProxyHeaders(HttpHeaders h) {
        List<String> proxyHeaders = null;
        for (var it = h.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            if (name.length() > 6 && AsciiString.regionMatches(name, true, 0, "proxy-", 0, 6)) {
                if (proxyHeaders == null) {
                    proxyHeaders = new ArrayList<>(2);
                }
                proxyHeaders.add(name.toString());
            }
        }
        if (proxyHeaders != null) {
            proxyHeaders.forEach(h::remove);
        }
    }
}
