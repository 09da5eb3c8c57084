package io.gantry.proxy.forward.h1;

import io.gantry.proxy.forward.HopByHop;
import io.gantry.proxy.forward.IntermediaryRules;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes a decoded client request's head as the bytes a backend gets, rewritten in the same pass.
 * Hop-by-hop headers ({@link HopByHop}, and the headers Connection names) describe one connection and are left out; the body is framed for the next hop
 * (chunked when its length is not known); the request goes out as HTTP/1.1, so backend connections can
 * be reused. X-Forwarded-For gains the client's address, X-Forwarded-Proto (http or https) and X-Forwarded-Host are set;
 * Host passes through; Via gains this hop ({@link IntermediaryRules#via}); an HTTP/1.0 client's Expect is
 * left out, as it would mean something else in HTTP/1.1. (Responses are not decoded: {@link ResponseReader} drops the same headers from
 * the bytes.)
 */
public final class HeaderRewriter {

    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");

    private static final byte[] HTTP_1_1 = bytes(" HTTP/1.1\r\n");
    private static final byte[] CHUNKED = bytes("Transfer-Encoding: chunked\r\n");
    private static final byte[] UPGRADE = bytes("Connection: upgrade\r\nUpgrade: ");
    private static final byte[] FORWARDED_FOR = bytes("X-Forwarded-For: ");
    private static final byte[] FORWARDED_PROTO_HTTP = bytes("X-Forwarded-Proto: http\r\n");
    private static final byte[] FORWARDED_PROTO_HTTPS = bytes("X-Forwarded-Proto: https\r\n");
    private static final byte[] FORWARDED_HOST = bytes("X-Forwarded-Host: ");
    private static final byte[] VIA = bytes("Via: ");
    private static final short COLON_SPACE = (':' << 8) | ' ';
    private static final short COMMA_SPACE = (',' << 8) | ' ';
    static final short CRLF = ('\r' << 8) | '\n';

    private HeaderRewriter() {
    }

    /**
     * The head to send a backend for {@code request}.
     *
     * @param chunked the body is sent in chunks (its length is not known)
     * @param clientAddress the client's IP, appended to X-Forwarded-For
     * @param upgrade the protocol the client asks to switch to, kept for the next hop; null for none
     */
    public static ByteBuf requestHead(ByteBufAllocator alloc, HttpRequest request, boolean chunked, String clientAddress,
            String upgrade) {
        return requestHead(alloc, request, chunked, clientAddress, upgrade, false);
    }

    /**
     * The head to send a backend for {@code request}, which came over TLS when {@code secure}
     * (X-Forwarded-Proto says https then).
     */
    public static ByteBuf requestHead(ByteBufAllocator alloc, HttpRequest request, boolean chunked, String clientAddress,
            String upgrade, boolean secure) {
        HttpHeaders h = request.headers();
        List<CharSequence> named = h.contains(HttpHeaderNames.CONNECTION) ? namedByConnection(h) : null;
        ByteBuf out = alloc.buffer(512);
        ByteBufUtil.writeAscii(out, request.method().asciiName());
        out.writeByte(' ');
        ByteBufUtil.writeAscii(out, request.uri());
        out.writeBytes(HTTP_1_1);
        boolean forwardedFor = false;
        boolean dropExpect = !IntermediaryRules.forwardsExpect(request.protocolVersion());
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            CharSequence name = e.getKey();
            if (HopByHop.is(name) || (named != null && containsIgnoreCase(named, name))
                    || (dropExpect && AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.EXPECT))) {
                continue;
            }
            if (isForwarded(name)) {
                forwardedFor |= AsciiString.contentEqualsIgnoreCase(name, X_FORWARDED_FOR);
                continue;
            }
            writeField(out, name, e.getValue());
        }
        if (chunked) {
            out.writeBytes(CHUNKED);
        }
        if (upgrade != null) {
            out.writeBytes(UPGRADE);
            ByteBufUtil.writeAscii(out, upgrade);
            out.writeShort(CRLF);
        }
        out.writeBytes(VIA);
        ByteBufUtil.writeAscii(out, IntermediaryRules.via(request.protocolVersion()));
        out.writeShort(CRLF);
        out.writeBytes(FORWARDED_FOR);
        if (forwardedFor) {
            for (String earlier : h.getAll(X_FORWARDED_FOR)) {
                ByteBufUtil.writeAscii(out, earlier);
                out.writeShort(COMMA_SPACE);
            }
        }
        ByteBufUtil.writeAscii(out, clientAddress);
        out.writeShort(CRLF);
        out.writeBytes(secure ? FORWARDED_PROTO_HTTPS : FORWARDED_PROTO_HTTP);
        String host = h.get(HttpHeaderNames.HOST);
        if (host != null) {
            out.writeBytes(FORWARDED_HOST);
            ByteBufUtil.writeAscii(out, host);
            out.writeShort(CRLF);
        }
        out.writeShort(CRLF);
        return out;
    }

    /** Writes one header field line, {@code name: value} and CRLF, as the client sent it. */
    static void writeField(ByteBuf out, CharSequence name, CharSequence value) {
        ByteBufUtil.writeAscii(out, name);
        out.writeShort(COLON_SPACE);
        ByteBufUtil.writeAscii(out, value);
        out.writeShort(CRLF);
    }

    /** The X-Forwarded-* headers the proxy writes itself. */
    private static boolean isForwarded(CharSequence name) {
        return switch (name.length()) {
            case 15 -> AsciiString.contentEqualsIgnoreCase(name, X_FORWARDED_FOR);
            case 16 -> AsciiString.contentEqualsIgnoreCase(name, X_FORWARDED_HOST);
            case 17 -> AsciiString.contentEqualsIgnoreCase(name, X_FORWARDED_PROTO);
            default -> false;
        };
    }

    /**
     * The header names the Connection values list, read once per request; null when they name none
     * but the options (close, keep-alive) and the headers the next hop needs to read the message (Host,
     * Content-Length), as a browser's {@code Connection: keep-alive} does.
     */
    private static List<CharSequence> namedByConnection(HttpHeaders h) {
        List<CharSequence> named = null;
        for (String value : h.getAll(HttpHeaderNames.CONNECTION)) {
            int n = value.length();
            for (int i = 0; i < n; ) {
                int comma = value.indexOf(',', i);
                int to = comma < 0 ? n : comma;
                int from = i;
                while (from < to && isSpace(value.charAt(from))) {
                    from++;
                }
                while (to > from && isSpace(value.charAt(to - 1))) {
                    to--;
                }
                CharSequence token = value.subSequence(from, to);
                if (to > from && !isKeptOrOption(token)) {
                    if (named == null) {
                        named = new ArrayList<>(4);
                    }
                    named.add(token);
                }
                i = comma < 0 ? n : comma + 1;
            }
        }
        return named;
    }

    private static boolean isKeptOrOption(CharSequence token) {
        return AsciiString.contentEqualsIgnoreCase(token, HttpHeaderValues.CLOSE)
                || AsciiString.contentEqualsIgnoreCase(token, HttpHeaderValues.KEEP_ALIVE)
                || AsciiString.contentEqualsIgnoreCase(token, HttpHeaderNames.HOST)
                || AsciiString.contentEqualsIgnoreCase(token, HttpHeaderNames.CONTENT_LENGTH);
    }

    private static boolean containsIgnoreCase(List<CharSequence> names, CharSequence name) {
        for (CharSequence n : names) {
            if (AsciiString.contentEqualsIgnoreCase(n, name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
