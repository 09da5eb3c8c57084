package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.EtcdSettings;
import io.gantry.common.HostPort;
import io.gantry.proxy.backend.BackendGroup;
import io.gantry.proxy.backend.Endpoint;
import io.gantry.testing.EtcdExtension;
import io.gantry.testing.NginxExtension;
import io.gantry.testing.Poll;
import io.gantry.testing.RawHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many sites on one proxy, live from a real etcd in front of real nginx backends: routes by host and
 * path, wildcards, a route added and removed under wrk load, and each balancing policy, draining and
 * slow start as a user would see them, by which backend answered.
 */
class RoutesIT {

    private static final Duration DEADLINE = Duration.ofSeconds(15);
    private static final String ROUTES = "/gantry/routes/";

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    /** Every path answers with the backend's name and the path it was asked; /lr/ is slow on backend 1, /slow/ everywhere. */
    @RegisterExtension
    static final NginxExtension nginx = new NginxExtension(5).withLocations(i -> """
            location / { default_type text/plain; echo "backend-%1$d $request_uri xfp=$http_x_forwarded_prefix"; }
            location /lr/ { default_type text/plain; echo_sleep %2$s; echo "backend-%1$d"; }
            location /slow/ { default_type text/plain; echo_sleep 2; echo "backend-%1$d"; }
            """.formatted(i, i == 1 ? "0.05" : "0.001"));

    private static Proxy proxy;

    @BeforeAll
    static void startProxy() throws Exception {
        proxy = startProxy(b -> b);
    }

    /** A proxy on free loopback ports reading this test's etcd, with {@code settings} over the defaults. */
    private static Proxy startProxy(java.util.function.UnaryOperator<ProxyConfig.Builder> settings) throws InterruptedException {
        return Proxy.start(settings.apply(ProxyConfig.builder()
                .listen(new HostPort("127.0.0.1", 0))
                .admin(new HostPort("127.0.0.1", 0))
                .etcd(EtcdSettings.parse(etcd.endpoint()))).build());
    }

    @AfterAll
    static void stopProxy() {
        proxy.close();
    }

    @BeforeEach
    void startFromNoRoutes() {
        etcd.deletePrefix(ROUTES);
        etcd.deletePrefix("/services/");
        etcd.deletePrefix("/gantry/services/");
        etcd.put("/services/website/nginx@1", nginx.backend(1).address());
        Poll.until(DEADLINE, "only the catch-all left", () -> proxy.routes().current().routes().size() == 1
                && proxy.services().backendCount() == 1);
    }

    // --- helpers ----------------------------------------------------------------------------------

    /** GET {@code path} with {@code Host: host} on a new connection; "STATUS body". */
    private static String get(String host, String path, String... headerLines) {
        try (RawHttp c = new RawHttp(proxy.address())) {
            return ask(c, host, path, headerLines);
        }
    }

    private static String ask(RawHttp c, String host, String path, String... headerLines) {
        StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
        for (String h : headerLines) {
            req.append(h).append("\r\n");
        }
        RawHttp.Response r = c.send(req.append("\r\n").toString()).read();
        return r.status() + " " + r.text().trim();
    }

    private static String admin(String path) {
        try (RawHttp c = new RawHttp(proxy.adminAddress())) {
            return c.get(path).text();
        }
    }

    /** Which backend answered: {@code backend-3}. */
    private static String who(String answer) {
        Matcher m = Pattern.compile("backend-\\d+").matcher(answer);
        if (!m.find()) {
            throw new AssertionError("not an answer from a backend: " + answer);
        }
        return m.group();
    }

    private static void route(String name, String json) {
        etcd.put(ROUTES + name, json);
    }

    private static void backend(String service, int nginxIndex, String value) {
        etcd.put("/services/" + service + "/nginx@" + nginxIndex, value == null ? nginx.backend(nginxIndex).address() : value);
    }

    private static void awaitRoutes(int count) {
        Poll.until(DEADLINE, count + " routes", () -> proxy.routes().current().routes().size() == count);
    }

