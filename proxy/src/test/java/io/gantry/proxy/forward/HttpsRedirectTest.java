package io.gantry.proxy.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class HttpsRedirectTest {

    private static HttpRequest request(String uri, String host) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri);
        if (host != null) {
            r.headers().set("Host", host);
        }
        return r;
    }

    private static String location(String uri, String host, int port) {
        FullHttpResponse r = HttpsRedirect.response(request(uri, host), port);
        try {
            assertEquals(308, r.status().code(), "308 keeps the method and body, unlike 301");
            return r.headers().get("Location");
        } finally {
            r.release();
        }
    }

    @Test
    void sameHostAndTargetOverHttpsWithThePortOnlyWhenNot443() {
        assertEquals("https://example.com/a/b?c=d", location("/a/b?c=d", "example.com:80", 443));
        assertEquals("https://example.com:8443/", location("/", "example.com", 8443));
        assertEquals("https://[::1]:8443/x", location("/x", "[::1]:8080", 8443));
    }

    @Test
    void anAbsoluteFormTargetKeepsOnlyItsPath() {
        assertEquals("https://example.com/p?q", location("http://elsewhere.org/p?q", "example.com", 443));
        assertEquals("https://example.com/", location("http://elsewhere.org", "example.com", 443));
    }

    @Test
    void acmeChallengesAreNotRedirected() {
        assertFalse(HttpsRedirect.applies(request("/.well-known/acme-challenge/abc", "example.com")));
        assertFalse(HttpsRedirect.applies(request("http://example.com/.well-known/acme-challenge/abc", "example.com")));
        assertTrue(HttpsRedirect.applies(request("/.well-known/other", "example.com")));
    }

    @Test
    void aRequestWithoutHostCannotBeRedirected() {
        assertFalse(HttpsRedirect.hasHost(request("/", null)));
        assertTrue(HttpsRedirect.hasHost(request("/", "example.com")));
    }
}
