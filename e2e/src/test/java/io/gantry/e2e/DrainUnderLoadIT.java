package io.gantry.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gantry.testing.ChildProcess;
import io.gantry.testing.EtcdExtension;
import io.gantry.testing.FreePorts;
import io.gantry.testing.NginxExtension;
import io.gantry.testing.Poll;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: a deploy stops one backend under load, and no request fails. etcd, three nginx, a
 * discovery sidekick per nginx and the proxy are all real processes. The sidekick of backend 1 gets
 * SIGTERM, as its service manager sends it; it marks its key draining, the proxy gives backend 1
 * nothing new while a long download on it finishes, the key goes, the sidekick exits 0, and only then
 * is that nginx stopped. Without a drain, the same download is cut.
 */
class DrainUnderLoadIT {

    private static final String PREFIX = "/services/website/";
    private static final String KEY = PREFIX + "nginx@1";
    private static final String SLOW = "/slow.bin";
    /** Some times what the sockets from nginx through the proxy hold (~9 MB), so backend 1 is still sending while it is held. */
    private static final long SLOW_SIZE = 32L << 20;
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    /** Keep-alive clients of the load, each with one request in flight at a time. */
    private static final int CLIENTS = 8;
    private static final Pattern LOAD_REQUEST = Pattern.compile("\\|GET /\\?r=(\\d+) HTTP/1\\.1\\|");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    @RegisterExtension
    static final NginxExtension nginx = new NginxExtension(3);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<ChildProcess> started = new ArrayList<>();
    private ChildProcess proxy;
    private int port;
    private int adminPort;

    @BeforeEach
    void startProxy() {
        etcd.deletePrefix("/services/");
        for (NginxExtension.Backend b : nginx.all()) {
            if (!b.isRunning()) {
                b.start();
            }
        }
        nginx.backend(1).createFile(SLOW.substring(1), SLOW_SIZE);
        port = FreePorts.pick();
        do {
            adminPort = FreePorts.pick();
        } while (adminPort == port);
        proxy = started(GantryJars.proxy(dir, List.of("--listen", "127.0.0.1:" + port, "--admin", "127.0.0.1:" + adminPort,
                "--etcd", etcd.endpoint(), "--access-log", dir.resolve("access.log").toString(), "--access-log-format", "json")));
        Poll.until(DEADLINE, "the proxy's /status", () -> {
            if (!proxy.isAlive()) {
                throw new AssertionError("proxy exited:\n" + proxy.output());
            }
            return status() != null && NginxExtension.accepts(port);
        });
    }