    private static void awaitBackends(String service, int count) {
        Poll.until(DEADLINE, count + " backends of " + service, () -> proxy.services().group(service).current().size() == count);
    }

    /** {@code n} requests on one keep-alive connection; how many each backend answered. */
    private static Map<String, Integer> spread(String host, String path, int n) {
        Map<String, Integer> count = new HashMap<>();
        try (RawHttp c = new RawHttp(proxy.address())) {
            for (int i = 0; i < n; i++) {
                String answer = ask(c, host, path);
                assertTrue(answer.startsWith("200 "), answer);
                count.merge(who(answer), 1, Integer::sum);
            }
        }
        return count;
    }

    // --- routes -----------------------------------------------------------------------------------

    @Test
    void twoSitesAndAnApiShareOneProxyByHostAndPath() {
        backend("shop", 2, null);
        backend("blog", 3, null);
        backend("api", 4, null);
        route("shop", "{\"host\":\"shop.example.com\",\"service\":\"shop\"}");
        route("blog", "{\"host\":\"blog.example.com\",\"service\":\"blog\"}");
        route("shop-api", "{\"host\":\"shop.example.com\",\"path\":\"/api/\",\"service\":\"api\",\"strip_prefix\":true}");
        awaitRoutes(4);
        awaitBackends("api", 1);
        assertEquals("200 backend-2 /cart xfp=", get("shop.example.com", "/cart"));
        assertEquals("200 backend-3 /post/1 xfp=", get("Blog.Example.com:8080", "/post/1"));
        assertEquals("200 backend-4 /users?id=7 xfp=/api", get("shop.example.com", "/api/users?id=7"), "the prefix is stripped");
        assertEquals("200 backend-1 /api/users xfp=", get("other.example.org", "/api/users"), "the catch-all takes the rest");
    }

    @Test
    void aWildcardTakesEverySubdomainThatHasNoRouteOfItsOwn() {
        backend("shop", 2, null);
        backend("tenants", 3, null);
        route("shop", "{\"host\":\"shop.example.com\",\"service\":\"shop\"}");
        route("tenants", "{\"host\":\"*.example.com\",\"service\":\"tenants\"}");
        awaitRoutes(3);
        awaitBackends("tenants", 1);
        assertEquals("backend-3", who(get("acme.example.com", "/")));
        assertEquals("backend-3", who(get("a.b.example.com", "/")));
        assertEquals("backend-2", who(get("shop.example.com", "/")));
        assertEquals("backend-1", who(get("example.com", "/")), "*.example.com is not example.com");
    }

    @Test
    void withoutACatchAllARequestNoRouteTakesGets404NamingItsHost() throws Exception {
        try (Proxy routesOnly = startProxy(b -> b.prefix(null))) {
            backend("shop", 2, null);
            route("shop", "{\"host\":\"shop.example.com\",\"service\":\"shop\"}");
            Poll.until(DEADLINE, "the shop route", () -> routesOnly.routes().current().routes().size() == 1
                    && routesOnly.services().group("shop").current().size() == 1);
            try (RawHttp c = new RawHttp(routesOnly.address())) {
                RawHttp.Response r = c.send("GET /x HTTP/1.1\r\nHost: nowhere.example.com\r\n\r\n").read();
                assertEquals(404, r.status());
                assertTrue(r.text().contains("nowhere.example.com/x"), r.text());
                r = c.send("GET /x HTTP/1.1\r\nHost: shop.example.com\r\n\r\n").read();
                assertEquals(200, r.status(), "the connection serves on after a 404");
            }
        }
    }

