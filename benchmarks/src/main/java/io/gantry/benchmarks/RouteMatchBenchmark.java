package io.gantry.benchmarks;

import io.gantry.proxy.backend.BackendGroup;
import io.gantry.proxy.balance.Policy;
import io.gantry.proxy.route.Route;
import io.gantry.proxy.route.RouteIndex;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Picking the route for a request among 1,000, as every request does once ({@link RouteIndex#match}):
 * three mixes of routes, and requests that take an exact host, a wildcard, a path on a route for any
 * host, or nothing. Each operation matches the next of 1,024 different requests of its kind, so no
 * single host stays in the branch predictor or one cache line. Meant to allocate nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouteMatchBenchmark {

    /** How many routes each mix has. */
    static final int ROUTES = 1000;
    private static final int REQUESTS = 1024;
    private static final String[] PATHS = {"/", "/api/", "/api/v2/", "/static/", "/login/", "/admin/", "/assets/img/",
        "/ws/", "/search/", "/.well-known/acme-challenge/"};

    /**
     * {@code hosts}: 1,000 exact hosts, each {@code /} (a node serving many small sites); {@code hostsPaths}:
     * 100 hosts with 10 paths each (a few sites split over services); {@code mixed}: 600 exact hosts, 200 of
     * them with an {@code /api/} route too, 150 wildcards of two depths, 49 paths on any host and a catch-all.
     */
    @Param({"hosts", "hostsPaths", "mixed"})
    String mix;

    /**
     * What the requests take: {@code exact} an exact host's route (with a longer path than the route's),
     * {@code wildcard} a wildcard's ({@code hosts} and {@code hostsPaths} have none: they miss),
     * {@code anyHostPath} a path route for any host ({@code mixed} only; elsewhere they miss), {@code miss}
     * no host's route (the catch-all in {@code mixed}, none elsewhere).
     */
    @Param({"exact", "wildcard", "anyHostPath", "miss"})
    String request;

    private RouteIndex index;
    private final String[] hosts = new String[REQUESTS];
    private final String[] targets = new String[REQUESTS];
    private int next;

    @Setup
    public void setUp() {
        List<Route> routes = routes(mix);
        if (routes.size() != ROUTES) {
            throw new IllegalStateException(mix + " has " + routes.size() + " routes, not " + ROUTES);
        }
        index = new RouteIndex(routes);
        for (int i = 0; i < REQUESTS; i++) {
            hosts[i] = host(mix, request, i);
            targets[i] = target(mix, request, i);
        }
        // Every request finds what its kind says, so a mistake here cannot make the benchmark measure misses.
        for (int i = 0; i < REQUESTS; i++) {
            Route r = index.match(hosts[i], targets[i]);
            String expected = expected(mix, request, i);
            String got = r == null ? "none" : r.name().replaceAll("-\\d+$", "");
            if (!got.equals(expected)) {
                throw new IllegalStateException(mix + "/" + request + ": " + hosts[i] + " " + targets[i] + " took " + got
                        + ", not " + expected);
            }
        }
    }

    @Benchmark
    public Route match() {
        int i = next;
        next = (i + 1) & (REQUESTS - 1);
        return index.match(hosts[i], targets[i]);
    }

    /** The routes of a mix, made as RouteIndexTest makes them, over 100 services. */
    static List<Route> routes(String mix) {
        Map<String, BackendGroup> services = new HashMap<>();
        List<Route> routes = new ArrayList<>();
        switch (mix) {
            case "hosts" -> {
                for (int i = 0; i < 1000; i++) {
                    routes.add(route(services, "host-" + i, "site" + i + ".example.com", "/", i));
                }
            }
            case "hostsPaths" -> {
                for (int i = 0; i < 100; i++) {
                    for (int p = 0; p < PATHS.length; p++) {
                        routes.add(route(services, "path-" + (i * PATHS.length + p), "site" + i + ".example.com", PATHS[p], i));
                    }
                }
            }
            case "mixed" -> {
                for (int i = 0; i < 600; i++) {
                    routes.add(route(services, "host-" + i, "site" + i + ".example.com", "/", i));
                    if (i < 200) {
                        routes.add(route(services, "api-" + i, "site" + i + ".example.com", "/api/", i + 1));
                    }
                }
                for (int i = 0; i < 150; i++) {
                    String domain = i % 3 == 0 ? "*.eu.tenant" + i + ".example.net" : "*.tenant" + i + ".example.net";
                    routes.add(route(services, "wild-" + i, domain, "/", i));
                }
                for (int i = 0; i < 49; i++) {
                    routes.add(route(services, "any-" + i, null, "/app" + i + "/", i));
                }
                routes.add(route(services, Route.CATCH_ALL, null, "/", 0));
            }
            default -> throw new IllegalArgumentException("unknown mix " + mix);
        }
        return routes;
    }

    private static Route route(Map<String, BackendGroup> services, String name, String host, String path, int service) {
        BackendGroup g = services.computeIfAbsent("svc-" + service % 100, BackendGroup::new);
        return new Route(name, host, path, g, Policy.ROUND_ROBIN, g.balancer(Policy.ROUND_ROBIN), false, Duration.ofSeconds(1), 2, 0);
    }

    /** The Host header of request {@code i} of a kind. */
    static String host(String mix, String request, int i) {
        return switch (request) {
            case "exact" -> "site" + (i % (mix.equals("hostsPaths") ? 100 : mix.equals("mixed") ? 600 : 1000)) + ".example.com";
            case "wildcard" -> {
                int t = i % 150;
                yield (t % 3 == 0 ? "shop.eu.tenant" : "shop.tenant") + t + ".example.net";
            }
            case "anyHostPath", "miss" -> "unknown" + i + ".example.org";
            default -> throw new IllegalArgumentException("unknown request " + request);
        };
    }

    /** The request target of request {@code i} of a kind: longer than the route's path, often with a query. */
    static String target(String mix, String request, int i) {
        return switch (request) {
            case "exact" -> mix.equals("hostsPaths") ? PATHS[i % PATHS.length] + "users/" + i + "?page=2"
                    : mix.equals("mixed") && i % 600 < 200 ? "/api/orders/" + i : "/products/" + i + "?ref=home";
            case "wildcard" -> "/cart/" + i;
            case "anyHostPath" -> "/app" + (i % 49) + "/index.html";
            case "miss" -> "/index.html?q=" + i;
            default -> throw new IllegalArgumentException("unknown request " + request);
        };
    }

    /** The name (less its number) of the route request {@code i} of a kind takes in a mix; "none" for none. */
    private static String expected(String mix, String request, int i) {
        if (mix.equals("mixed")) {
            return switch (request) {
                case "exact" -> i % 600 < 200 ? "api" : "host";
                case "wildcard" -> "wild";
                case "anyHostPath" -> "any";
                default -> Route.CATCH_ALL;
            };
        }
        return request.equals("exact") ? (mix.equals("hosts") ? "host" : "path") : "none";
    }
}
