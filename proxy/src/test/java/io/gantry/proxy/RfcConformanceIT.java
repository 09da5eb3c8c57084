package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.common.HostPort;
import io.gantry.proxy.HostileBackend.After;
import io.gantry.proxy.HostileBackend.Script;
import io.gantry.proxy.WireClient.Response;
import io.gantry.proxy.WireClient.Transcript;
import io.gantry.testing.HaproxyLoadBalancer;
import io.gantry.testing.NginxLoadBalancer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * One input per row of {@code proxy/RFC-AUDIT.md}: what RFC 9110 and RFC 9112 say an intermediary
 * must and must not forward, tried over sockets on the proxy and, in the same run and for the record
 * only, on nginx set up as the tutorial's load balancer and on HAProxy, all three in front of the same
 * {@link HostileBackend}. A request-side input is judged by the bytes the backend received and what
 * the client got; a response-side input by what the client got, then by what the next request on the
 * same client connection and a request from a second client on a fresh connection get: each must be
 * its own answer, so a pooled backend connection left out of step shows.
 */
class RfcConformanceIT {

    private static final int READ_TIMEOUT_MILLIS = 6000;

    /** What is wrong with an outcome, or null when it conforms. */
    @FunctionalInterface
    interface Judge {
        String problem(Transcript client, List<String> backendReceived);
    }

    /**
     * One input. {@code request} has {@code {T}} where its target goes ({@code /c/NAME~TARGET}, which
     * also picks the backend's {@code script}, null for the plain path-echo answer); {@code head}: the
     * request is a HEAD, so the response has no body.
     */
    record Case(String name, String rule, boolean responseSide, String request, Script script, boolean head, Judge judge) {
        static Case request(String name, String rule, String request, Judge judge) {
            return new Case(name, rule, false, request, null, false, judge);
        }

        static Case request(String name, String rule, String request, Script script, Judge judge) {
            return new Case(name, rule, false, request, script, false, judge);
        }

        static Case response(String name, String rule, Script script, Judge judge) {
            return new Case(name, rule, true, GET, script, false, judge);
        }

        static Case response(String name, String rule, String request, Script script, Judge judge) {
            return new Case(name, rule, true, request, script, request.startsWith("HEAD "), judge);
        }
    }