    @Test
    void aMalformedRouteIsSkippedAndEveryOtherKeepsWorking() {
        backend("shop", 2, null);
        route("shop", "{\"host\":\"shop.example.com\",\"service\":\"shop\"}");
        awaitRoutes(2);
        route("broken", "{\"host\":\"blog.example.com\",\"servce\":\"blog\"}");
        route("also-broken", "not json");
        Poll.until(DEADLINE, "two rejected values", () -> proxy.routes().rejected() == 2);
        assertEquals(2, proxy.routes().current().routes().size());
        assertEquals("backend-2", who(get("shop.example.com", "/")));
        route("broken", "{\"host\":\"blog.example.com\",\"service\":\"shop\"}");
        Poll.until(DEADLINE, "the fixed route", () -> proxy.routes().rejected() == 1 && proxy.routes().current().routes().size() == 3);
        assertEquals("backend-2", who(get("blog.example.com", "/")));
        String status = admin("/status");
        assertTrue(status.contains("\"routes_rejected\" : 1"), status);
        assertTrue(status.contains("{ \"name\" : \"broken\", \"host\" : \"blog.example.com\", \"path\" : \"/\", \"service\" : \"shop\""), status);
        String metrics = admin("/metrics");
        assertTrue(metrics.contains("gantry_routes 3\n") && metrics.contains("gantry_routes_rejected 1\n"), metrics);
        assertTrue(metrics.contains("gantry_service_backends{service=\"shop\",state=\"up\"} 1\n"), metrics);
    }

    @Test
    void aRouteAddedAndRemovedUnderLoadFailsNoRequest() throws Exception {
        backend("shop", 2, null);
        awaitBackends("shop", 1);
        Process wrk = new ProcessBuilder("wrk", "-t2", "-c16", "-d6s", "-H", "Host: new.example.com",
                "http://127.0.0.1:" + proxy.address().getPort() + "/page").redirectErrorStream(true).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Poll.until(DEADLINE, "the load reaching the catch-all", () -> nginx.backend(1).accessLog().size() > 100);
        route("new", "{\"host\":\"new.example.com\",\"service\":\"shop\"}");
        Poll.until(DEADLINE, "the load reaching the new route", () -> nginx.backend(2).accessLog().size() > 100);
        int beforeRemoval = nginx.backend(1).accessLog().size();
        etcd.delete(ROUTES + "new");
        Poll.until(DEADLINE, "the load back on the catch-all", () -> nginx.backend(1).accessLog().size() > beforeRemoval + 100);
        assertTrue(wrk.waitFor(30, TimeUnit.SECONDS), "wrk ends");
        String report = output.get(5, TimeUnit.SECONDS);
        assertTrue(report.contains("requests in"), report);
        assertTrue(!report.contains("Non-2xx") && !report.contains("Socket errors"), report);
    }

    @Test
    void aRoutesOwnTimeoutAndBodyLimitApplyToItsRequestsAlone() {
        backend("limits", 2, null);
        route("limits", "{\"host\":\"limits.example.com\",\"service\":\"limits\",\"timeout\":\"500ms\",\"max_body\":10}");
        awaitRoutes(2);
        awaitBackends("limits", 1);
        assertTrue(get("limits.example.com", "/slow/x").startsWith("504 "), "a backend silent past the route's timeout");
        try (RawHttp c = new RawHttp(proxy.address())) {
            RawHttp.Response r = c.send("POST /x HTTP/1.1\r\nHost: limits.example.com\r\nContent-Length: 11\r\n\r\nhello world").read();
            assertEquals(413, r.status());
        }
        try (RawHttp c = new RawHttp(proxy.address())) {
            RawHttp.Response r = c.send("POST /x HTTP/1.1\r\nHost: other.example.com\r\nContent-Length: 11\r\n\r\nhello world").read();
            assertEquals("backend-1", who(r.text()), "the catch-all has no such limit");
        }
        assertEquals("200 backend-1", get("other.example.com", "/slow/x"), "nor such a timeout");
    }

    @Test
    void anHttp2ClientIsRoutedByItsAuthority() throws Exception {
        try (Proxy h2c = startProxy(b -> b.h2c(true))) {
            backend("shop", 2, null);
            route("shop", "{\"host\":\"shop.example.com\",\"path\":\"/api/\",\"service\":\"shop\",\"strip_prefix\":true}");
            Poll.until(DEADLINE, "the shop route", () -> h2c.routes().current().routes().size() == 2
                    && h2c.services().group("shop").current().size() == 1);
            Process curl = new ProcessBuilder("curl", "-s", "--http2-prior-knowledge", "-H", "Host: shop.example.com",
                    "http://127.0.0.1:" + h2c.address().getPort() + "/api/users").redirectErrorStream(true).start();
            String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(curl.waitFor(10, TimeUnit.SECONDS));
            assertEquals("backend-2 /users xfp=/api", out);
        }
    }

