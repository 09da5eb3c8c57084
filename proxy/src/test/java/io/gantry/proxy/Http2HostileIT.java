package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.proxy.HostileH2Client.Running;
import io.gantry.proxy.HostileH2Client.Verdict;
import io.gantry.proxy.ObservingBackend.Exchange;
import io.gantry.testing.Poll;
import io.gantry.testing.RawHttp;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile HTTP/2 (issue 14): the published attacks on HTTP/2 servers, each from a client of
 * {@code h2_hostile.py}, against {@code proxy.jar --h2c} in front of a {@link ObservingBackend}. Each
 * test asserts what a user sees: the attacker gets RST_STREAM or GOAWAY (with RFC 9113's error code
 * where it names one) or a 4xx; nothing malformed reaches the backend; a second client, on fresh
 * connections, is served while the attack runs and right after it; and memory stays bounded: the proxy
 * runs with 128 MiB of heap and 128 MiB of direct memory, so that an attack that pins memory makes it
 * fail, and its resident set stays under {@value #RSS_BOUND_MIB} MiB.
 *
 * <p>{@code -Dgantry.h2hostile.against=nginx} runs the same attacks against nginx ({@code listen ...
 * http2}) in front of the same backend, for comparison; some assertions are the proxy's own contract
 * (its SETTINGS, its refusal of what nginx strips and forwards) and fail there.
 */
class Http2HostileIT {

    static final int MAX_CONCURRENT_STREAMS = 50;
    static final int MAX_HEADER_LIST_SIZE = 16384; // the default: --max-header-size's
    static final long RSS_BOUND_MIB = 384; // 128 + 128 MiB of heap and direct memory, and the JVM's own
    private static final Duration ATTACK_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    static ObservingBackend backend;
    static H2Target target;

    @BeforeAll
    static void start() throws IOException {
        backend = new ObservingBackend();
        target = "nginx".equals(System.getProperty("gantry.h2hostile.against"))
                ? H2Target.nginx(backend.address(), MAX_CONCURRENT_STREAMS, dir)
                : H2Target.proxy(List.of("-Xmx128m", "-XX:MaxDirectMemorySize=128m"), List.of("--backend", backend.address(), "--h2c",
                        "--h2-max-concurrent-streams", String.valueOf(MAX_CONCURRENT_STREAMS)), dir);
    }

    @AfterAll
    static void stop() throws IOException {
        if (target != null) {
            System.out.println(target + ": peak RSS " + target.peakRssKib() / 1024 + " MiB");
            target.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    // ---- what every attack is judged by -----------------------------------------------------------

    /**
     * Runs one attack while a bystander makes requests on fresh connections (HTTP/2 and HTTP/1.1 in
     * turn, each allowed 3 s), from before the attack until a request after it; then checks that every
     * one of them was served, that fresh clients are served right after, and that memory stayed bounded.
     */
    private static Verdict underAttack(String... attack) {
        Verdict v;
        try (Running bystander = startBystander()) {
            v = HostileH2Client.run(target.h2Port(), ATTACK_TIMEOUT, attack);
            System.out.println(String.join(" ", attack) + ": " + v);
            assertBystanderServed(bystander, attack[0]);
        }
        assertKeepsServing(attack[0]);
        assertMemoryBounded(attack[0]);
        return v;
    }

    /** A bystander, once it has been served a first time. */
    private static Running startBystander() {
        Running bystander = HostileH2Client.start(target.h2Port(), "bystander", "--h1-port", String.valueOf(target.h1Port()));
        assertTrue(bystander.awaitEvent("served", Duration.ofSeconds(10)).asInt() == 1, "the bystander is served before the attack");
        return bystander;
    }

    /** Waits for one more request of the bystander, then stops it: every one of its requests got a 200. */
    private static void assertBystanderServed(Running bystander, String attack) {
        bystander.awaitNextEvent("served", Duration.ofSeconds(10));
        Verdict b = bystander.finish(Duration.ofSeconds(10));
        assertEquals(b.get("requests").asInt(), b.get("ok").asInt(), "every request of the bystander during " + attack
                + " got a 200 within 3 s: " + b);
    }

    /** A fresh HTTP/2 client and a fresh HTTP/1.1 client both get a 200. */
    private static void assertKeepsServing(String after) {
        Verdict ok = HostileH2Client.run(target.h2Port(), Duration.ofSeconds(15), "ok", "--path", "/after/" + after);
        assertEquals(200, ok.get("streams").path(0).path("status").asInt(), "a fresh HTTP/2 client after " + after + ": " + ok);
        try (RawHttp client = new RawHttp("127.0.0.1", target.h1Port())) {
            client.timeout(5000);
            assertEquals(200, client.get("/after/" + after + "/h1").status(), "a fresh HTTP/1.1 client after " + after);
        }
    }

    private static void assertMemoryBounded(String attack) {
        assertTrue(target.alive(), target + " is still running after " + attack + ":\n" + target.output());
        long peak = target.peakRssKib();
        assertTrue(peak < RSS_BOUND_MIB << 10, target + "'s peak RSS after " + attack + " is " + peak / 1024 + " MiB, over "
                + RSS_BOUND_MIB);
        String out = target.output();
        assertFalse(out.contains("OutOfMemoryError") || out.contains("OutOfDirectMemoryError"), "out of memory after " + attack
                + ":\n" + out);
    }

    /** The connection ended: a GOAWAY with one of {@code codes}, or closed without one. */
    private static Executable ended(Verdict v, Set<String> codes, String what) {
        return () -> {
            if (v.goaway() != null) {
                assertTrue(codes.contains(v.goaway()), what + ": GOAWAY " + v.goaway() + ", expected one of " + codes + ": " + v);
            } else {
                assertTrue(v.closed(), what + ": the connection was neither ended by GOAWAY nor closed: " + v);
            }
        };
    }

    /** Every RST_STREAM the client got carries one of {@code codes}. */
    private static Executable resetsOnlyWith(Verdict v, Set<String> codes, String what) {
        return () -> v.get("resets").fieldNames().forEachRemaining(code -> assertTrue(codes.contains(code), what
                + ": RST_STREAM " + code + ", expected one of " + codes + ": " + v));
    }

    /** Fewer than {@code bound} requests under {@code pathPrefix} reached the backend. */
    private static Executable fewerReached(String pathPrefix, int bound, String what) {
        int n = reached(pathPrefix).size();
        System.out.println(what + ": " + n + " requests reached the backend");
        return () -> {
            assertTrue(n < bound, what + ": " + n + " requests reached the backend, expected fewer than " + bound);
        };
    }

    /** A GOAWAY came, with one of {@code codes}. */
    private static boolean goawayIn(Verdict v, String... codes) {
        return v.goaway() != null && Set.of(codes).contains(v.goaway());
    }

    /** A request was refused as malformed: a 4xx, RST_STREAM(PROTOCOL_ERROR) or GOAWAY(PROTOCOL_ERROR). */
    private static boolean refusedAsMalformed(JsonNode stream, Verdict v) {
        int status = stream.path("status").asInt(0);
        return (status >= 400 && status < 500) || "PROTOCOL_ERROR".equals(stream.path("reset").asText())
                || "PROTOCOL_ERROR".equals(v.goaway());
    }

    private static List<Exchange> reached(String pathPrefix) {
        return backend.exchanges(x -> x.target().startsWith(pathPrefix));
    }

    private static Executable nothingReached(String pathPrefix, String what) {
        return () -> {
            List<Exchange> got = reached(pathPrefix);
            assertTrue(got.isEmpty(), what + " reached the backend:\n" + got);
        };
    }

    // ---- the tests -------------------------------------------------------------------------------

    @Test
    void settingsAnnounceTheLimitsAndAWellBehavedClientIsServed() {
        Verdict ok = HostileH2Client.run(target.h2Port(), Duration.ofSeconds(15), "ok", "--path", "/ok", "--count", "3");
        for (JsonNode s : ok.get("streams")) {
            assertEquals(200, s.path("status").asInt(), ok.toString());
            assertEquals(3, s.path("data_bytes").asInt(), ok.toString());
        }
        JsonNode settings = ok.get("server_settings");
        assertEquals(MAX_CONCURRENT_STREAMS, settings.path("MAX_CONCURRENT_STREAMS").asInt(), "--h2-max-concurrent-streams: " + ok);
        assertEquals(MAX_HEADER_LIST_SIZE, settings.path("MAX_HEADER_LIST_SIZE").asInt(), "--h2-max-header-list-size's default: " + ok);
        List<Exchange> got = reached("/ok");
        assertEquals(3, got.size(), got.toString());
        for (Exchange x : got) {
            assertTrue(x.requestLine.equals("GET /ok HTTP/1.1"), x.head());
            assertTrue(x.fields.stream().noneMatch(f -> f.startsWith(":")), "no pseudo-header reaches an HTTP/1.1 backend: " + x.head());
            assertEquals(1, x.values("host").size(), "one Host, from :authority: " + x.head());
        }
    }

    @Test
    void rapidResetCve2023_44487EndsTheConnectionWithEnhanceYourCalm() {
        Verdict v = underAttack("rapid-reset", "--streams", "10000");
        assertAll(ended(v, Set.of("ENHANCE_YOUR_CALM"), "rapid reset"),
                () -> assertTrue(v.get("streams_sent").asInt() < 10000 || v.goaway() != null, "cut off before its 10000 streams: " + v),
                fewerReached("/rapid-reset/", 1000, "rapid reset"));
    }

    @Test
    void madeYouResetCve2025_8671EndsTheConnection() {
        Verdict v = underAttack("made-you-reset", "--streams", "10000");
        // the server's own resets, provoked: a limit must count them as it counts the client's
        assertAll(ended(v, Set.of("ENHANCE_YOUR_CALM", "PROTOCOL_ERROR"), "MadeYouReset"),
                resetsOnlyWith(v, Set.of("PROTOCOL_ERROR", "REFUSED_STREAM"), "a WINDOW_UPDATE of 0 (RFC 9113 §6.9)"),
                fewerReached("/made-you-reset/", 1000, "MadeYouReset"));
    }

    @Test
    void continuationFloodCve2024_27316IsCutOffNearTheHeaderListLimit() {
        Verdict v = underAttack("continuation", "--mode", "big", "--frames", "4096"); // 64 MiB of header fields
        assertAll(ended(v, Set.of("ENHANCE_YOUR_CALM", "PROTOCOL_ERROR", "COMPRESSION_ERROR"), "CONTINUATION flood"),
                () -> assertTrue(v.get("frames_sent").asInt() < 4096, "the proxy stopped taking the header block before its 64 MiB: " + v),
                nothingReached("/continuation/", "a request of an endless header block"));
    }

    @Test
    void emptyContinuationFramesCve2024_28182EndTheConnection() {
        Verdict v = underAttack("continuation", "--mode", "empty", "--frames", "1000000", "--seconds", "3");
        assertAll(ended(v, Set.of("ENHANCE_YOUR_CALM", "PROTOCOL_ERROR"), "empty CONTINUATION flood"),
                nothingReached("/continuation/", "a request of an endless header block"));
    }

    @Test
    void hpackBombCve2016_6581IsRefusedWithoutReachingTheBackend() {
        Verdict v = underAttack("hpack-bomb", "--bombs", "20");
        assertEquals(200, v.get("prime").path("status").asInt(), "the request that primes the table is fine: " + v);
        JsonNode bombs = v.get("bombs");
        assertTrue(bombs.size() >= 1, v.toString());
        assertAll(() -> {
            for (int i = 0; i < bombs.size(); i++) {
                JsonNode b = bombs.get(i);
                int status = b.path("status").asInt(0);
                boolean last = i == bombs.size() - 1;
                assertTrue((status >= 400 && status < 500) || !b.path("reset").isNull() || (last && (v.goaway() != null || v.closed())),
                        "bomb " + i + " refused (431, RST_STREAM or GOAWAY): " + v);
            }
        }, () -> assertTrue(v.goaway() == null || goawayIn(v, "ENHANCE_YOUR_CALM", "COMPRESSION_ERROR", "PROTOCOL_ERROR"), v.toString()),
                nothingReached("/hpack-bomb/bomb", "a header list of 64 MB"));
    }

    @Test
    void headerListOverTheLimitIsRefusedAndOneUnderItIsServed() {
        Verdict under = HostileH2Client.run(target.h2Port(), ATTACK_TIMEOUT, "header-list", "--bytes", "8000");
        assertEquals(200, under.get("stream").path("status").asInt(), "8000 bytes of header fields are fine: " + under);
        assertEquals(1, reached("/header-list/8000").size());
        assertEquals(8, reached("/header-list/8000").get(0).fields.stream().filter(f -> f.startsWith("x-list-")).count());

        for (int bytes : new int[] {2 * MAX_HEADER_LIST_SIZE, 1 << 20}) {
            Verdict v = bytes > 100_000 ? underAttack("header-list", "--bytes", String.valueOf(bytes))
                    : HostileH2Client.run(target.h2Port(), ATTACK_TIMEOUT, "header-list", "--bytes", String.valueOf(bytes));
            JsonNode s = v.get("stream");
            int status = s.path("status").asInt(0);
            boolean refused = status == 431 || (status >= 400 && status < 500) || !s.path("reset").isNull()
                    || goawayIn(v, "ENHANCE_YOUR_CALM", "PROTOCOL_ERROR", "COMPRESSION_ERROR");
            assertAll(() -> assertTrue(refused, bytes + " bytes of header fields are refused (431, RST_STREAM, or GOAWAY "
                    + "ENHANCE_YOUR_CALM, PROTOCOL_ERROR or COMPRESSION_ERROR): " + v),
                    nothingReached("/header-list/" + bytes, bytes + " bytes of header fields"));
        }
    }

    @ParameterizedTest(name = "{0} flood")
    @ValueSource(strings = {"settings", "ping", "reset"})
    void controlFrameFloodFromAClientThatReadsNothingIsStopped(String kind) {
        // settings: CVE-2019-9515; ping: CVE-2019-9512; reset: CVE-2019-9514 (requests each answered by RST_STREAM)
        Verdict v = underAttack("control-flood", "--kind", kind);
        assertAll(() -> assertTrue(v.stalled() || v.closed() || v.goaway() != null, kind + " flood: the proxy gave up on the "
                + "connection or stopped reading it: " + v),
                () -> assertTrue(v.goaway() == null || goawayIn(v, "ENHANCE_YOUR_CALM"), v.toString()),
                nothingReached("/reset-flood", "a request with an uppercase field name"));
    }

    @Test
    void emptyDataFramesCve2019_9518EndTheStreamOrTheConnection() {
        Verdict v = underAttack("empty-data");
        JsonNode s = v.get("stream");
        boolean reset = Set.of("ENHANCE_YOUR_CALM", "PROTOCOL_ERROR").contains(s.path("reset").asText());
        assertAll(() -> assertTrue(reset || v.goaway() != null || v.closed(), "a million empty DATA frames: " + v),
                () -> assertTrue(v.goaway() == null || goawayIn(v, "ENHANCE_YOUR_CALM", "PROTOCOL_ERROR"), v.toString()));
    }

    /**
     * 16 streams of 64 MiB each to a client that takes none of it: with HTTP/2's window at 0 (kin of
     * CVE-2019-9511) or with the windows open and its TCP receive buffer full (CVE-2019-9517).
     */
    @ParameterizedTest(name = "window closed by {0}")
    @ValueSource(strings = {"h2", "tcp"})
    void zeroWindowClientDoesNotPinMemory(String mode) {
        int streams = 16;
        long size = 64L << 20;
        String prefix = "/big/" + size + "/zero-window-" + mode + "-";
        try (Running bystander = startBystander();
                Running attacker = HostileH2Client.start(target.h2Port(), "zero-window", "--mode", mode, "--streams",
                        String.valueOf(streams), "--size", String.valueOf(size), "--hold", "20")) {
            attacker.awaitEvent("holding", Duration.ofSeconds(10));
            Poll.until(Duration.ofSeconds(10), "the " + streams + " requests at the backend", () -> reached(prefix).size() == streams);
            long written = awaitBackendWritesSettle(prefix, streams * size);
            System.out.println("zero-window " + mode + ": the backend wrote " + (written >> 20) + " MiB of " + ((streams * size) >> 20)
                    + " MiB while the client took nothing; peak RSS " + target.peakRssKib() / 1024 + " MiB");
            assertMemoryBounded("zero-window " + mode + " (held)");
            assertBystanderServed(bystander, "zero-window " + mode + " (held)");
            Verdict v = attacker.finish(Duration.ofSeconds(10));
            System.out.println("zero-window " + mode + ": " + v);
            if (mode.equals("h2")) {
                assertEquals(0, v.get("data_bytes").asLong(), "no DATA beyond a window of 0: " + v);
            }
        }
        Poll.until(Duration.ofSeconds(15), "every backend response of the client that left is finished or cancelled",
                () -> reached(prefix).stream().allMatch(Exchange::settled));
        assertKeepsServing("zero-window-" + mode);
        assertMemoryBounded("zero-window " + mode);
    }

    /** Waits until the backend's writes for {@code prefix} stop growing for a second (or reach {@code all}). */
    private static long awaitBackendWritesSettle(String prefix, long all) {
        long[] last = {-1, System.nanoTime()};
        Poll.until(Duration.ofSeconds(20), "the backend's writes to stop growing or to finish", () -> {
            long now = reached(prefix).stream().mapToLong(x -> x.responseBytes.get()).sum();
            if (now != last[0]) {
                last[0] = now;
                last[1] = System.nanoTime();
            }
            return now >= all || System.nanoTime() - last[1] > 1_000_000_000L;
        });
        return last[0];
    }

    @Test
    void streamsBeyondMaxConcurrentStreamsAreRefused() {
        int streams = MAX_CONCURRENT_STREAMS + 10;
        Verdict v = HostileH2Client.run(target.h2Port(), ATTACK_TIMEOUT, "concurrency", "--streams", String.valueOf(streams));
        System.out.println("concurrency: " + v);
        if (v.goaway() != null) {
            assertEquals("PROTOCOL_ERROR", v.goaway(), v.toString());
        } else {
            List<Integer> refused = new ArrayList<>();
            v.get("refused_indexes").forEach(i -> refused.add(i.asInt()));
            assertTrue(refused.size() >= 10, "the 10 streams over the limit are refused: " + v);
            assertTrue(refused.stream().allMatch(i -> i >= MAX_CONCURRENT_STREAMS), "none within the limit is: " + v);
            for (JsonNode code : v.get("refused_codes")) {
                assertTrue(Set.of("REFUSED_STREAM", "PROTOCOL_ERROR").contains(code.asText()), "RFC 9113 §5.1.2: " + v);
            }
        }
        assertTrue(reached("/concurrency/").size() <= MAX_CONCURRENT_STREAMS, "no more than the limit reach the backend: "
                + reached("/concurrency/").size());
    }

    @Test
    void http1UpgradeToH2cNeverBecomesATunnel() {
        try (RawHttp client = new RawHttp("127.0.0.1", target.h1Port())) {
            client.timeout(5000);
            int status = client.send("GET /h2c-upgrade HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                    + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n").read().status();
            assertNotEquals(101, status, "the proxy does not switch to h2c, nor pass a backend's 101 on");
        }
        for (Exchange x : reached("/h2c-upgrade")) {
            assertFalse(x.has("upgrade") || x.has("http2-settings"), "the backend never sees the upgrade: " + x.head());
        }
    }

    // ---- malformed requests ------------------------------------------------------------------------

    /** What a malformed case must come to: refused before any of it is forwarded, refused at its body, or served. */
    enum Expect { REFUSED, REFUSED_AT_BODY, SERVED }

    record Case(String name, Expect expect) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> malformedCases() {
        Stream<Case> refused = Stream.of("missing-method", "missing-scheme", "missing-path", "empty-path", "duplicate-path",
                "unknown-pseudo", "response-pseudo", "pseudo-after-regular", "uppercase-name", "empty-name", "colon-in-name",
                "crlf-in-value", "nul-in-value", "lf-in-path", "space-in-path", "connection", "keep-alive", "proxy-connection",
                "transfer-encoding", "upgrade", "te-gzip", "cl-not-a-number", "cl-conflicting").map(n -> new Case(n, Expect.REFUSED));
        Stream<Case> atBody = Stream.of("cl-too-long", "cl-too-short", "cl-without-data", "pseudo-in-trailers")
                .map(n -> new Case(n, Expect.REFUSED_AT_BODY));
        Stream<Case> served = Stream.of("te-trailers", "cl-matches").map(n -> new Case(n, Expect.SERVED));
        return Stream.of(refused, atBody, served).flatMap(s -> s);
    }

    /**
     * RFC 9113 §8.1.1, §8.2 and §8.3.1: a malformed request is a stream error of type PROTOCOL_ERROR
     * (or a 4xx), and an intermediary must not forward it. The cases whose fault is in the body (a
     * Content-Length the DATA disagrees with, a pseudo-header in trailers) may have been started
     * towards the backend, but must never arrive there whole; none may smuggle a second request or a
     * header field into the HTTP/1.1 the backend reads.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedCases")
    void malformedRequestIsRefusedAndNeverForwarded(Case c) {
        Verdict v = HostileH2Client.run(target.h2Port(), ATTACK_TIMEOUT, "malformed", "--case", c.name());
        JsonNode stream = v.get("stream");
        List<Exchange> got = backend.exchanges(x -> x.values("x-h2-case").contains(c.name())
                || x.target().startsWith("/malformed/" + c.name()));
        Executable answer = () -> assertTrue(refusedAsMalformed(stream, v), c.name()
                + ": a 4xx, RST_STREAM(PROTOCOL_ERROR) or GOAWAY(PROTOCOL_ERROR): " + v);
        Executable forwarded = switch (c.expect()) {
            case REFUSED -> () -> assertTrue(got.isEmpty(), c.name() + " reached the backend:\n" + got);
            case REFUSED_AT_BODY -> () -> {
                Poll.until(Duration.ofSeconds(5), "the backend's requests of " + c.name() + " finished or cut off",
                        () -> got.stream().allMatch(x -> x.bodyComplete || x.connectionEnded));
                assertTrue(got.stream().noneMatch(x -> x.bodyComplete), c.name() + " reached the backend whole:\n" + got);
            };
            case SERVED -> () -> {
                assertEquals(1, got.size(), got.toString());
                assertTrue(got.get(0).bodyComplete, got.toString());
            };
        };
        if (c.expect() == Expect.SERVED) {
            answer = () -> assertEquals(200, stream.path("status").asInt(), c.name() + " is well-formed: " + v);
        }
        assertAll(c.name(), answer, forwarded, () -> {
            List<Exchange> smuggled = backend.exchanges(x -> x.target().startsWith("/smuggled/") || x.has("x-injected"));
            assertTrue(smuggled.isEmpty(), "smuggled into the backend's HTTP/1.1:\n" + smuggled);
        }, () -> assertEquals(200, HostileH2Client.run(target.h2Port(), Duration.ofSeconds(15), "ok").get("streams").path(0)
                .path("status").asInt(), "served after " + c.name()));
    }
}
