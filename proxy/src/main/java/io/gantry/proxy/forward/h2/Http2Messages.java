package io.gantry.proxy.forward.h2;

import io.gantry.proxy.backend.Backend;
import io.gantry.proxy.forward.Exchange;
import io.gantry.proxy.forward.HopByHop;
import io.gantry.proxy.forward.IntermediaryRules;
import io.gantry.proxy.forward.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * HTTP/2 fields to and from the messages the exchange works with (RFC 9113 §8.3), for clients and for
 * backends: the pseudo-header fields become the request line and Host (and back), several
 * {@code cookie} fields one, and nothing internal is added; what HTTP/2 forbids (connection-specific
 * fields) is left out.
 */
final class Http2Messages {

    private static final AsciiString COOKIE = AsciiString.cached("cookie");
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    private static final short CRLF = ('\r' << 8) | '\n';
    private static final short COLON_SPACE = (':' << 8) | ' ';

    private Http2Messages() {
    }

    /**
     * Whether a request's header section is malformed (RFC 9113 §8.1.1, §8.3.1) where the codec lets it
     * through: without :method, without :scheme or :path (other than CONNECT), a :path with a space or a
     * control character, or a content-length that is not one decimal number.
     */
    static boolean malformed(Http2Headers h) {
        if (h.method() == null) {
            return true;
        }
        if (!HttpMethod.CONNECT.asciiName().contentEquals(h.method())) {
            CharSequence path = h.path();
            if (h.scheme() == null || path == null || path.length() == 0) {
                return true;
            }
            for (int i = 0; i < path.length(); i++) {
                if (path.charAt(i) <= ' ' || path.charAt(i) == 127) {
                    return true;
                }
            }
        }
        List<CharSequence> lengths = h.getAll(HttpHeaderNames.CONTENT_LENGTH);
        if (lengths.size() > 1) {
            return true;
        }
        if (lengths.size() == 1) {
            CharSequence n = lengths.get(0);
            if (n.length() == 0 || n.length() > 18) {
                return true;
            }
            for (int i = 0; i < n.length(); i++) {
                if (n.charAt(i) < '0' || n.charAt(i) > '9') {
                    return true;
                }
            }
        }
        return false;
    }

    /** Why a well-formed HTTP/2 request cannot be forwarded, or null when it can. */
    static String check(Http2Headers h) {
        if (h.authority() == null && !h.contains(HttpHeaderNames.HOST)) {
            return "The request has neither :authority nor Host.";
        }
        return null;
    }