    // --- balancing --------------------------------------------------------------------------------

    @Test
    void weightsThreeToOneGiveThreeQuartersOfTheRequests() {
        backend("weighted", 2, "{\"address\":\"" + nginx.backend(2).address() + "\",\"weight\":3}");
        backend("weighted", 3, nginx.backend(3).address());
        route("weighted", "{\"path\":\"/w/\",\"service\":\"weighted\"}");
        awaitRoutes(2);
        awaitBackends("weighted", 2);
        Map<String, Integer> count = spread("any", "/w/x", 4000);
        double share = count.getOrDefault("backend-2", 0) / 4000.0;
        System.out.println("weights 3:1 over 4000 requests: " + count);
        assertEquals(0.75, share, 0.03, count.toString());
    }

    @Test
    void leastRequestSendsTheSlowBackendFewRequests() throws Exception {
        backend("lr", 1, null); // /lr/ takes 50 ms on backend 1
        backend("lr", 2, null); // and 1 ms on backend 2
        route("lr", "{\"path\":\"/lr/\",\"service\":\"lr\",\"policy\":\"least_request\"}");
        awaitRoutes(2);
        awaitBackends("lr", 2);
        long slowBefore = requestsFor(1, "/lr/");
        long fastBefore = requestsFor(2, "/lr/");
        String report = wrk("any", "/lr/x", 8, 3);
        assertTrue(!report.contains("Non-2xx") && !report.contains("Socket errors"), report);
        long slow = requestsFor(1, "/lr/") - slowBefore;
        long fast = requestsFor(2, "/lr/") - fastBefore;
        System.out.println("least_request, 50 ms and 1 ms backends: the slow one answered " + slow + " of " + (slow + fast));
        assertTrue(fast > 100, "the load was served: " + report);
        assertTrue(slow < 0.10 * (slow + fast), "the slow backend answered " + slow + " of " + (slow + fast));
    }

    /** The requests for paths under {@code prefix} that nginx backend {@code i} has answered. */
    private static long requestsFor(int i, String prefix) {
        return nginx.backend(i).accessLog().stream().filter(l -> l.contains("GET " + prefix)).count();
    }

    /** wrk's report of {@code seconds} of {@code connections} keep-alive connections asking {@code host} for {@code path}. */
    private static String wrk(String host, String path, int connections, int seconds) throws Exception {
        Process wrk = new ProcessBuilder("wrk", "-t1", "-c" + connections, "-d" + seconds + "s", "-H", "Host: " + host,
                "http://127.0.0.1:" + proxy.address().getPort() + path).redirectErrorStream(true).start();
        String report = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(wrk.waitFor(seconds + 20L, TimeUnit.SECONDS), "wrk ends");
        assertTrue(report.contains("requests in"), report);
        return report;
    }

    @Test
    void hashKeepsEveryKeyOnItsBackendAndAFifthBackendMovesAtMostAQuarter() throws Exception {
        for (int i = 1; i <= 4; i++) {
            backend("h", i, null);
        }
        route("h", "{\"path\":\"/h/\",\"service\":\"h\",\"policy\":\"hash\",\"hash_on\":\"header:X-User\"}");
        awaitRoutes(2);
        awaitBackends("h", 4);
        Map<String, String> four = placement(10_000);
        Map<String, String> again = placement(2_000);
        again.forEach((user, where) -> assertEquals(four.get(user), where, user + " moved without a change"));
        backend("h", 5, null);
        awaitBackends("h", 5);
        Map<String, String> five = placement(10_000);
        long moved = four.keySet().stream().filter(u -> !four.get(u).equals(five.get(u))).count();
        System.out.println("hash: a fifth backend moved " + moved + " of 10000 keys");
        assertTrue(moved <= 2_500, moved + " of 10000 keys moved");
        assertTrue(moved >= 1_000, "the fifth backend took its share: " + moved);
    }

