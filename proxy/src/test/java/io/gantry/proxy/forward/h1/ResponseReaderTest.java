package io.gantry.proxy.forward.h1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.proxy.forward.ResponseHead;
import io.gantry.proxy.forward.ResponseHead.Framing;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Backend responses as the proxy reads them: what it learns from each head, and what it passes on. */
class ResponseReaderTest {

    private final ResponseReader reader = new ResponseReader(8192);
    private final EmbeddedChannel ch = new EmbeddedChannel(reader);

    /** What the reader passed on: heads as "HEAD status framing keepAlive|lines", bytes as text, markers by name. */
    private String read(String... pieces) {
        for (String p : pieces) {
            ch.writeInbound(Unpooled.copiedBuffer(p, StandardCharsets.ISO_8859_1));
        }
        return drain();
    }

    private String drain() {
        StringBuilder out = new StringBuilder();
        for (Object m; (m = ch.readInbound()) != null; ) {
            if (m instanceof ResponseHead h) {
                out.append("HEAD ").append(h.status()).append(' ').append(h.framing()).append(h.keepAlive() ? " keep-alive" : " close")
                        .append('|').append(h.content().toString(StandardCharsets.ISO_8859_1)).append('|');
                h.release();
            } else if (m instanceof ByteBuf b) {
                out.append(b.toString(StandardCharsets.ISO_8859_1));
                b.release();
            } else {
                out.append('<').append(m == ResponseReader.END ? "END" : m == ResponseReader.END_UNCLEAN ? "END_UNCLEAN" : m).append('>');
            }
        }
        return out.toString();
    }

    @Test
    void lengthDelimitedResponsePassesItsEndToEndLinesAndBodyAsSent() {
        reader.expect(false, false);
        assertEquals("HEAD 200 LENGTH keep-alive|HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 5\r\nX-Odd:  spaced \r\n|hello<END>",
                read("HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 5\r\nConnection: keep-alive\r\nX-Odd:  spaced \r\n\r\nhello"));
    }

    @Test
    void headAndBodySplitAnywhereReadTheSame() {
        String response = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789";
        for (int cut = 1; cut < response.length(); cut++) {
            reader.expect(false, false);
            assertEquals("HEAD 200 LENGTH keep-alive|HTTP/1.1 200 OK\r\nContent-Length: 10\r\n|0123456789<END>",
                    read(response.substring(0, cut), response.substring(cut)), "cut at " + cut);
        }
    }

    @Test
    void hopByHopHeadersAndTheOnesConnectionNamesAreLeftOut() {
        reader.expect(false, false);
        String out = read("HTTP/1.1 200 OK\r\nConnection: X-Secret, close\r\nKeep-Alive: timeout=5\r\nX-Secret: 1\r\nX-Secret-Not: 2\r\n"
                + "Proxy-Authenticate: x\r\nTE: trailers\r\nTrailer: X\r\nUpgrade: h2c\r\nContent-Length: 0\r\n\r\n");
        assertEquals("HEAD 200 LENGTH close|HTTP/1.1 200 OK\r\nX-Secret-Not: 2\r\nContent-Length: 0\r\n|<END>", out);
    }

