package io.gantry.proxy.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IntermediaryRulesTest {

    private static HttpRequest request(HttpVersion version, String connection, String upgrade) {
        HttpRequest r = new DefaultHttpRequest(version, HttpMethod.GET, "/");
        r.headers().set("Host", "a");
        if (connection != null) {
            r.headers().set("Connection", connection);
        }
        if (upgrade != null) {
            r.headers().set("Upgrade", upgrade);
        }
        return r;
    }

    @Test
    void anHttpVersionIsHttpSlashDigitDotDigitInUpperCase() {
        for (String ok : new String[] {"HTTP/1.1", "HTTP/1.0", "HTTP/1.7", "HTTP/2.0"}) {
            assertTrue(IntermediaryRules.validVersion(ok), ok);
            assertTrue(IntermediaryRules.validVersion((ok + " 200").getBytes(StandardCharsets.US_ASCII), 0), ok);
        }
        for (String bad : new String[] {"http/1.1", "Http/1.1", "HTTP/1.10", "HTTP/01.1", "HTTPS/1.1", "HTTP/1", "HTTP/1.x", ""}) {
            assertFalse(IntermediaryRules.validVersion(bad), bad);
        }
        assertFalse(IntermediaryRules.validVersion("HTTP/1.".getBytes(StandardCharsets.US_ASCII), 0));
    }

    @Test
    void statusCodesRunFrom100To599() {
        assertTrue(IntermediaryRules.validStatus(100));
        assertTrue(IntermediaryRules.validStatus(599));
        assertFalse(IntermediaryRules.validStatus(99));
        assertFalse(IntermediaryRules.validStatus(600));
    }

    @Test
    void http10ClientsGetNoInterimResponsesAndTheirExpectationsStayHere() {
        assertFalse(IntermediaryRules.takesInterim(HttpVersion.HTTP_1_0));
        assertFalse(IntermediaryRules.forwardsExpect(HttpVersion.HTTP_1_0));
        assertTrue(IntermediaryRules.takesInterim(HttpVersion.HTTP_1_1));
        assertTrue(IntermediaryRules.takesInterim(Exchange.HTTP_2));
    }

    @Test
    void contentLengthIsNeverOnAnInterimOr204Response() {
        assertFalse(IntermediaryRules.mayCarryContentLength(100));
        assertFalse(IntermediaryRules.mayCarryContentLength(204));
        assertTrue(IntermediaryRules.mayCarryContentLength(200));
        assertTrue(IntermediaryRules.mayCarryContentLength(304));
    }

    @Test
    void anUpgradeIsOfferedOnlyByHttp11WithTheConnectionOption() {
        assertEquals("websocket", IntermediaryRules.upgradeOffer(request(HttpVersion.HTTP_1_1, "Upgrade", "websocket")));
        assertNull(IntermediaryRules.upgradeOffer(request(HttpVersion.HTTP_1_0, "Upgrade", "websocket")));
        assertNull(IntermediaryRules.upgradeOffer(request(HttpVersion.HTTP_1_1, null, "websocket")));
        assertNull(IntermediaryRules.upgradeOffer(request(Exchange.HTTP_2, "Upgrade", "websocket")));
    }

    @Test
    void protocolsThatCarryHttpAreNeverOfferedForATunnel() {
        assertNull(IntermediaryRules.upgradeOffer(request(HttpVersion.HTTP_1_1, "Upgrade, HTTP2-Settings", "h2c")));
        assertNull(IntermediaryRules.upgradeOffer(request(HttpVersion.HTTP_1_1, "upgrade", "HTTP/2.0")));
        assertNull(IntermediaryRules.upgradeOffer(request(HttpVersion.HTTP_1_1, "upgrade", "TLS/1.2, h2")));
        assertEquals("websocket", IntermediaryRules.upgradeOffer(request(HttpVersion.HTTP_1_1, "upgrade", "websocket, H2C")));
        assertEquals("websocket, foo/2", IntermediaryRules.upgradeOffer(request(HttpVersion.HTTP_1_1, "upgrade", "h2c, websocket, foo/2")));
    }

    @Test
    void aSwitchMustBeToAProtocolTheClientOffered() {
        assertTrue(IntermediaryRules.switchAccepted("websocket", "WebSocket"));
        assertTrue(IntermediaryRules.switchAccepted("websocket, foo/2", "foo/2"));
        assertFalse(IntermediaryRules.switchAccepted("websocket", "h2c"));
        assertFalse(IntermediaryRules.switchAccepted("websocket", null));
        assertFalse(IntermediaryRules.switchAccepted(null, "websocket"));
    }

    @Test
    void trailersLeaveOutWhatFramesRoutesOrBelongsToTheConnection() {
        HttpHeaders head = new DefaultHttpHeaders().set("Connection", "X-Secret");
        HttpHeaders trailers = new DefaultHttpHeaders().add("Host", "evil").add("Content-Length", "5").add("Connection", "close")
                .add("Keep-Alive", "1").add("Transfer-Encoding", "chunked").add("X-Secret", "s").add("X-Sum", "1");
        assertEquals("[X-Sum=1]", IntermediaryRules.forwardableTrailers(trailers, head).entries().toString());
        HttpHeaders fine = new DefaultHttpHeaders().add("X-Sum", "1");
        assertSame(fine, IntermediaryRules.forwardableTrailers(fine, head));
    }

    @Test
    void theFieldsConnectionNamesAreReadInLowerCase() {
        HttpHeaders head = new DefaultHttpHeaders().add("Connection", "X-Hop, close").add("Connection", "Keep-Alive");
        assertEquals(java.util.List.of("x-hop", "close", "keep-alive"), IntermediaryRules.connectionOptions(head));
    }

    @Test
    void maxForwardsZeroStopsOptionsAndTraceHereAndOtherwiseCountsDown() {
        HttpRequest zero = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.OPTIONS, "*");
        zero.headers().set("Max-Forwards", "0");
        assertTrue(IntermediaryRules.maxForwardsReached(zero));
        HttpRequest five = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.TRACE, "/");
        five.headers().set("Max-Forwards", "5");
        assertFalse(IntermediaryRules.maxForwardsReached(five));
        assertEquals("4", five.headers().get("Max-Forwards"));
        HttpRequest get = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        get.headers().set("Max-Forwards", "0");
        assertFalse(IntermediaryRules.maxForwardsReached(get));
        assertEquals("0", get.headers().get("Max-Forwards"));
    }
}
