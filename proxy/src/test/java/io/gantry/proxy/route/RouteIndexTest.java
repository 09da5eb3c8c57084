package io.gantry.proxy.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gantry.proxy.backend.BackendGroup;
import io.gantry.proxy.balance.Policy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteIndexTest {

    private static Route route(String name, String host, String path) {
        BackendGroup g = new BackendGroup(name);
        return new Route(name, host, path, g, Policy.ROUND_ROBIN, g.balancer(Policy.ROUND_ROBIN), false, Duration.ofSeconds(1), 2, 0);
    }

    private static String match(RouteIndex index, String host, String target) {
        Route r = index.match(host, target);
        return r == null ? null : r.name();
    }

    private final RouteIndex index = new RouteIndex(List.of(
            route("shop", "shop.example.com", "/"),
            route("shop-api", "shop.example.com", "/api/"),
            route("shop-api-v2", "shop.example.com", "/api/v2/"),
            route("wild", "*.example.com", "/"),
            route("deep-wild", "*.eu.example.com", "/"),
            route("wild-static", "*.example.com", "/static/"),
            route("any-api", null, "/api/"),
            route(Route.CATCH_ALL, null, "/")));

    @Test
    void anExactHostWinsOverAWildcardAndAWildcardOverNone() {
        assertEquals("shop", match(index, "shop.example.com", "/cart"));
        assertEquals("wild", match(index, "blog.example.com", "/cart"));
        assertEquals("catch-all", match(index, "example.org", "/cart"));
        assertEquals("catch-all", match(index, "example.com", "/"), "*.example.com is not example.com itself");
    }

    @Test
    void theLongerWildcardWins() {
        assertEquals("deep-wild", match(index, "paris.eu.example.com", "/"));
        assertEquals("wild", match(index, "a.b.example.com", "/"));
    }

    @Test
    void withinAHostTheLongestPathPrefixWins() {
        assertEquals("shop-api", match(index, "shop.example.com", "/api/users"));
        assertEquals("shop-api-v2", match(index, "shop.example.com", "/api/v2/users?page=2"));
        assertEquals("shop-api", match(index, "shop.example.com", "/api/v2"), "a prefix is compared as written");
        assertEquals("shop", match(index, "shop.example.com", "/apiary"));
        assertEquals("wild-static", match(index, "blog.example.com", "/static/app.js"));
    }

    @Test
    void aHostWhosePathsTakeNothingLeavesTheRequestToTheNextLessSpecific() {
        RouteIndex i = new RouteIndex(List.of(route("docs", "docs.example.com", "/v1/"), route("api", null, "/api/"),
                route(Route.CATCH_ALL, null, "/")));
        assertEquals("docs", match(i, "docs.example.com", "/v1/intro"));
        assertEquals("api", match(i, "docs.example.com", "/api/x"));
        assertEquals("catch-all", match(i, "docs.example.com", "/other"));
    }

    @Test
    void theHostIsMatchedWithoutItsPortCaseOrTrailingDot() {
        assertEquals("shop", match(index, "SHOP.Example.COM:8443", "/"));
        assertEquals("shop", match(index, "shop.example.com.", "/"));
        assertEquals("wild", match(index, "Blog.EXAMPLE.com.:80", "/"));
        assertEquals("catch-all", match(index, "[::1]:8080", "/"));
    }

    @Test
    void theQueryIsNotPartOfThePath() {
        assertEquals("shop", match(index, "shop.example.com", "/?q=/api/"));
        assertEquals("any-api", match(index, "other", "/api/?x"));
    }

    @Test
    void anAbsoluteTargetIsMatchedByItsPathAndAnAsteriskByTheRootRoute() {
        assertEquals("shop-api", match(index, "shop.example.com", "http://shop.example.com/api/x"));
        assertEquals("shop", match(index, "shop.example.com", "*"));
    }

    @Test
    void withoutAHostOnlyRoutesForAnyHostMatch() {
        assertEquals("any-api", match(index, null, "/api/"));
        assertEquals("catch-all", match(index, null, "/"));
    }

    @Test
    void routesThatTakeTheSameRequestsAreDecidedByNameAndTheCatchAllYields() {
        RouteIndex i = new RouteIndex(List.of(route("b", null, "/x/"), route("a", null, "/x/"), route(Route.CATCH_ALL, null, "/"),
                route("zzz", null, "/")));
        assertEquals("a", match(i, "h", "/x/1"));
        assertEquals("zzz", match(i, "h", "/y"));
    }

    @Test
    void nothingMatchesWithoutARouteForTheRequest() {
        RouteIndex i = new RouteIndex(List.of(route("shop", "shop.example.com", "/")));
        assertNull(i.match("blog.example.com", "/"));
        assertNull(RouteIndex.EMPTY.match("a", "/"));
    }

    @Test
    void aThousandRoutesEachFindTheirOwnRequests() {
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            routes.add(route("host-" + i, "site" + i + ".example.com", "/"));
            routes.add(route("path-" + i, null, "/app" + i + "/"));
        }
        RouteIndex big = new RouteIndex(routes);
        for (int i = 0; i < 500; i++) {
            assertEquals("host-" + i, match(big, "site" + i + ".example.com", "/app" + i + "/"));
            assertEquals("path-" + i, match(big, "elsewhere", "/app" + i + "/index.html"));
        }
        assertNull(big.match("elsewhere", "/app/"));
    }
}