    /** The request an HTTP/1.1 backend gets for {@code h} (checked by {@link #check} first). */
    static HttpRequest toRequest(Http2Headers h) {
        HttpHeaders headers = new DefaultHttpHeaders(false); // the HTTP/2 decoder validated them
        CharSequence authority = h.authority();
        if (authority != null) {
            headers.add(HttpHeaderNames.HOST, authority); // RFC 9113 §8.3.1: it replaces Host
        }
        StringBuilder cookies = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iterator(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            CharSequence name = e.getKey();
            if (name.length() > 0 && name.charAt(0) == ':') {
                continue;
            }
            if (AsciiString.contentEquals(name, COOKIE)) { // §8.2.3: split cookies are joined again for HTTP/1.1
                cookies = cookies == null ? new StringBuilder(e.getValue()) : cookies.append("; ").append(e.getValue());
                continue;
            }
            if (authority != null && AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.HOST)) {
                continue;
            }
            headers.add(name, e.getValue());
        }
        if (cookies != null) {
            headers.add(HttpHeaderNames.COOKIE, cookies.toString());
        }
        // CONNECT has no :path (RFC 9113 §8.5): its target is the authority, and the validator refuses it.
        CharSequence target = h.path() != null ? h.path() : authority;
        return new DefaultHttpRequest(Exchange.HTTP_2, HttpMethod.valueOf(h.method().toString()), String.valueOf(target), headers);
    }

    /** Request trailer fields, pseudo-headers left out. */
    static HttpHeaders toTrailers(Http2Headers h) {
        HttpHeaders trailers = new DefaultHttpHeaders(false);
        for (Map.Entry<CharSequence, CharSequence> e : h) {
            if (e.getKey().length() > 0 && e.getKey().charAt(0) != ':') {
                trailers.add(e.getKey(), e.getValue());
            }
        }
        return trailers;
    }

    /** A backend's response head as HTTP/2 fields; {@code hsts} and {@code cookie} are added when not null. */
    static Http2Headers responseHeaders(ResponseHead head, String hsts, String cookie) {
        Http2Headers out = new DefaultHttp2Headers(false).status(HttpResponseStatus.valueOf(head.status()).codeAsText());
        head.forEachField((b, ns, ne, vs, ve) -> {
            byte[] name = new byte[ne - ns];
            b.getBytes(ns, name);
            for (int i = 0; i < name.length; i++) {
                if (name[i] >= 'A' && name[i] <= 'Z') {
                    name[i] += 32; // HTTP/2 field names are lower case
                }
            }
            byte[] value = new byte[ve - vs];
            b.getBytes(vs, value);
            out.add(new AsciiString(name, false), new AsciiString(value, false));
        });
        if (hsts != null) {
            out.set("strict-transport-security", hsts);
        }
        if (cookie != null) {
            out.add("set-cookie", cookie);
        }
        return out;
    }

    /** The proxy's own response as HTTP/2 fields. */
    static Http2Headers responseHeaders(FullHttpResponse response) {
        Http2Headers out = new DefaultHttp2Headers(false).status(response.status().codeAsText());
        addAll(out, response.headers());
        return out;
    }

    /** Trailer fields for an HTTP/2 peer: those {@link IntermediaryRules#mayForwardTrailer} lets pass, names in lower case. */
    static Http2Headers trailers(HttpHeaders fields) {
        Http2Headers out = new DefaultHttp2Headers(false);
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = fields.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            if (IntermediaryRules.mayForwardTrailer(e.getKey())) {
                out.add(AsciiString.of(e.getKey()).toLowerCase(), e.getValue());
            }
        }
        return out;
    }

    // --- to and from HTTP/2 backends ---------------------------------------------------------------

    /**
     * The HEADERS an HTTP/2 backend gets for the exchange's request: its pseudo-headers from the request
     * line and Host, its fields less the hop-by-hop ones ({@code te: trailers} is kept: gRPC needs it),
     * and X-Forwarded-For, -Proto and -Host as an HTTP/1.1 backend gets them.
     */
    static Http2Headers requestHeaders(Exchange exchange, Backend backend) {
        HttpRequest request = exchange.request();
        HttpHeaders h = request.headers();
        String host = h.get(HttpHeaderNames.HOST);
        Http2Headers out = new DefaultHttp2Headers(false)
                .method(request.method().asciiName())
                .scheme(backend.tls() ? "https" : "http")
                .authority(host != null ? host : backend.address().toString())
                .path(request.uri());
        String forwardedFor = null;
        boolean dropExpect = !IntermediaryRules.forwardsExpect(request.protocolVersion());
        List<String> named = h.contains(HttpHeaderNames.CONNECTION) ? IntermediaryRules.connectionOptions(h) : List.of();
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            CharSequence name = e.getKey();
            if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.HOST)
                    || (dropExpect && AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.EXPECT))
                    || (!named.isEmpty() && named.contains(name.toString().toLowerCase(java.util.Locale.ROOT)))) {
                continue;
            }
            if (HopByHop.is(name)) {
                if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TE)
                        && AsciiString.contentEqualsIgnoreCase(e.getValue(), HttpHeaderValues.TRAILERS)) {
                    out.add(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
                }
                continue;
            }
            if (AsciiString.contentEqualsIgnoreCase(name, X_FORWARDED_FOR)) {
                forwardedFor = forwardedFor == null ? e.getValue().toString() : forwardedFor + ", " + e.getValue();
                continue;
            }
            if (AsciiString.contentEqualsIgnoreCase(name, X_FORWARDED_PROTO) || AsciiString.contentEqualsIgnoreCase(name, X_FORWARDED_HOST)) {
                continue;
            }
            out.add(AsciiString.of(name).toLowerCase(), e.getValue());
        }
        out.add(HttpHeaderNames.VIA, IntermediaryRules.via(request.protocolVersion()));
        String client = exchange.client().clientAddress();
        out.add(X_FORWARDED_FOR, forwardedFor == null ? client : forwardedFor + ", " + client);
        out.add(X_FORWARDED_PROTO, exchange.client().secure() ? "https" : "http");
        if (host != null) {
            out.add(X_FORWARDED_HOST, host);
        }
        return out;
    }

    /**
     * An HTTP/2 backend's response HEADERS as the head the exchange passes on: an HTTP/1.1 status line and
     * header lines, framed by its length when it gives one, else chunked (for an HTTP/1.1 client), and
     * none for a HEAD, 204, 304 or a stream its HEADERS ended ({@code content-length: 0} then, so that an
     * HTTP/1.1 client does not wait for a close).
     */
    static ResponseHead responseHead(Http2Headers h, boolean endStream, boolean headRequest, ByteBufAllocator alloc) {
        int status;
        try {
            status = Integer.parseInt(String.valueOf(h.status()));
        } catch (NumberFormatException e) {
            status = 502;
        }
        ByteBuf lines = alloc.buffer(256);
        lines.writeCharSequence("HTTP/1.1 " + HttpResponseStatus.valueOf(status), StandardCharsets.ISO_8859_1);
        lines.writeShort(CRLF);
        boolean length = false;
        for (Map.Entry<CharSequence, CharSequence> e : h) {
            CharSequence name = e.getKey();
            if (name.length() == 0 || name.charAt(0) == ':' || HopByHop.is(name)) {
                continue;
            }
            length |= AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONTENT_LENGTH);
            lines.writeCharSequence(name, StandardCharsets.ISO_8859_1);
            lines.writeShort(COLON_SPACE);
            lines.writeCharSequence(e.getValue(), StandardCharsets.ISO_8859_1);
            lines.writeShort(CRLF);
        }
        boolean noBody = headRequest || status < 200 || status == 204 || status == 304;
        ResponseHead.Framing framing;
        if (noBody) {
            framing = ResponseHead.Framing.NONE;
        } else if (endStream) {
            framing = ResponseHead.Framing.NONE;
            if (!length) {
                lines.writeCharSequence("content-length: 0\r\n", StandardCharsets.ISO_8859_1);
            }
        } else {
            framing = length ? ResponseHead.Framing.LENGTH : ResponseHead.Framing.CHUNKED;
        }
        return new ResponseHead(status, true, framing, null, lines, false);
    }

    /** Adds {@code fields}, names in lower case, leaving out what HTTP/2 does not carry (§8.2.2). */
    private static void addAll(Http2Headers out, HttpHeaders fields) {
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = fields.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            if (!HopByHop.is(e.getKey())) {
                out.add(AsciiString.of(e.getKey()).toLowerCase(), e.getValue());
            }
        }
    }
}