    private static final String GET = "GET {T} HTTP/1.1\r\nHost: a\r\n\r\n";
    private static final String CHUNKED_POST = "POST {T} HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n";
    private static final String SMUGGLED = "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nsmuggled\n";
    private static final String CHUNKED_OK = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n";
    private static final String WEBSOCKET = "GET {T} HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: websocket\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        // --- request side: the protocol name and version (RFC 9112 §2.3) ---
        c.add(Case.request("version-lower-case", "9112 §2.3", "GET {T} http/1.1\r\nHost: a\r\n\r\n", refused()));
        c.add(Case.request("version-mixed-case", "9112 §2.3", "GET {T} Http/1.1\r\nHost: a\r\n\r\n", refused()));
        c.add(Case.request("version-two-digit-minor", "9112 §2.3", "GET {T} HTTP/1.10\r\nHost: a\r\n\r\n", refused()));
        c.add(Case.request("version-leading-zero", "9112 §2.3", "GET {T} HTTP/01.1\r\nHost: a\r\n\r\n", refused()));
        c.add(Case.request("version-other-protocol", "9112 §2.3", "GET {T} HTTPS/1.1\r\nHost: a\r\n\r\n", refused()));
        c.add(Case.request("version-without-minor", "9112 §2.3", "GET {T} HTTP/1\r\nHost: a\r\n\r\n", refused()));
        c.add(Case.request("version-2.0-on-http1", "9112 §2.3", "GET {T} HTTP/2.0\r\nHost: a\r\n\r\n", refused()));
        c.add(Case.request("version-0.9-with-version", "9112 §2.3", "GET {T} HTTP/0.9\r\nHost: a\r\n\r\n", refused()));
        c.add(Case.request("version-1.7-read-as-1.1", "9112 §2.3", "GET {T} HTTP/1.7\r\nHost: a\r\n\r\n",
                refusedOr(forwardedAll(r -> r.startsWith("GET /c/version-1.7-read-as-1.1~") && firstLine(r).endsWith(" HTTP/1.1"),
                        "goes on as HTTP/1.1"))));
        // --- request side: Upgrade (RFC 9110 §7.8, RFC 9113 §3.1) ---
        Script websocket101 = Script.ifUpgrade("HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n",
                After.ECHO);
        c.add(Case.request("upgrade-in-http10", "9110 §7.8", "GET {T} HTTP/1.0\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n",
                websocket101, all(noField("upgrade"), noStatus(101))));
        Script h2c101 = Script.ifUpgrade("HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: h2c\r\n\r\n", After.ECHO);
        c.add(Case.request("upgrade-h2c", "9113 §3.1", "GET {T} HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n", h2c101,
                all(noField("upgrade"), noField("http2-settings"), noStatus(101))));
        c.add(Case.request("upgrade-h2c-among-others", "9113 §3.1", "GET {T} HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\n"
                + "Upgrade: websocket, h2c\r\n\r\n", h2c101, all(noValue("upgrade", "h2c"), noStatus(101))));
        Script http2101 = Script.ifUpgrade("HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: HTTP/2.0\r\n\r\n",
                After.ECHO);
        c.add(Case.request("upgrade-to-http2", "9110 §7.8", "GET {T} HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: HTTP/2.0\r\n\r\n",
                http2101, all(noField("upgrade"), noStatus(101))));
        c.add(Case.request("upgrade-without-connection-option", "9110 §7.8", "GET {T} HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n",
                websocket101, all(noField("upgrade"), noStatus(101))));
        // --- request side: trailer fields (RFC 9110 §6.5, §7.6.1; RFC 9112 §7.1.2) ---
        c.add(Case.request("trailer-named-by-connection", "9110 §7.6.1", "POST {T} HTTP/1.1\r\nHost: a\r\nConnection: X-Secret\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nX-Secret: s\r\nX-Ok: 1\r\n\r\n", refusedOr(noField("x-secret"))));
        c.add(Case.request("trailer-hop-by-hop", "9110 §7.6.1", CHUNKED_POST + "\r\n1\r\na\r\n0\r\nConnection: close\r\n"
                + "Keep-Alive: timeout=5\r\nTE: trailers\r\nUpgrade: websocket\r\nProxy-Authorization: Basic eDp5\r\n\r\n",
                refusedOr(all(noField("keep-alive"), noField("te"), noField("upgrade"), noField("proxy-authorization"),
                        noValue("connection", "close")))));
        c.add(Case.request("trailer-framing-and-routing", "9110 §6.5.1", CHUNKED_POST + "\r\n1\r\na\r\n0\r\nContent-Length: 50\r\n"
                + "Transfer-Encoding: chunked\r\nTrailer: X-A\r\nHost: evil.invalid\r\n\r\n",
                refusedOr(all(noField("content-length"), noValue("transfer-encoding", "chunked, chunked"), noValue("host", "evil")))));
        c.add(Case.request("trailer-space-before-colon", "9112 §5.1", CHUNKED_POST + "\r\n1\r\na\r\n0\r\nX-T : v\r\n\r\n",
                refusedOr(noLine(l -> l.startsWith("X-T "), "a space before a trailer's colon"))));
        c.add(Case.request("trailer-obs-fold", "9112 §5.2", CHUNKED_POST + "\r\n1\r\na\r\n0\r\nX-T: a\r\n b\r\n\r\n",
                refusedOr(noLine(l -> l.startsWith(" "), "a folded trailer line"))));
        c.add(Case.request("trailer-nul", "9110 §5.5", CHUNKED_POST + "\r\n1\r\na\r\n0\r\nX-T: a\u0000b\r\n\r\n",
                refusedOr(noLine(l -> l.indexOf(0) >= 0, "a NUL in a trailer"))));
        // --- request side: HTTP/1.0 clients and interim responses (RFC 9110 §10.1.1, §15.2) ---
        Script continueThenOk = Script.of("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n", After.KEEP);
        c.add(Case.request("expect-in-http10", "9110 §10.1.1", "POST {T} HTTP/1.0\r\nHost: a\r\nExpect: 100-continue\r\n"
                + "Content-Length: 2\r\n\r\nab", continueThenOk, all(noField("expect"), noInterim(), status(200))));
        // --- request side: hop-by-hop fields (RFC 9110 §7.6.1) ---
        c.add(Case.request("connection-named-field", "9110 §7.6.1", "GET {T} HTTP/1.1\r\nHost: a\r\nConnection: X-Hop, keep-alive\r\n"
                + "X-Hop: 1\r\nKeep-Alive: timeout=5\r\n\r\n", all(noField("x-hop"), noField("keep-alive"), status(200))));
        c.add(Case.request("te-is-hop-by-hop", "9110 §10.1.4", "GET {T} HTTP/1.1\r\nHost: a\r\nConnection: TE\r\nTE: trailers, gzip\r\n\r\n",
                all(noField("te"), status(200))));
        c.add(Case.request("proxy-authorization-consumed", "9110 §11.7.2", "GET {T} HTTP/1.1\r\nHost: a\r\nProxy-Authorization: Basic eDp5\r\n\r\n",
                all(noField("proxy-authorization"), status(200))));
        // --- request side: Max-Forwards and Via (RFC 9110 §7.6.2, §7.6.3) ---
        c.add(Case.request("max-forwards-zero-options", "9110 §7.6.2", "OPTIONS {T} HTTP/1.1\r\nHost: a\r\nMax-Forwards: 0\r\n\r\n",
                all(nothingForwarded(), answeredByTheProxy())));
        c.add(Case.request("max-forwards-zero-trace", "9110 §7.6.2", "TRACE {T} HTTP/1.1\r\nHost: a\r\nMax-Forwards: 0\r\n\r\n",
                all(nothingForwarded(), answeredByTheProxy())));
        c.add(Case.request("max-forwards-decremented", "9110 §7.6.2", "OPTIONS {T} HTTP/1.1\r\nHost: a\r\nMax-Forwards: 5\r\n\r\n",
                forwardedAll(r -> r.toLowerCase(Locale.ROOT).contains("\nmax-forwards: 4\r\n"), "carries Max-Forwards: 4")));
        c.add(Case.request("via-added", "9110 §7.6.3", "GET {T} HTTP/1.1\r\nHost: a\r\nVia: 1.1 earlier\r\n\r\n",
                forwardedAll(r -> r.contains("1.1 earlier") && viaMembers(r) == 2, "carries its own Via")));

