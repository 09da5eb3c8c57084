package io.gantry.proxy.forward;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * What the proxy refuses before a request goes anywhere, on top of what Netty's decoder already
 * rejects (RFC 9112 framing: Content-Length with Transfer-Encoding, malformed or conflicting lengths,
 * whitespace before a colon, invalid characters). Nothing ambiguous is forwarded: a message whose length
 * two parsers could read differently is refused and its connection closed.
 */
public final class RequestValidator {

    /** Why a request is refused, and whether its connection must close (its framing cannot be trusted). */
    public record Rejection(HttpResponseStatus status, String reason, boolean close) {
    }

    private final int maxHeaderCount;

    public RequestValidator(int maxHeaderCount) {
        this.maxHeaderCount = maxHeaderCount;
    }

    /** The status for a request the decoder could not read. */
    public static Rejection decodeFailure(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return new Rejection(HttpResponseStatus.REQUEST_URI_TOO_LONG, "The request line is too long.", true);
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return new Rejection(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "The request headers are too large.", true);
        }
        String why = cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage();
        return new Rejection(HttpResponseStatus.BAD_REQUEST, "The request could not be read" + why, true);
    }

    /**
     * Checks a decoded request head, and rewrites an absolute-form target ({@code GET http://host/path})
     * to origin form with that host in Host, so it goes to the backends like any other request.
     *
     * @return null when the request may be forwarded
     */
    public Rejection check(HttpRequest request) {
        HttpHeaders h = request.headers();
        if (request.protocolVersion().majorVersion() != 1 && request.protocolVersion() != Exchange.HTTP_2) {
            return new Rejection(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "Only HTTP/1.x is spoken here.", true);
        }
        if (!printable(request.uri())) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "The request target has characters a URI cannot have.", true);
        }
        if (request.method().equals(HttpMethod.CONNECT)) {
            return new Rejection(HttpResponseStatus.METHOD_NOT_ALLOWED, "CONNECT is not supported: this is not a forward proxy.", true);
        }
        if (h.size() > maxHeaderCount) {
            return new Rejection(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "More than " + maxHeaderCount + " header fields.", true);
        }
        Rejection te = checkTransferEncoding(h);
        if (te != null) {
            return te;
        }
        Rejection target = normalizeTarget(request);
        if (target != null) {
            return target;
        }
        List<String> hosts = h.getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "More than one Host header.", true);
        }
        if (hosts.isEmpty() && request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "An HTTP/1.1 request needs a Host header.", false);
        }
        if (!hosts.isEmpty() && !validHost(hosts.get(0))) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "The Host header is not a host name.", true);
        }
        return null;
    }

    /**
     * The rejection for a request whose declared length is past {@code maxBody} (its route's largest
     * body, 0 for no limit), or null; {@link #check} has validated the length.
     */
    public static Rejection checkLength(HttpRequest request, long maxBody) {
        if (maxBody == 0) {
            return null; // no header looked up for the routes without a limit, most of them
        }
        String length = request.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        return length != null && Long.parseLong(length) > maxBody ? tooLarge(maxBody) : null;
    }

    /** The rejection for a body past {@code maxBody}. */
    public static Rejection tooLarge(long maxBody) {
        return new Rejection(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "The request body is larger than " + maxBody
                + " bytes.", true);
    }

    /** RFC 9112 §6.1: chunked must be the final coding (else the length is unknowable), and it is the only one we apply. */
    private static Rejection checkTransferEncoding(HttpHeaders h) {
        List<String> values = h.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (values.isEmpty()) {
            return null;
        }
        List<String> codings = values.stream()
                .flatMap(v -> List.of(v.split(",")).stream())
                .map(c -> c.trim().toLowerCase(Locale.ROOT))
                .toList();
        if (codings.isEmpty() || !codings.get(codings.size() - 1).equals("chunked")) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST,
                    "Transfer-Encoding must end with chunked, or the body's length is unknown.", true);
        }
        if (codings.size() > 1) {
            return codings.subList(0, codings.size() - 1).contains("chunked") || codings.contains("")
                    ? new Rejection(HttpResponseStatus.BAD_REQUEST, "chunked may be applied only once.", true)
                    : new Rejection(HttpResponseStatus.NOT_IMPLEMENTED, "Transfer codings other than chunked are not supported.", true);
        }
        return null;
    }

    private static Rejection normalizeTarget(HttpRequest request) {
        String uri = request.uri();
        if (uri.startsWith("/")) {
            return null;
        }
        if (uri.equals("*") && request.method().equals(HttpMethod.OPTIONS)) {
            return null;
        }
        String lower = uri.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            try {
                URI parsed = new URI(uri);
                if (parsed.getRawAuthority() == null || parsed.getRawUserInfo() != null) {
                    throw new IllegalArgumentException();
                }
                String path = parsed.getRawPath() == null || parsed.getRawPath().isEmpty() ? "/" : parsed.getRawPath();
                request.setUri(parsed.getRawQuery() == null ? path : path + "?" + parsed.getRawQuery());
                // RFC 9112 §3.2.2: the target's authority replaces Host. It is routed to our backends all the same.
                request.headers().set(HttpHeaderNames.HOST, parsed.getRawAuthority());
                return null;
            } catch (Exception e) {
                return new Rejection(HttpResponseStatus.BAD_REQUEST, "The request target is not a valid URI.", true);
            }
        }
        return new Rejection(HttpResponseStatus.BAD_REQUEST, "The request target must start with /.", true);
    }

    /** Visible ASCII only (RFC 3986): no controls, spaces or bytes above 0x7e in a request target. */
    private static boolean printable(String uri) {
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static boolean validHost(String host) {
        if (host.isEmpty() || host.length() > 255) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == ':' || c == '[' || c == ']' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
