package io.gantry.proxy.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class HeaderRewriterTest {

    private static HttpRequest request() {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        r.headers().set("Host", "example.com");
        return r;
    }

    @Test
    void hopByHopHeadersAndTheOnesConnectionNamesAreDropped() {
        HttpRequest r = request();
        r.headers().set("Connection", "keep-alive, X-Hop")
                .set("X-Hop", "1").set("Keep-Alive", "timeout=5").set("TE", "trailers").set("Trailer", "X")
                .set("Upgrade", "websocket").set("Proxy-Authorization", "Basic x").set("Proxy-Connection", "keep-alive")
                .set("X-End", "kept");
        HeaderRewriter.rewriteRequest(r, false, "10.1.1.1");
        HttpHeaders h = r.headers();
        for (String gone : new String[] {"Connection", "X-Hop", "Keep-Alive", "TE", "Trailer", "Upgrade",
                "Proxy-Authorization", "Proxy-Connection", "Transfer-Encoding"}) {
            assertFalse(h.contains(gone), gone);
        }
        assertEquals("kept", h.get("X-End"));
        assertEquals("example.com", h.get("Host"));
    }

    @Test
    void connectionCannotStripHost() {
        HttpRequest r = request();
        r.headers().set("Connection", "Host");
        HeaderRewriter.rewriteRequest(r, false, "10.1.1.1");
        assertEquals("example.com", r.headers().get("Host"));
    }

    @Test
    void forwardedHeadersAreAppendedAndSet() {
        HttpRequest r = request();
        r.headers().set("X-Forwarded-For", "1.2.3.4").set("X-Forwarded-Proto", "https").set("X-Forwarded-Host", "spoof");
        HeaderRewriter.rewriteRequest(r, false, "10.1.1.1");
        assertEquals("1.2.3.4, 10.1.1.1", r.headers().get("X-Forwarded-For"));
        assertEquals("http", r.headers().get("X-Forwarded-Proto"));
        assertEquals("example.com", r.headers().get("X-Forwarded-Host"));
    }

    @Test
    void bodyOfUnknownLengthIsSentChunked() {
        HttpRequest r = request();
        r.headers().set("Transfer-Encoding", "chunked");
        HeaderRewriter.rewriteRequest(r, true, "10.1.1.1");
        assertEquals("chunked", r.headers().get("Transfer-Encoding"));

        HttpRequest sized = request();
        sized.headers().set("Content-Length", "5");
        HeaderRewriter.rewriteRequest(sized, true, "10.1.1.1");
        assertNull(sized.headers().get("Transfer-Encoding"));
    }
}