    /** Where each of {@code users} keys goes, four connections at once. */
    private static Map<String, String> placement(int users) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<Map<String, String>>> parts = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int first = t;
                parts.add(clients.submit(() -> {
                    Map<String, String> where = new HashMap<>();
                    try (RawHttp c = new RawHttp(proxy.address())) {
                        for (int u = first; u < users; u += 4) {
                            where.put("user-" + u, who(ask(c, "any", "/h/x", "X-User: user-" + u)));
                        }
                    }
                    return where;
                }));
            }
            Map<String, String> all = new HashMap<>();
            for (Future<Map<String, String>> f : parts) {
                all.putAll(f.get(120, TimeUnit.SECONDS));
            }
            return all;
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void stickySessionsKeepAClientOnItsBackend() {
        backend("sticky", 2, null);
        backend("sticky", 3, null);
        route("sticky", "{\"path\":\"/s/\",\"service\":\"sticky\",\"policy\":\"sticky\",\"cookie\":\"srv\"}");
        awaitRoutes(2);
        awaitBackends("sticky", 2);
        try (RawHttp c = new RawHttp(proxy.address())) {
            RawHttp.Response first = c.send("GET /s/x HTTP/1.1\r\nHost: any\r\n\r\n").read();
            String cookie = first.header("Set-Cookie");
            assertTrue(cookie != null && cookie.startsWith("srv="), String.valueOf(first.headers()));
            String owner = who(first.text());
            String value = cookie.substring(0, cookie.indexOf(';'));
            for (int i = 0; i < 20; i++) {
                assertEquals(owner, who(ask(c, "any", "/s/x", "Cookie: " + value)));
            }
        }
    }

    // --- deploys ----------------------------------------------------------------------------------

    @Test
    void aDrainingBackendGetsNoNewRequestWhileItsSlowOneFinishes() throws Exception {
        backend("d", 2, null);
        backend("d", 3, null);
        route("d", "{\"path\":\"/\",\"host\":\"d.example.com\",\"service\":\"d\"}");
        awaitRoutes(2);
        awaitBackends("d", 2);
        CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> get("d.example.com", "/slow/x"));
        BackendGroup group = proxy.services().group("d");
        Endpoint busy = Poll.value(DEADLINE, "the slow request in flight", () -> group.current().endpoints().stream()
                .filter(e -> e.load().inFlight() == 1).findFirst().orElse(null));
        int index = busy.key().endsWith("@2") ? 2 : 3;
        backend("d", index, "{\"address\":\"" + nginx.backend(index).address() + "\",\"draining\":true}");
        Poll.until(DEADLINE, "the backend draining", () -> group.current().endpoints().stream().anyMatch(Endpoint::draining));
        for (int i = 0; i < 20; i++) {
            assertNotEquals("backend-" + index, who(get("d.example.com", "/x")), "a new request went to the draining backend");
        }
        assertEquals("200 backend-" + index, slow.get(10, TimeUnit.SECONDS), "the request in flight finished where it started");
    }

    @Test
    void slowStartRampsANewBackendUp() {
        backend("ss", 2, null);
        route("ss", "{\"path\":\"/ss/\",\"service\":\"ss\",\"slow_start\":\"5s\"}");
        awaitRoutes(2);
        awaitBackends("ss", 1);
        backend("ss", 3, null);
        long joined = System.nanoTime();
        awaitBackends("ss", 2);
        Map<String, Integer> early = spread("any", "/ss/x", 200);
        double earlyShare = early.getOrDefault("backend-3", 0) / 200.0;
        double earlyAt = (System.nanoTime() - joined) / 1e9;
        System.out.println("slow start 5s: the newcomer took " + early + " within " + earlyAt + " s of joining");
        assertTrue(earlyShare < 0.30, "the newcomer took " + early + " within " + earlyAt + " s");
        Poll.until(Duration.ofSeconds(20), "the newcomer at its full share", () -> {
            double share = spread("any", "/ss/x", 200).getOrDefault("backend-3", 0) / 200.0;
            return share > 0.40;
        });
    }
}
