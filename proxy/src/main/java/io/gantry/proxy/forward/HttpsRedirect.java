package io.gantry.proxy.forward;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * {@code --http-redirect}: a request on the cleartext listener is answered {@code 308} to the same
 * host and target over https (308, unlike 301, keeps the method and body), except ACME's HTTP-01
 * challenges, which must reach the ACME client behind the proxy over plain HTTP.
 */
final class HttpsRedirect {

    private static final String ACME_CHALLENGE = "/.well-known/acme-challenge/";

    private HttpsRedirect() {
    }

    /** Whether {@code request} is redirected rather than proxied. */
    static boolean applies(HttpRequest request) {
        return !path(request.uri()).startsWith(ACME_CHALLENGE);
    }

    /** Whether there is a host to redirect to (an HTTP/1.0 request may lack Host). */
    static boolean hasHost(HttpRequest request) {
        String host = request.headers().get(HttpHeaderNames.HOST);
        return host != null && !host.isEmpty();
    }

    /**
     * The 308 for {@code request}.
     *
     * @param httpsPort the HTTPS listener's port, left out of the location when it is 443
     */
    static FullHttpResponse response(HttpRequest request, int httpsPort) {
        String host = hostWithoutPort(request.headers().get(HttpHeaderNames.HOST));
        String location = "https://" + host + (httpsPort == 443 ? "" : ":" + httpsPort) + path(request.uri());
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.PERMANENT_REDIRECT,
                Unpooled.EMPTY_BUFFER);
        r.headers().set(HttpHeaderNames.LOCATION, location);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return r;
    }

    /** The origin-form target: an absolute-form one ({@code http://host/a?b}) loses its scheme and authority. */
    static String path(String uri) {
        if (uri.startsWith("/")) {
            return uri;
        }
        int scheme = uri.indexOf("://");
        if (scheme < 0) {
            return "/"; // "*" (OPTIONS) and the like
        }
        int slash = uri.indexOf('/', scheme + 3);
        return slash < 0 ? "/" : uri.substring(slash);
    }

    /** {@code example.com:8080} → {@code example.com}; {@code [::1]:80} → {@code [::1]}. */
    static String hostWithoutPort(String host) {
        int close = host.lastIndexOf(']');
        int colon = host.lastIndexOf(':');
        return colon > close ? host.substring(0, colon) : host;
    }
}
