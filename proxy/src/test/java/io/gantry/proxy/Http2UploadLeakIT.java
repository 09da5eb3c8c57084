package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.proxy.HostileH2Client.Verdict;
import io.gantry.testing.ChildProcess;
import io.gantry.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HTTP/2 uploads that the proxy answers before it has read their bodies must leave no buffer behind
 * (the soak's {@code LEAK:} after a 502 to an upload whose backend was SIGKILLed). Two proxy.jar
 * processes with paranoid leak detection, each with {@code --h2c}: one whose only backend refuses
 * connections, so that the 502 comes while the body waits, unread, in the stream; one whose backend
 * reads the head and part of the body, then resets. Clients of {@code h2_hostile.py upload} send the
 * head and most of the body at once, then, after the answer, the rest, the rest and trailers, a reset,
 * or nothing. After each test a full GC and more requests make Netty report what was dropped unreleased.
 */
class Http2UploadLeakIT {

    private static final int LENGTH = 61440; // the soak's h2 upload: 60 KiB, within the initial window
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> LEAK_DETECTION = List.of("-Dio.netty.leakDetection.level=paranoid",
            "-Dio.netty.leakDetection.targetRecords=32");

    @TempDir
    static Path dir;

    static ResettingBackend resetting;
    static Proxy refusedProxy;
    static Proxy resetProxy;

    /** One proxy.jar and the port its HTTP/2 clients use. */
    record Proxy(ChildProcess process, int port) {
        static Proxy start(String backend, Path log) {
            int port = FreePorts.pick();
            ChildProcess p = ProxyJar.start(LEAK_DETECTION, List.of("--listen", "127.0.0.1:" + port, "--admin",
                    "127.0.0.1:" + FreePorts.pick(), "--h2c", "--backend", backend), log);
            ProxyJar.awaitListening(p, port);
            return new Proxy(p, port);
        }
    }

    @BeforeAll
    static void start() throws IOException {
        int refusing = FreePorts.pick(); // nothing listens there
        refusedProxy = Proxy.start("127.0.0.1:" + refusing, dir.resolve("refused-proxy.log"));
        resetting = new ResettingBackend(16384);
        resetProxy = Proxy.start(resetting.address(), dir.resolve("reset-proxy.log"));
    }

    @AfterAll
    static void stop() throws IOException {
        for (Proxy p : new Proxy[] {refusedProxy, resetProxy}) {
            if (p != null) {
                p.process().close();
            }
        }
        if (resetting != null) {
            resetting.close();
        }
    }

    /** Where each proxy's output stood when the test began: a test answers for what it leaked. */
    private final Map<Proxy, Integer> outputBefore = new HashMap<>();

    @BeforeEach
    void markOutput() {
        for (Proxy p : List.of(refusedProxy, resetProxy)) {
            outputBefore.put(p, p.process().output().length());
        }
    }

    @AfterEach
    void nothingLeaked() throws Exception {
        for (Proxy p : List.of(refusedProxy, resetProxy)) {
            assertNoLeak(p, outputBefore.get(p));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rest", "trailers", "reset", "nothing"})
    void uploadAnsweredWhileItsBodyWaitsUnreadLeavesNoBuffer(String after) {
        Verdict v = upload(refusedProxy, "--first", "49152", "--after", after);
        assertEveryStreamGot502(v);
    }

    @Test
    void wholeUploadAnsweredBeforeItWasReadLeavesNoBuffer() {
        Verdict v = upload(refusedProxy, "--first", String.valueOf(LENGTH), "--after", "nothing");
        assertEveryStreamGot502(v);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rest", "trailers", "reset"})
    void uploadCutOffByADyingBackendLeavesNoBuffer(String after) {
        Verdict v = upload(resetProxy, "--first", "49152", "--after", after);
        assertEveryStreamGot502(v);
    }

    private static Verdict upload(Proxy proxy, String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "upload";
        all[1] = "--count";
        all[2] = "4";
        all[3] = "--length";
        all[4] = String.valueOf(LENGTH);
        System.arraycopy(args, 0, all, 5, args.length);
        return HostileH2Client.run(proxy.port(), CLIENT_TIMEOUT, all);
    }

    private static void assertEveryStreamGot502(Verdict v) {
        JsonNode streams = v.get("streams");
        assertEquals(4, streams.size(), v.toString());
        for (Map.Entry<String, JsonNode> s : (Iterable<Map.Entry<String, JsonNode>>) streams::fields) {
            assertEquals(502, s.getValue().path("status").asInt(), "stream " + s.getKey() + ": " + v);
        }
        assertFalse(v.closed(), "the connection outlives its streams' failures: " + v);
        assertEquals(0, v.get("window_stalled").size(), "the connection's flow-control window came back: " + v);
    }

    /**
     * A leaked buffer is reported when a later allocation finds it collected: two rounds of a full GC
     * (jcmd GC.run) and a few requests, as the soak's end does, then no {@code LEAK:} may be in the log.
     */
    private static void assertNoLeak(Proxy proxy, int from) throws IOException, InterruptedException {
        for (int round = 0; round < 2; round++) {
            Process gc = new ProcessBuilder("jcmd", String.valueOf(proxy.process().pid()), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertTrue(gc.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "jcmd GC.run finished");
            HostileH2Client.run(proxy.port(), CLIENT_TIMEOUT, "ok", "--count", "5");
        }
        String output = proxy.process().output();
        int at = output.indexOf("LEAK:", from);
        assertEquals(-1, at, () -> "Netty reported a leak:\n" + output.substring(Math.max(0, at - 300),
                Math.min(output.length(), at + 6000)));
    }
}
