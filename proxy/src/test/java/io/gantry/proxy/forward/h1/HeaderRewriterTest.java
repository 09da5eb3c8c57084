package io.gantry.proxy.forward.h1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderRewriterTest {

    private static HttpRequest request() {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/a?b=c");
        r.headers().set("Host", "example.com");
        return r;
    }

    /** The head as a backend reads it. */
    private static HttpRequest sent(HttpRequest r, boolean chunked, String upgrade) {
        ByteBuf head = HeaderRewriter.requestHead(ByteBufAllocator.DEFAULT, r, chunked, "10.1.1.1", upgrade);
        EmbeddedChannel backend = new EmbeddedChannel(new HttpRequestDecoder());
        backend.writeInbound(head);
        HttpRequest decoded = backend.readInbound();
        assertTrue(decoded.decoderResult().isSuccess(), decoded.decoderResult().toString());
        Object rest;
        while ((rest = backend.readInbound()) != null) {
            ReferenceCountUtil.release(rest);
        }
        backend.finishAndReleaseAll();
        return decoded;
    }

    @Test
    void requestLineKeepsMethodAndTargetAndSpeaksHttp11() {
        HttpRequest out = sent(request(), false, null);
        assertEquals(HttpMethod.GET, out.method());
        assertEquals("/a?b=c", out.uri());
        assertEquals(HttpVersion.HTTP_1_1, out.protocolVersion());
    }

    @Test
    void headIsWrittenOnceInWireFormat() {
        ByteBuf head = HeaderRewriter.requestHead(ByteBufAllocator.DEFAULT, request(), false, "10.1.1.1", null);
        try {
            assertEquals("GET /a?b=c HTTP/1.1\r\nHost: example.com\r\nVia: 1.0 gantry\r\nX-Forwarded-For: 10.1.1.1\r\n"
                    + "X-Forwarded-Proto: http\r\nX-Forwarded-Host: example.com\r\n\r\n", head.toString(StandardCharsets.US_ASCII));
        } finally {
            head.release();
        }
    }

    @Test
    void aRequestThatCameOverTlsSaysHttpsWhateverTheClientClaimed() {
        HttpRequest r = request();
        r.headers().set("X-Forwarded-Proto", "http");
        ByteBuf head = HeaderRewriter.requestHead(ByteBufAllocator.DEFAULT, r, false, "10.1.1.1", null, true);
        try {
            String text = head.toString(StandardCharsets.US_ASCII);
            assertTrue(text.contains("\r\nX-Forwarded-Proto: https\r\n"), text);
            assertEquals(1, text.split("X-Forwarded-Proto").length - 1, text);
        } finally {
            head.release();
        }
    }

    @Test
    void hopByHopHeadersAndTheOnesConnectionNamesAreDropped() {
        HttpRequest r = request();
        r.headers().set("Connection", "keep-alive, X-Hop").add("Connection", "x-other")
                .set("X-Hop", "1").set("X-Other", "2").set("Keep-Alive", "timeout=5").set("TE", "trailers").set("Trailer", "X")
                .set("Upgrade", "websocket").set("Proxy-Authorization", "Basic x").set("Proxy-Connection", "keep-alive")
                .set("X-End", "kept");
        HttpHeaders h = sent(r, false, null).headers();
        for (String gone : new String[] {"Connection", "X-Hop", "X-Other", "Keep-Alive", "TE", "Trailer", "Upgrade",
                "Proxy-Authorization", "Proxy-Connection", "Transfer-Encoding"}) {
            assertFalse(h.contains(gone), gone);
        }
        assertEquals("kept", h.get("X-End"));
        assertEquals("example.com", h.get("Host"));
    }

    @Test
    void connectionCannotStripHostOrContentLength() {
        HttpRequest r = request();
        r.headers().set("Connection", "Host, Content-Length").set("Content-Length", "0");
        HttpHeaders h = sent(r, false, null).headers();
        assertEquals("example.com", h.get("Host"));
        assertEquals("0", h.get("Content-Length"));
    }

    @Test
    void forwardedHeadersAreAppendedAndSet() {
        HttpRequest r = request();
        r.headers().add("X-Forwarded-For", "1.2.3.4").add("x-forwarded-for", "5.6.7.8")
                .set("X-Forwarded-Proto", "https").set("X-Forwarded-Host", "spoof");
        HttpHeaders h = sent(r, false, null).headers();
        assertEquals(List.of("1.2.3.4, 5.6.7.8, 10.1.1.1"), h.getAll("X-Forwarded-For"));
        assertEquals(List.of("http"), h.getAll("X-Forwarded-Proto"));
        assertEquals(List.of("example.com"), h.getAll("X-Forwarded-Host"));
    }

    @Test
    void bodyOfUnknownLengthIsSentChunked() {
        HttpRequest r = request();
        r.headers().set("Transfer-Encoding", "gzip, chunked");
        assertEquals("chunked", sent(r, true, null).headers().get("Transfer-Encoding"));

        HttpRequest sized = request();
        sized.headers().set("Content-Length", "5");
        HttpHeaders h = sent(sized, false, null).headers();
        assertNull(h.get("Transfer-Encoding"));
        assertEquals("5", h.get("Content-Length"));
    }

    @Test
    void anUpgradeKeepsItsTwoHopByHopHeaders() {
        HttpRequest r = request();
        r.headers().set("Connection", "Upgrade").set("Upgrade", "websocket");
        HttpHeaders h = sent(r, false, "websocket").headers();
        assertEquals("upgrade", h.get("Connection"));
        assertEquals("websocket", h.get("Upgrade"));
    }

    @Test
    void viaGainsThisHopAfterTheOnesBefore() {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        r.headers().set("Host", "a").add("Via", "1.1 first");
        assertEquals(List.of("1.1 first", "1.1 gantry"), sent(r, false, null).headers().getAll("Via"));
    }

    @Test
    void anHttp10ClientsExpectationIsNotPassedOnAsAnHttp11One() {
        HttpRequest old = request();
        old.headers().set("Expect", "100-continue");
        assertNull(sent(old, false, null).headers().get("Expect"));
        HttpRequest current = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/");
        current.headers().set("Host", "a").set("Expect", "100-continue");
        assertEquals("100-continue", sent(current, false, null).headers().get("Expect"));
    }
}
