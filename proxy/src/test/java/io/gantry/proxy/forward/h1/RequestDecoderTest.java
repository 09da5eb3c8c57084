package io.gantry.proxy.forward.h1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestDecoderTest {

    private static HttpRequest decode(String requestLine) {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder(new HttpDecoderConfig()));
        ch.writeInbound(Unpooled.copiedBuffer(requestLine + "\r\nHost: a\r\n\r\n", StandardCharsets.ISO_8859_1));
        HttpRequest r = ch.readInbound();
        ch.finishAndReleaseAll();
        return r;
    }

    @Test
    void aVersionInAnyOtherCaseThanHttpFailsToDecode() {
        for (String line : new String[] {"GET / http/1.1", "GET / Http/1.1", "GET / HTTP/1.10", "GET / HTTP/01.1", "GET / HTTPS/1.1"}) {
            HttpRequest r = decode(line);
            assertTrue(r.decoderResult().isFailure(), line);
        }
    }

    @Test
    void wellFormedVersionsDecodeAsBefore() {
        assertEquals(HttpVersion.HTTP_1_1, decode("GET / HTTP/1.1").protocolVersion());
        assertEquals(HttpVersion.HTTP_1_0, decode("GET / HTTP/1.0").protocolVersion());
        HttpRequest later = decode("GET / HTTP/1.7");
        assertTrue(later.decoderResult().isSuccess());
        assertEquals(7, later.protocolVersion().minorVersion());
    }
}