    @AfterEach
    void stopAll(TestInfo test) throws IOException {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).kill();
        }
        // What the programs logged, kept where a failed run can be read after the temp dir is gone.
        Path keep = Path.of(System.getProperty("gantry.e2e.output", "target"), "drain-under-load", test.getTestMethod().orElseThrow().getName());
        Files.createDirectories(keep);
        try (var logs = Files.list(dir)) {
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                Files.copy(log, keep.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        for (NginxExtension.Backend b : nginx.all()) {
            Files.write(keep.resolve(b.name() + "-access.log"), b.accessLog());
        }
    }

    @Test
    void sigtermOfADiscoveryUnderLoadFailsNoRequest() throws Exception {
        List<ChildProcess> sidekicks = startSidekicks("3s");
        ChildProcess sidekick1 = sidekicks.get(0);
        HeldDownload download = heldOnBackend1();
        Timeline t = new Timeline();
        RecordingLoad load = new RecordingLoad(new InetSocketAddress("127.0.0.1", port), CLIENTS, 2_000_000, Duration.ofSeconds(30));
        try (load; download) {
            Poll.until(DEADLINE, "every backend answering the load", () -> nginx.all().stream()
                    .allMatch(b -> load.servedBy(b.name()) >= 200));
            long beforeSigterm = load.lastId();
            t.mark("SIGTERM");
            sidekick1.process().destroy();

            Poll.until(Duration.ofSeconds(5), KEY + " marked draining in etcd", () -> drainingInEtcd(KEY));
            long etcdDraining = load.lastId();
            t.mark("draining in etcd");
            Poll.until(Duration.ofSeconds(5), "the proxy's /status saying " + KEY + " is draining", () -> "draining".equals(states().get(KEY)));
            long proxyDraining = load.lastId();
            t.mark("draining in the proxy");
            assertEquals(List.of(), logged(1, SLOW), "backend 1 is still sending the held download as it starts draining");

            HeldDownload.Outcome outcome = download.finish();
            t.mark("held download finished");
            assertEquals(new HeldDownload.Outcome(SLOW_SIZE, null), outcome, "the download in flight on backend 1 finishes");
            assertTrue(drainingInEtcd(KEY), "the held download finished within the drain, as it must for the deploy not to cut it");

            assertEquals(0, sidekick1.waitFor(Duration.ofSeconds(15)), sidekick1.output());
            long exited = load.lastId();
            t.mark("discovery exited");
            assertNull(etcd.value(KEY), "discovery deleted its key before it exited");
            Poll.until(Duration.ofSeconds(5), "the proxy dropping " + KEY, () -> !states().containsKey(KEY));
            nginx.backend(1).kill();
            long stopped = load.lastId();
            t.mark("nginx 1 stopped");
            Poll.until(DEADLINE, "2000 more requests answered after nginx 1 stopped",
                    () -> load.okAfter(stopped) >= 2000 || load.finished());
            load.close();
            t.mark("load stopped");

            List<RecordingLoad.Result> results = load.results();
            assertEquals(List.of(), load.failures().stream().limit(20).toList(),
                    load.failures().size() + " of " + results.size() + " requests failed; phases: before SIGTERM <= " + beforeSigterm
                            + " < etcd draining <= " + etcdDraining + " < proxy draining <= " + proxyDraining + " < discovery exited <= "
                            + exited + " < nginx 1 stopped <= " + stopped + "\nproxy:\n" + tail(proxy.output()));
            assertTrue(load.okAfter(stopped) >= 2000, "the other backends kept serving after nginx 1 stopped: " + load.okAfter(stopped));

            // Backend 1 saw no request sent after the proxy said it was draining, neither in its own log nor as the client saw it.
            List<Long> onBackend1 = loadIds(1);
            assertEquals(List.of(), onBackend1.stream().filter(id -> id > proxyDraining).toList(),
                    "requests sent after the proxy reported backend 1 draining that reached it");
            assertEquals(onBackend1, results.stream().filter(r -> "backend-1".equals(r.backend())).map(RecordingLoad.Result::id).toList(),
                    "every load request backend 1 logged is one the client got from it, and no other");
            Map<String, Long> afterDraining = load.spread(proxyDraining, Long.MAX_VALUE);
            assertEquals(List.of("backend-2", "backend-3"), List.copyOf(afterDraining.keySet()), "who answered after draining: " + afterDraining);

            JsonNode counters = status().get("counters");
            assertEquals(0, counters.get("backend_errors").asLong(), "the proxy met no backend error it could have hidden by a retry: " + counters);
            assertEquals(0, counters.get("responses_5xx").asLong(), counters.toString());
            assertEquals(List.of(), retriedOrOnBackend1After(proxyDraining, results.size()),
                    "the proxy's access log: load requests retried, or sent to backend 1 after it was draining");
            assertTrue(sidekick1.output().contains("draining " + KEY + " for 3s"), sidekick1.output());

            System.out.printf("DrainUnderLoadIT: %d requests, %d clients, 0 failed; %s; requests sent before SIGTERM %d, "
                            + "between SIGTERM and etcd draining %d, between etcd and proxy draining %d (%d of them on backend 1), "
                            + "after draining %s, after nginx 1 stopped %d%n",
                    results.size(), CLIENTS, t, beforeSigterm, etcdDraining - beforeSigterm, proxyDraining - etcdDraining,
                    onBackend1.stream().filter(id -> id > etcdDraining).count(), afterDraining, load.okAfter(stopped));
        }
    }

    @Test
    void withoutADrainTheDownloadInFlightIsCutWhenItsNginxStops() {
        List<ChildProcess> sidekicks = startSidekicks("0s");
        try (HeldDownload download = heldOnBackend1()) {
            assertEquals(0, sidekicks.get(0).terminate(Duration.ofSeconds(15)), sidekicks.get(0).output());
            Poll.until(Duration.ofSeconds(5), "the proxy dropping " + KEY, () -> !states().containsKey(KEY));
            assertFalse(proxy.output().contains("draining, no new requests"), "no drain: the backend went at once\n" + proxy.output());
            nginx.backend(1).kill();
            HeldDownload.Outcome outcome = download.finish();
            assertNotNull(outcome.error(), "the download backend 1 was still sending is cut: " + outcome);
            assertTrue(outcome.bytes() < SLOW_SIZE, outcome.toString());
        }
    }

    /** Instants of the scenario, as milliseconds from the first. */
    private static final class Timeline {
        private final java.time.Instant wallClock = java.time.Instant.now();
        private final long start = System.nanoTime();
        private final Map<Long, String> marks = new TreeMap<>();

        void mark(String what) {
            marks.put((System.nanoTime() - start) / 1_000_000, what);
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("from ").append(wallClock).append(": ");
            marks.forEach((ms, what) -> b.append(b.charAt(b.length() - 2) == ':' ? "" : ", ").append(what).append(" +").append(ms).append(" ms"));
            return b.toString();
        }
    }

    private ChildProcess started(ChildProcess process) {
        started.add(process);
        return process;
    }

    /** A sidekick per nginx, as a deploy runs them; returns once the proxy has every backend up. */
    private List<ChildProcess> startSidekicks(String drain) {
        List<ChildProcess> sidekicks = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            List<String> args = new ArrayList<>(etcd.flags());
            args.addAll(List.of("--key", PREFIX + "nginx@" + i, "--target", nginx.backend(i).address(),
                    "--interval", "500ms", "--ttl", "10s", "--drain", drain));
            sidekicks.add(started(GantryJars.discovery(dir, "discovery-" + i, args)));
        }
        for (ChildProcess s : sidekicks) {
            // Logged just before its SIGTERM handler is installed; a SIGTERM sooner would meet the JVM's default.
            Poll.until(DEADLINE, s + " started", () -> {
                if (!s.isAlive()) {
                    throw new AssertionError(s + " exited:\n" + s.output());
                }
                return s.output().contains("discovery started");
            });
        }
        Map<String, String> up = Map.of(PREFIX + "nginx@1", "up", PREFIX + "nginx@2", "up", PREFIX + "nginx@3", "up");
        Poll.until(DEADLINE, "the proxy's /status saying all three backends are up", () -> up.equals(states()));
        return sidekicks;
    }

    /**
     * The held download of {@link #SLOW}, which only backend 1 has: round-robin sends one of any three
     * consecutive requests there, and a 200 says it went there.
     */
    private HeldDownload heldOnBackend1() {
        for (int i = 0; i < 6; i++) {
            HeldDownload d = new HeldDownload(new InetSocketAddress("127.0.0.1", port), SLOW);
            if (d.status() == 200) {
                assertEquals(SLOW_SIZE, d.contentLength());
                return d;
            }
            d.finish();
            d.close();
        }
        throw new AssertionError("six GETs of " + SLOW + " and none reached backend 1: " + states());
    }

    /** The proxy's /status, or null while it does not answer. */
    private JsonNode status() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/status"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The catch-all route's backends in the proxy's /status: key to state ({@code up}, {@code draining}). */
    private Map<String, String> states() {
        JsonNode status = status();
        if (status == null) {
            throw new AssertionError("the proxy's /status does not answer:\n" + tail(proxy.output()));
        }
        Map<String, String> states = new TreeMap<>();
        status.get("backends").forEach(b -> states.put(b.get("key").asText(), b.get("state").asText()));
        return states;
    }

    private static boolean drainingInEtcd(String key) {
        String value = etcd.value(key);
        try {
            return value != null && value.startsWith("{") && JSON.readTree(value).path("draining").asBoolean();
        } catch (IOException e) {
            throw new AssertionError(key + ": " + value, e);
        }
    }

    /** Lines of backend {@code i}'s access log for {@code path}. */
    private static List<String> logged(int i, String path) {
        return nginx.backend(i).accessLog().stream().filter(l -> l.contains("|GET " + path + " ")).toList();
    }

    /** The IDs of the load's requests that backend {@code i} logged, in order. */
    private static List<Long> loadIds(int i) {
        List<Long> ids = new ArrayList<>();
        for (String line : nginx.backend(i).accessLog()) {
            Matcher m = LOAD_REQUEST.matcher(line);
            if (m.find()) {
                ids.add(Long.parseLong(m.group(1)));
            }
        }
        return ids.stream().sorted().toList();
    }

    /**
     * The proxy's access log lines of load requests that were retried, or sent to backend 1 with an ID
     * above {@code proxyDraining}; read once it holds a line for each of the {@code requests}.
     */
    private List<String> retriedOrOnBackend1After(long proxyDraining, int requests) {
        Path log = dir.resolve("access.log");
        List<JsonNode> lines = new ArrayList<>();
        Poll.until(Duration.ofSeconds(10), "the proxy's access log holding the " + requests + " load requests", () -> {
            lines.clear();
            try {
                for (String l : Files.readAllLines(log)) {
                    JsonNode n = JSON.readTree(l);
                    if (n.get("uri").asText().startsWith("/?r=")) {
                        lines.add(n);
                    }
                }
            } catch (IOException e) {
                throw new AssertionError(log + ": " + e, e);
            }
            return lines.size() >= requests;
        });
        String backend1 = nginx.backend(1).address();
        return lines.stream()
                .filter(n -> n.get("retries").asInt() > 0 || backend1.equals(n.get("backend").asText())
                        && Long.parseLong(n.get("uri").asText().substring("/?r=".length())) > proxyDraining)
                .map(JsonNode::toString).toList();
    }

    private static String tail(String output) {
        return output.length() <= 6000 ? output : "..." + output.substring(output.length() - 6000);
    }
}