        // --- request side: the proxy's own answers (RFC 9110 §6.6.1) ---
        c.add(Case.request("own-answer-dated", "9110 §6.6.1", "GET {T} HTTP/1.1\r\n\r\n",
                all(status(400), (t, r) -> t.last().header("date") != null ? null : "no Date on " + t)));

        // --- response side: framing and what follows it (RFC 9112 §6.3) ---
        c.add(Case.response("extra-bytes-after-content-length", "9112 §6.3",
                Script.of("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" + SMUGGLED, After.POISON), body(200, "hello")));
        c.add(Case.response("extra-bytes-after-last-chunk", "9112 §6.3",
                Script.of(CHUNKED_OK + "\r\n5\r\nhello\r\n0\r\n\r\n" + SMUGGLED, After.POISON), body(200, "hello")));
        c.add(Case.response("length-and-chunked", "9112 §6.3",
                Script.of(CHUNKED_OK + "Content-Length: 3\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + SMUGGLED, After.POISON),
                either(badGateway(), all(body(200, "hello"), noHeader("content-length")))));
        c.add(Case.response("two-different-lengths", "9112 §6.3",
                Script.of("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 14\r\n\r\nhello" + SMUGGLED, After.POISON), badGateway()));
        c.add(Case.response("length-list-differing", "9112 §6.3",
                Script.of("HTTP/1.1 200 OK\r\nContent-Length: 5, 14\r\n\r\nhello" + SMUGGLED, After.POISON), badGateway()));
        c.add(Case.response("length-with-plus-sign", "9110 §8.6",
                Script.of("HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello" + SMUGGLED, After.POISON), badGateway()));
        c.add(Case.response("coding-not-ending-in-chunked", "9112 §6.3",
                Script.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 5\r\n\r\nhello" + SMUGGLED, After.POISON),
                either(badGateway(), bodyUntilClose())));
        c.add(Case.response("chunked-in-http10-response", "9112 §6.1",
                Script.of("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + SMUGGLED,
                        After.POISON), either(badGateway(), body(200, "hello"))));
        c.add(Case.response("body-cut-by-close", "9112 §8",
                Script.of("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", After.CLOSE), incompleteOrBadGateway()));
        // --- response side: bodies where none may be (RFC 9110 §6.4.1, §8.6; RFC 9112 §6.3) ---
        c.add(Case.response("body-on-204", "9110 §15.3.5",
                Script.of("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello" + SMUGGLED, After.POISON),
                all(status(204), noHeader("content-length"))));
        c.add(Case.response("chunked-body-on-204", "9110 §15.3.5",
                Script.of("HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + SMUGGLED, After.POISON),
                all(status(204), noHeader("transfer-encoding"))));
        c.add(Case.response("body-on-304", "9110 §15.4.5",
                Script.of("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\nhello" + SMUGGLED, After.POISON), status(304)));
        c.add(Case.response("body-on-head-response", "9110 §9.3.2", "HEAD {T} HTTP/1.1\r\nHost: a\r\n\r\n",
                Script.of("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" + SMUGGLED, After.POISON), status(200)));
        // --- response side: status lines (RFC 9112 §2.3, §4; RFC 9110 §15) ---
        c.add(Case.response("status-version-lower-case", "9112 §2.3",
                Script.of("http/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" + SMUGGLED, After.POISON), badGateway()));
        c.add(Case.response("status-version-two-digit-minor", "9112 §2.3",
                Script.of("HTTP/1.10 200 OK\r\nContent-Length: 2\r\n\r\nok" + SMUGGLED, After.POISON), badGateway()));
        c.add(Case.response("status-version-leading-zero", "9112 §2.3",
                Script.of("HTTP/01.1 200 OK\r\nContent-Length: 2\r\n\r\nok" + SMUGGLED, After.POISON), badGateway()));
        c.add(Case.response("status-version-2.0", "9112 §2.3",
                Script.of("HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nok" + SMUGGLED, After.POISON), badGateway()));
        c.add(Case.response("status-code-four-digits", "9112 §4",
                Script.of("HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nok" + SMUGGLED, After.POISON), badGateway()));
        c.add(Case.response("status-code-below-100", "9110 §15",
                Script.of("HTTP/1.1 099 Odd\r\nContent-Length: 2\r\n\r\nok" + SMUGGLED, After.POISON), badGateway()));
        c.add(Case.response("status-code-above-599", "9110 §15",
                Script.of("HTTP/1.1 600 Odd\r\nContent-Length: 2\r\n\r\nok" + SMUGGLED, After.POISON), badGateway()));
        c.add(Case.response("status-line-not-http", "9112 §4",
                Script.of("ICY 200 OK\r\nContent-Length: 2\r\n\r\nok" + SMUGGLED, After.POISON), badGateway()));
        // --- response side: header syntax (RFC 9112 §5) ---
        c.add(Case.response("header-space-before-colon", "9112 §5.1",
                Script.of("HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello" + SMUGGLED, After.POISON),
                either(badGateway(), all(body(200, "hello"), noLineInHead(l -> l.startsWith("Content-Length "))))));
        c.add(Case.response("header-obs-fold", "9112 §5.2",
                Script.of("HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nContent-Length: 2\r\n\r\nok", After.KEEP),
                either(badGateway(), all(body(200, "ok"), noLineInHead(l -> l.startsWith(" "))))));
        c.add(Case.response("header-nul", "9110 §5.5",
                Script.of("HTTP/1.1 200 OK\r\nX-A: a\u0000b\r\nContent-Length: 2\r\n\r\nok", After.KEEP), badGateway()));
        c.add(Case.response("head-never-ends", "9112 §2.3",
                Script.of("HTTP/1.1 200 OK\r\n", After.ENDLESS), badGateway()));
        c.add(Case.response("head-cut-by-close", "9112 §8",
                Script.of("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", After.CLOSE), badGateway()));
        c.add(Case.response("connection-named-field-in-response", "9110 §7.6.1",
                Script.of("HTTP/1.1 200 OK\r\nConnection: X-Hop\r\nX-Hop: secret\r\nKeep-Alive: timeout=1\r\nContent-Length: 2\r\n\r\nok",
                        After.KEEP), all(body(200, "ok"), noHeader("x-hop"), noHeader("keep-alive"))));
        // --- response side: trailer fields (RFC 9110 §6.5, §7.6.1; RFC 9112 §7.1.2) ---
        c.add(Case.response("trailer-framing-and-routing", "9110 §6.5.1",
                Script.of(CHUNKED_OK + "\r\n5\r\nhello\r\n0\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nHost: evil.invalid\r\n"
                        + "X-Ok: 1\r\n\r\n", After.KEEP),
                all(body(200, "hello"), noTrailer("content-length"), noTrailer("transfer-encoding"), noTrailer("host"))));
        c.add(Case.response("trailer-named-by-connection", "9110 §7.6.1",
                Script.of(CHUNKED_OK + "Connection: X-Hop\r\n\r\n5\r\nhello\r\n0\r\nX-Hop: secret\r\nX-Ok: 1\r\n\r\n", After.KEEP),
                all(body(200, "hello"), noTrailer("x-hop"))));
        c.add(Case.response("trailer-hop-by-hop", "9110 §7.6.1",
                Script.of(CHUNKED_OK + "\r\n5\r\nhello\r\n0\r\nConnection: close\r\nKeep-Alive: timeout=1\r\nUpgrade: x\r\n\r\n", After.KEEP),
                all(body(200, "hello"), noTrailer("connection"), noTrailer("keep-alive"), noTrailer("upgrade"))));
        c.add(Case.response("trailer-space-before-colon", "9112 §5.1",
                Script.of(CHUNKED_OK + "\r\n5\r\nhello\r\n0\r\nX-T : v\r\n\r\n", After.KEEP),
                noTrailerLine(l -> l.startsWith("X-T "), "a space before a trailer's colon")));
        c.add(Case.response("trailer-obs-fold", "9112 §5.2",
                Script.of(CHUNKED_OK + "\r\n5\r\nhello\r\n0\r\nX-T: a\r\n b\r\n\r\n", After.KEEP),
                noTrailerLine(l -> l.startsWith(" "), "a folded trailer line")));
        c.add(Case.response("trailer-without-colon", "9112 §7.1.2",
                Script.of(CHUNKED_OK + "\r\n5\r\nhello\r\n0\r\nnot a field\r\n\r\n", After.KEEP),
                noTrailerLine(l -> !l.contains(":"), "a trailer line that is not a field")));
        // --- response side: interim responses (RFC 9110 §15.2) ---
        String interims = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n";
        c.add(Case.response("interim-to-http10-client", "9110 §15.2", "GET {T} HTTP/1.0\r\nHost: a\r\n\r\n",
                Script.of(interims + "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n", After.KEEP), all(noInterim(), body(200, "ok\n"))));
        c.add(Case.response("interim-to-http10-keep-alive", "9110 §15.2", "GET {T} HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n",
                Script.of(interims + "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n", After.KEEP), all(noInterim(), body(200, "ok\n"))));
        c.add(Case.response("interim-forwarded-to-http11", "9110 §15.2",
                Script.of(interims + "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n", After.KEEP), all(interimCount(2), body(200, "ok\n"))));
        c.add(Case.response("interim-flood", "9110 §15.2",
                Script.of("HTTP/1.1 100 Continue\r\n\r\n".repeat(500) + "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n", After.KEEP),
                all(interimCount(500), body(200, "ok\n"))));
        c.add(Case.response("interim-with-length", "9110 §8.6",
                Script.of("HTTP/1.1 100 Continue\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n", After.KEEP),
                all(body(200, "ok\n"), (t, r) -> t.interim().stream().anyMatch(i -> i.header("content-length") != null)
                        ? "an interim response kept its Content-Length" : null)));
        // --- response side: switching protocols (RFC 9110 §7.8, §15.2.2) ---
        c.add(Case.response("switch-nobody-asked-for", "9110 §15.2.2",
                Script.of("HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n" + SMUGGLED, After.POISON),
                all(noStatus(101), badGateway())));
        c.add(Case.response("switch-to-another-protocol", "9110 §15.2.2", WEBSOCKET,
                Script.of("HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: echo\r\n\r\n", After.ECHO),
                all(noStatus(101), badGateway())));
        c.add(Case.response("switch-without-upgrade-field", "9110 §15.2.2", WEBSOCKET,
                Script.of("HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\n\r\n", After.ECHO), all(noStatus(101), badGateway())));
        c.add(Case.response("switch-as-asked", "9110 §15.2.2", WEBSOCKET,
                Script.of("HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n"
                        + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n", After.ECHO), status(101)));
        return c;
    }

    // --- judges -----------------------------------------------------------------------------------

    private static Judge all(Judge... judges) {
        return (t, r) -> {
            for (Judge j : judges) {
                String p = j.problem(t, r);
                if (p != null) {
                    return p;
                }
            }
            return null;
        };
    }

    private static Judge either(Judge a, Judge b) {
        return (t, r) -> {
            String p = a.problem(t, r);
            return p == null ? null : b.problem(t, r) == null ? null : p + " / " + b.problem(t, r);
        };
    }

    /** Refused (4xx, 5xx or closed), and nothing of it reached the backend. */
    private static Judge refused() {
        return (t, r) -> !r.isEmpty() ? "forwarded: " + firstLine(r.get(0)) : t.refused() ? null : "answered " + t.status();
    }

    /** Refused as above, or else forwarded as {@code judge} says. */
    private static Judge refusedOr(Judge judge) {
        return (t, r) -> r.isEmpty() && t.refused() ? null : judge.problem(t, r);
    }

    private static Judge forwardedAll(Predicate<String> ok, String what) {
        return (t, r) -> r.isEmpty() ? "nothing reached the backend (" + t + ")"
                : r.stream().allMatch(ok) ? null : "the backend got a request that not " + what + ": " + r.get(0).replace("\r\n", "|");
    }

    private static Judge nothingForwarded() {
        return (t, r) -> r.isEmpty() ? null : "forwarded: " + firstLine(r.get(0));
    }

    private static Judge answeredByTheProxy() {
        return (t, r) -> t.status() >= 200 && t.status() < 500 ? null : "no final answer: " + t;
    }

    /** No line of any request the backend received is a field named {@code name}. */
    private static Judge noField(String name) {
        return noLine(l -> l.toLowerCase(Locale.ROOT).startsWith(name + ":"), "a " + name + " field");
    }

    /** No field named {@code name} whose value contains {@code value} reached the backend. */
    private static Judge noValue(String name, String value) {
        return noLine(l -> l.toLowerCase(Locale.ROOT).startsWith(name + ":") && l.toLowerCase(Locale.ROOT).contains(value),
                name + " with " + value);
    }

    private static Judge noLine(Predicate<String> bad, String what) {
        return (t, r) -> {
            for (String request : r) {
                for (String line : request.split("\r\n", -1)) {
                    if (bad.test(line)) {
                        return "the backend got " + what + ": '" + line.replace("\u0000", "\\0") + "'";
                    }
                }
            }
            return null;
        };
    }

    private static Judge status(int status) {
        return (t, r) -> t.status() == status ? null : "expected " + status + ", got " + t;
    }

    private static Judge noStatus(int status) {
        return (t, r) -> t.responses().stream().anyMatch(x -> x.status() == status) ? "the client got a " + status : null;
    }

    private static Judge body(int status, String body) {
        return (t, r) -> t.status() == status && t.last().complete() && t.last().text().equals(body) ? null
                : "expected " + status + " '" + body + "', got " + t + (t.last() == null ? "" : " '" + t.last().text() + "'");
    }

    private static Judge bodyUntilClose() {
        return (t, r) -> t.status() == 200 && t.last().header("content-length") == null ? null : "not a body ended by the close: " + t;
    }

    /** A 5xx from the proxy, or a close: nothing of the backend's answer passed. */
    private static Judge badGateway() {
        return (t, r) -> t.garbage() != null ? "the client got '" + t.garbage() + "'"
                : t.status() == -1 || (t.status() >= 500 && t.status() < 600) ? null : "expected 502, got " + t;
    }

    private static Judge incompleteOrBadGateway() {
        return (t, r) -> t.last() != null && !t.last().complete() ? null : badGateway().problem(t, r);
    }

    private static Judge noInterim() {
        return (t, r) -> t.interim().isEmpty() ? null : "the client got " + t.interim().size() + " interim responses";
    }

    private static Judge interimCount(int n) {
        return (t, r) -> t.interim().size() == n ? null : "expected " + n + " interim responses, got " + t.interim().size();
    }

    private static Judge noHeader(String name) {
        return (t, r) -> t.last() != null && t.last().header(name) != null ? "the client got " + name + ": " + t.last().header(name) : null;
    }

    private static Judge noLineInHead(Predicate<String> bad) {
        return (t, r) -> t.last() != null && t.last().headerLines().stream().anyMatch(bad) ? "the client got a malformed header line"
                : null;
    }

    private static Judge noTrailer(String name) {
        return (t, r) -> t.last() != null && t.last().hasTrailer(name) ? "the client got a " + name + " trailer" : null;
    }

    private static Judge noTrailerLine(Predicate<String> bad, String what) {
        return (t, r) -> t.last() != null && t.last().trailerLines().stream().anyMatch(bad) ? "the client got " + what : null;
    }

    private static String firstLine(String request) {
        int eol = request.indexOf("\r\n");
        return eol < 0 ? request : request.substring(0, eol);
    }

    /** How many members the Via field lines of a request list together. */
    private static int viaMembers(String request) {
        int n = 0;
        for (String line : request.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("via:")) {
                n += line.split(",").length;
            }
        }
        return n;
    }

    // --- running ----------------------------------------------------------------------------------

    /** A case's verdict on one target: null when it conforms, else what went wrong. */
    private static String run(Case c, String target, InetSocketAddress address, HostileBackend backend) throws IOException {
        String marker = "/c/" + c.name() + "~" + target;
        Transcript first;
        Transcript next = null;
        try (WireClient client = new WireClient(address, READ_TIMEOUT_MILLIS)) {
            first = client.exchange(c.request().replace("{T}", marker), c.head());
            boolean usable = first.garbage() == null && !first.closed() && !first.silent() && first.status() != 101
                    && first.last() != null && first.last().complete();
            if (c.responseSide() && usable) {
                next = client.exchange("GET /next~" + c.name() + "~" + target + " HTTP/1.1\r\nHost: a\r\n\r\n", false);
            }
        }
        String problem = c.judge().problem(first, backend.receivedWith(marker));
        if (problem != null || !c.responseSide()) {
            return problem;
        }
        if (next != null && !next.responses().isEmpty()) {
            String expected = "/next~" + c.name() + "~" + target + "\n";
            if (next.status() != 200 || !next.last().text().equals(expected)) {
                return "the next request on the same connection got " + next + " '" + (next.last() == null ? "" : next.last().text().trim()) + "'";
            }
        }
        try (WireClient fresh = new WireClient(address, READ_TIMEOUT_MILLIS)) {
            String path = "/fresh~" + c.name() + "~" + target;
            Transcript t = fresh.exchange("GET " + path + " HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", false);
            if (t.status() != 200 || !t.last().text().equals(path + "\n")) {
                return "a second client got " + t + " '" + (t.last() == null ? "" : t.last().text().trim()) + "'";
            }
        }
        return null;
    }

    private static List<String> runAll(List<Case> cases, String target, InetSocketAddress address, HostileBackend backend)
            throws IOException {
        List<String> verdicts = new ArrayList<>();
        for (Case c : cases) {
            verdicts.add(run(c, target, address, backend));
        }
        return verdicts;
    }

    @Test
    void everyIntermediaryRuleHoldsOnBothSides() throws Exception {
        List<Case> cases = cases();
        try (HostileBackend backend = new HostileBackend()) {
            for (Case c : cases) {
                if (c.script() != null) {
                    backend.script(c.name(), c.script());
                }
            }
            List<String> ours;
            try (Proxy proxy = Proxy.start(ProxyConfig.builder()
                    .listen(new HostPort("127.0.0.1", 0)).admin(new HostPort("127.0.0.1", 0))
                    .backends(List.of(HostPort.parse(backend.address())))
                    .eventLoops(1) // one pool, so that a second client meets a connection the first one left
                    .responseTimeout(Duration.ofSeconds(5))
                    .build())) {
                ours = runAll(cases, "proxy", proxy.address(), backend);
            }
            List<String> nginxVerdicts;
            try (NginxLoadBalancer nginx = new NginxLoadBalancer(List.of(backend.address()))) {
                nginxVerdicts = runAll(cases, "nginx", new InetSocketAddress("127.0.0.1", nginx.port()), backend);
            }
            List<String> haproxyVerdicts;
            try (HaproxyLoadBalancer haproxy = new HaproxyLoadBalancer(List.of(backend.address()), Duration.ofSeconds(5))) {
                haproxyVerdicts = runAll(cases, "haproxy", new InetSocketAddress("127.0.0.1", haproxy.port()), backend);
            }
            report(cases, ours, nginxVerdicts, haproxyVerdicts);
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                if (ours.get(i) != null) {
                    failures.add(cases.get(i).name() + ": " + ours.get(i));
                }
            }
            assertEquals(List.of(), failures, "the proxy breaks no rule");
        }
    }

    private static void report(List<Case> cases, List<String> ours, List<String> nginx, List<String> haproxy) {
        long requests = cases.stream().filter(c -> !c.responseSide()).count();
        System.out.printf("RFC 9110/9112 intermediary rules: %d inputs (%d requests, %d backend responses); failed: proxy %d, "
                + "nginx (tutorial config) %d, HAProxy %d%n", cases.size(), requests, cases.size() - requests, failed(ours), failed(nginx),
                failed(haproxy));
        System.out.printf("  %-36s %-12s %-5s %-5s %-5s%n", "input", "rule", "proxy", "nginx", "haproxy");
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            System.out.printf("  %-36s %-12s %-5s %-5s %-5s%s%n", c.name(), c.rule(), verdict(ours.get(i)), verdict(nginx.get(i)),
                    verdict(haproxy.get(i)), detail("proxy", ours.get(i)) + detail("nginx", nginx.get(i)) + detail("haproxy", haproxy.get(i)));
        }
    }

    private static long failed(List<String> verdicts) {
        return verdicts.stream().filter(v -> v != null).count();
    }

    private static String verdict(String problem) {
        return problem == null ? "ok" : "FAIL";
    }

    private static String detail(String who, String problem) {
        return problem == null ? "" : "  [" + who + ": " + problem.replace("\n", "\\n") + "]";
    }
}