    @Test
    void chunkedBodyPassesWithItsFramingAndTrailers() {
        reader.expect(false, false);
        assertEquals("HEAD 200 CHUNKED keep-alive|HTTP/1.1 200 OK\r\n|5;ext=1\r\nhello\r\n0\r\nX-Sum: 1\r\n\r\n<END>",
                read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhel", "lo\r", "\n0\r\nX-Sum: 1\r\n\r\n"));
    }

    @Test
    void chunkedBodyForAnHttp10ClientPassesOnlyItsData() {
        reader.expect(false, true);
        assertEquals("HEAD 200 CHUNKED keep-alive|HTTP/1.1 200 OK\r\n|hello world<END>",
                read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
    }

    @Test
    void headResponsesAnd204And304HaveNoBodyWhateverTheirHeadsSay() {
        reader.expect(true, false);
        assertEquals("HEAD 200 NONE keep-alive|HTTP/1.1 200 OK\r\nContent-Length: 99\r\n|<END>",
                read("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n"));
        reader.expect(false, false);
        assertEquals("HEAD 304 NONE keep-alive|HTTP/1.1 304 Not Modified\r\n|<END>", read("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n"));
    }

    @Test
    void informationalResponsesAreFollowedByTheFinalOne() {
        reader.expect(false, false);
        assertEquals("HEAD 100 NONE keep-alive|HTTP/1.1 100 Continue\r\n|HEAD 200 LENGTH keep-alive|HTTP/1.1 200 OK\r\nContent-Length: 2\r\n|ok<END>",
                read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    }

    @Test
    void bodyWithoutLengthEndsWhenTheBackendCloses() {
        reader.expect(false, false);
        assertEquals("HEAD 200 CLOSE close|HTTP/1.1 200 OK\r\n|some", read("HTTP/1.0 200 OK\r\n\r\nsome"));
        ch.finish();
        assertEquals("<END>", drain());
    }

    @Test
    void http10BackendKeepsItsConnectionOnlyWhenItSaysSo() {
        reader.expect(false, false);
        assertTrue(read("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n").contains("keep-alive|"));
        reader.expect(false, false);
        assertTrue(read("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").contains(" close|"));
    }

    @Test
    void bytesAfterTheResponseMarkItsEndUnclean() {
        reader.expect(false, false);
        assertEquals("HEAD 200 LENGTH keep-alive|HTTP/1.1 200 OK\r\nContent-Length: 2\r\n|ok<END_UNCLEAN>extra",
                read("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokextra"));
    }

    @Test
    void aCloseBeforeTheBodyEndsIsMalformed() {
        reader.expect(false, false);
        read("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc");
        ResponseReader.Malformed e = assertThrows(ResponseReader.Malformed.class, ch::finish);
        assertTrue(e.getMessage().contains("before the body ended"), e.getMessage());
    }

    @Test
    void responsesThatCannotBeFramedSafelyAreRefused() {
        String[][] cases = {
            {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "conflicting Content-Length"},
            {"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n", "bad Content-Length"},
            {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", "both Content-Length and Transfer-Encoding"},
            {"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "does not end in chunked"},
            {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size"},
            {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1234567890abcdef0\r\n", "chunk size too large"},
            {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY", "not followed by CRLF"},
            {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\nab\r\n", "not ended by CRLF"},
            {"HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n", "obsolete line folding"},
            {"HTTP/1.1 200 OK\r\nX A: 1\r\n\r\n", "bad header name"},
            {"HTTP/1.1 200 OK\r\nX-A: a\u0000b\r\n\r\n", "control character"},
            {"HTTP/1.1 200 OK\r\nX-A: a\rb\r\n\r\n", "control character"},
            {"HTTP/2 200 OK\r\n\r\n", "bad status line"},
            {"HTTP/1.1 2000 OK\r\n\r\n", "bad status line"},
            {"\r\nHTTP/1.1 200 OK\r\n\r\n", "empty status line"},
        };
        for (String[] c : cases) {
            ResponseReader r = new ResponseReader(8192);
            EmbeddedChannel channel = new EmbeddedChannel(r);
            r.expect(false, false);
            ResponseReader.Malformed e = assertThrows(ResponseReader.Malformed.class,
                    () -> channel.writeInbound(Unpooled.copiedBuffer(c[0], StandardCharsets.ISO_8859_1)), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
            channel.releaseInbound(); // a head may have gone before a bad body
            // Once broken, the reader passes nothing more on from that connection.
            r.expect(false, false);
            channel.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", StandardCharsets.ISO_8859_1));
            assertNull(channel.readInbound(), c[0]);
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void statusLinesRefuseWhatIsNotAnHttp1VersionOrAStatusCode() {
        for (String statusLine : new String[] {"http/1.1 200 OK", "Http/1.1 200 OK", "HTTP/1.10 200 OK", "HTTP/01.1 200 OK",
                "HTTP/2.0 200 OK", "HTTP/1.1 099 Odd", "HTTP/1.1 600 Odd", "ICY 200 OK"}) {
            assertMalformed(statusLine + "\r\nContent-Length: 0\r\n\r\n", "bad status");
        }
    }

    @Test
    void aStatusLineWithoutReasonPhraseIsRead() {
        reader.expect(false, false);
        assertEquals("HEAD 200 LENGTH keep-alive|HTTP/1.1 200\r\nContent-Length: 2\r\n|ok<END>",
                read("HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok"));
    }

    @Test
    void chunkedInAnHttp10ResponseIsFaultyFraming() {
        assertMalformed("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n0\r\n\r\n",
                "Transfer-Encoding in an HTTP/1.0 response");
    }

    @Test
    void contentLengthIsLeftOutOfInterimAnd204Responses() {
        reader.expect(false, false);
        assertEquals("HEAD 100 NONE keep-alive|HTTP/1.1 100 Continue\r\n|HEAD 204 NONE keep-alive|HTTP/1.1 204 No Content\r\n|<END>",
                read("HTTP/1.1 100 Continue\r\nContent-Length: 5\r\n\r\nHTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"));
        reader.expect(false, false);
        assertEquals("HEAD 304 NONE keep-alive|HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n|<END>",
                read("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n"));
    }

    @Test
    void trailersThatFrameRouteOrBelongToTheConnectionAreLeftOut() {
        String response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: X-Hop\r\n\r\n2\r\nok\r\n0\r\n"
                + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\nHost: evil\r\nConnection: close\r\nKeep-Alive: 1\r\n"
                + "X-Hop: secret\r\nX-Sum: 1\r\n\r\n";
        reader.expect(false, false);
        assertEquals("HEAD 200 CHUNKED keep-alive|HTTP/1.1 200 OK\r\n|2\r\nok\r\n0\r\nX-Sum: 1\r\n\r\n<END>", read(response));
        for (int cut = 60; cut < response.length(); cut += 7) {
            reader.expect(false, false);
            assertEquals("HEAD 200 CHUNKED keep-alive|HTTP/1.1 200 OK\r\n|2\r\nok\r\n0\r\nX-Sum: 1\r\n\r\n<END>",
                    read(response.substring(0, cut), response.substring(cut)), "cut at " + cut);
        }
        reader.expect(false, true);
        ch.writeInbound(Unpooled.copiedBuffer(response, StandardCharsets.ISO_8859_1));
        ch.<ResponseHead>readInbound().release();
        ByteBuf data = ch.readInbound();
        data.release();
        ResponseReader.Trailers trailers = ch.readInbound();
        assertEquals("[X-Sum=1]", trailers.fields().entries().toString());
        assertEquals(ResponseReader.END, ch.readInbound());
    }

    @Test
    void trailerLinesThatAreNotFieldLinesFailTheResponse() {
        String start = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n";
        assertMalformed(start + "X-T : v\r\n\r\n", "bad trailer name");
        assertMalformed(start + "X-T: a\r\n b\r\n\r\n", "obsolete line folding in the trailers");
        assertMalformed(start + "not a field\r\n\r\n", "bad trailer");
        assertMalformed(start + "X-T: a\u0000b\r\n\r\n", "control character in a trailer line");
    }

    private static void assertMalformed(String response, String why) {
        ResponseReader r = new ResponseReader(8192);
        EmbeddedChannel channel = new EmbeddedChannel(r);
        r.expect(false, false);
        ResponseReader.Malformed e = assertThrows(ResponseReader.Malformed.class,
                () -> channel.writeInbound(Unpooled.copiedBuffer(response, StandardCharsets.ISO_8859_1)), response);
        assertTrue(e.getMessage().contains(why), response + " -> " + e.getMessage());
        channel.finishAndReleaseAll();
    }

    @Test
    void aHeadLargerThanTheLimitIsRefused() {
        ResponseReader small = new ResponseReader(64);
        EmbeddedChannel channel = new EmbeddedChannel(small);
        small.expect(false, false);
        ResponseReader.Malformed e = assertThrows(ResponseReader.Malformed.class, () -> channel.writeInbound(
                Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nX-Long: " + "x".repeat(100) + "\r\n\r\n", StandardCharsets.ISO_8859_1)));
        assertTrue(e.getMessage().contains("head larger than 64 bytes"), e.getMessage());
    }

    @Test
    void switchingProtocolsTurnsTheRestIntoRawBytesWithTheUpgradeKnown() {
        reader.expect(false, false);
        ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n\u0081\u0002hi",
                StandardCharsets.ISO_8859_1));
        ResponseHead head = ch.readInbound();
        assertEquals(101, head.status());
        assertEquals("websocket", head.upgrade());
        assertEquals(Framing.NONE, head.framing());
        head.release();
        ByteBuf rest = ch.readInbound();
        assertEquals("\u0081\u0002hi", rest.toString(StandardCharsets.ISO_8859_1));
        rest.release();
        assertNull(ch.readInbound());
    }

    @Test
    void anUnaskedResponseOnAnIdleConnectionIsPassedOnAsBytes() {
        ByteBuf stray = Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\n\r\n", StandardCharsets.ISO_8859_1);
        ch.writeInbound(stray);
        Object m = ch.readInbound();
        assertTrue(m instanceof ByteBuf, String.valueOf(m));
        ((ByteBuf) m).release();
        assertNull(ch.readInbound());
    }
}
