package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.EtcdSettings;
import io.gantry.common.HostPort;
import io.gantry.proxy.backend.Backend;
import io.gantry.testing.EtcdExtension;
import io.gantry.testing.NginxExtension;
import io.gantry.testing.Poll;
import io.gantry.testing.RawHttp;
import io.gantry.testing.TcpRelay;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The proxy following a real etcd: backends come and go with puts and deletes, and etcd trouble is survived. */
class EtcdBackendsIT {

    private static final String PREFIX = "/services/website/";
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    @RegisterExtension
    static final NginxExtension nginx = new NginxExtension(3);

    private static TcpRelay relay;
    private static Proxy proxy;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startProxy() throws Exception {
        // The proxy reaches etcd through a relay the tests can cut, as a network partition would.
        URI endpoint = URI.create(etcd.endpoint());
        relay = new TcpRelay(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()));
        nginx.createFile("big", 256L << 20);
        proxy = Proxy.start(ProxyConfig.builder()
                .listen(new HostPort("127.0.0.1", 0))
                .admin(new HostPort("127.0.0.1", 0))
                .etcd(EtcdSettings.parse(relay.url()))
                .build());
    }

    @AfterAll
    static void stopProxy() {
        proxy.close();
        relay.close();
    }

    @BeforeEach
    void registerTwoBackends() {
        relay.restore();
        etcd.deletePrefix(PREFIX);
        etcd.put(PREFIX + "nginx@1", nginx.backend(1).address());
        etcd.put(PREFIX + "nginx@2", nginx.backend(2).address());
        awaitBackends("nginx@1", "nginx@2");
    }

    private static String get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.address().getPort() + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body().trim();
        } catch (Exception e) {
            throw new AssertionError("GET " + path + " failed: " + e, e);
        }
    }

    private static boolean responseStarted(RawHttp client) {
        try {
            return client.input().available() > 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitBackends(String... instances) {
        Set<String> expected = Set.of(instances).stream().map(i -> PREFIX + i).collect(Collectors.toSet());
        Poll.until(DEADLINE, "proxy backends " + expected, () -> currentKeys().equals(expected));
    }

    private static Set<String> currentKeys() {
        return proxy.backends().current().asList().stream().map(Backend::key).collect(Collectors.toSet());
    }

    private static Map<String, Integer> spread(int requests) {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            seen.merge(get("/"), 1, Integer::sum);
        }
        return seen;
    }

    private static String page(int backend) {
        return "200 <html><body><h1>backend-" + backend + "</h1></body></html>";
    }

    @Test
    void aStartingProxyListensOnlyOnceItKnowsItsBackendsSoItsFirstRequestIsServed() throws Exception {
        ProxyConfig config = ProxyConfig.builder()
                .listen(new HostPort("127.0.0.1", 0))
                .admin(new HostPort("127.0.0.1", 0))
                .etcd(EtcdSettings.parse(relay.url()))
                .build();
        relay.cut(); // etcd cannot be read yet
        CompletableFuture<Proxy> starting = CompletableFuture.supplyAsync(() -> {
            try {
                return Proxy.start(config);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThrows(TimeoutException.class, () -> starting.get(1, TimeUnit.SECONDS),
                "start returned (and listened) before any backend was known");
        relay.restore();
        try (Proxy fresh = starting.get(10, TimeUnit.SECONDS)) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fresh.address().getPort() + "/"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), "the first request, sent as soon as start returned: " + r.body());
        }
    }

    @Test
    void requestsAlternateAcrossTheBackendsInEtcd() {
        etcd.put(PREFIX + "nginx@3", nginx.backend(3).address());
        awaitBackends("nginx@1", "nginx@2", "nginx@3");
        assertEquals(Map.of(page(1), 10, page(2), 10, page(3), 10), spread(30));
    }

    @Test
    void putBackendStartsReceivingTrafficAndDeletedOneStops() {
        long[] changedAt = new long[1];
        proxy.backends().onChange(set -> changedAt[0] = System.nanoTime());
        long t0 = System.nanoTime();
        etcd.put(PREFIX + "nginx@3", nginx.backend(3).address());
        awaitBackends("nginx@1", "nginx@2", "nginx@3");
        // A figure for the record, not an assertion: timing goals live in the benchmarks.
        System.out.printf("etcd put -> proxy backend set: %.1f ms (put call included)%n", (changedAt[0] - t0) / 1e6);
        Poll.until(DEADLINE, "backend-3 serving", () -> spread(3).containsKey(page(3)));

        etcd.delete(PREFIX + "nginx@1");
        awaitBackends("nginx@2", "nginx@3");
        assertEquals(Map.of(page(2), 10, page(3), 10), spread(20));
    }

    @Test
    void requestInFlightFinishesOnItsBackendAfterItsKeyIsDeleted() {
        etcd.delete(PREFIX + "nginx@2");
        awaitBackends("nginx@1");
        try (RawHttp client = new RawHttp(proxy.address())) {
            client.send("GET /big HTTP/1.1\r\nHost: test\r\n\r\n");
            // In flight: the response has started (a request not yet read by the proxy would get 503).
            Poll.until(DEADLINE, "the response to start", () -> responseStarted(client));
            etcd.delete(PREFIX + "nginx@1");
            awaitBackends();
            RawHttp.Response r = client.readCounting();
            assertEquals(200, r.status());
            assertEquals(256L << 20, r.bodyLength());
        }
        assertTrue(get("/").startsWith("503 "), "no backends left: 503");
    }

    @Test
    void malformedValueIsSkippedAndTheOthersKeepServing() {
        etcd.put(PREFIX + "broken", "not-an-address");
        etcd.put(PREFIX + "nginx@3", nginx.backend(3).address());
        awaitBackends("nginx@1", "nginx@2", "nginx@3");
        assertEquals(Set.of(page(1), page(2), page(3)), spread(6).keySet());
    }

    @Test
    void lastKnownSetKeepsServingWhileEtcdIsUnreachableAndChangesArriveAfter() {
        relay.cut();
        Poll.until(DEADLINE, "source disconnected", () -> proxy.metrics().sourceState().equals("disconnected"));
        assertEquals(Map.of(page(1), 3, page(2), 3), spread(6));

        etcd.put(PREFIX + "nginx@3", nginx.backend(3).address());
        relay.restore();
        awaitBackends("nginx@1", "nginx@2", "nginx@3");
        assertEquals("watching", proxy.metrics().sourceState());
    }

    @Test
    void etcdRestartIsSurvived() {
        etcd.kill();
        assertEquals(Map.of(page(1), 2, page(2), 2), spread(4));
        etcd.start();
        etcd.put(PREFIX + "nginx@3", nginx.backend(3).address());
        awaitBackends("nginx@1", "nginx@2", "nginx@3");
    }

    @Test
    void compactionWhileDisconnectedMakesTheProxyReadThePrefixAgain() {
        relay.cut();
        Poll.until(DEADLINE, "source disconnected", () -> proxy.metrics().sourceState().equals("disconnected"));
        etcd.delete(PREFIX + "nginx@1");
        etcd.put(PREFIX + "nginx@3", nginx.backend(3).address());
        etcd.put("/unrelated", "bump");
        etcd.compact();
        relay.restore();
        awaitBackends("nginx@2", "nginx@3");
        assertEquals(Set.of(page(2), page(3)), spread(4).keySet());
    }

    @Test
    void emptyPrefixAnswers503WithAShortPage() {
        etcd.deletePrefix(PREFIX);
        awaitBackends();
        String r = get("/");
        assertTrue(r.startsWith("503 ") && r.contains("No backend is available"), r);
        assertEquals(List.of(), proxy.backends().current().asList());
    }
}
