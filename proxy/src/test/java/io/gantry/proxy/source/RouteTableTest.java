package io.gantry.proxy.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.gantry.proxy.backend.Services;
import io.gantry.proxy.balance.Policy;
import io.gantry.proxy.route.Route;
import io.gantry.proxy.route.RouteSettings;
import io.gantry.proxy.route.RouteSpec;
import io.gantry.proxy.route.Routes;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private static final RouteSettings DEFAULTS = new RouteSettings(false, Duration.ofSeconds(60), 2, 0L,
            Policy.Kind.ROUND_ROBIN, null, null, Duration.ZERO);

    private final Services services = new Services();
    private final Routes routes = new Routes();
    private final RouteTable table = new RouteTable(services, routes, DEFAULTS,
            new RouteSpec(Route.CATCH_ALL, null, "/", "website", RouteSettings.NONE));
    private final EtcdPrefixWatch.Listener routeKeys = table.routesUnder("/gantry/routes/");
    private final EtcdPrefixWatch.Listener serviceKeys = table.settingsUnder("/gantry/services/");

    private void put(EtcdPrefixWatch.Listener keys, String key, String value) {
        keys.put(key, value);
        keys.batchDone();
    }

    @Test
    void theCatchAllIsThereBeforeEtcdAnswers() {
        table.publish();
        assertEquals("website", routes.match("any", "/").service().service());
    }

    @Test
    void aRouteTakesItsServicesSettingsOverTheCommandLinesAndItsOwnOverBoth() {
        put(serviceKeys, "/gantry/services/api", "{\"policy\":\"least_request\",\"tries\":4,\"timeout\":\"5s\"}");
        put(routeKeys, "/gantry/routes/api", "{\"host\":\"a.example.com\",\"service\":\"api\",\"timeout\":\"1s\"}");
        Route r = routes.match("a.example.com", "/");
        assertEquals(Policy.Kind.LEAST_REQUEST, r.policy().kind());
        assertEquals(4, r.tries());
        assertEquals(Duration.ofSeconds(1), r.timeout());
        assertEquals(0, r.maxBody());
        serviceKeys.delete("/gantry/services/api");
        serviceKeys.batchDone();
        Route after = routes.match("a.example.com", "/");
        assertEquals(Policy.Kind.ROUND_ROBIN, after.policy().kind());
        assertEquals(2, after.tries());
    }

    @Test
    void aMalformedValueIsCountedUntilItIsFixedOrDeleted() {
        put(routeKeys, "/gantry/routes/bad", "{\"service\":\"x\",\"colour\":\"red\"}");
        assertEquals(1, routes.rejected());
        assertEquals(1, routes.current().routes().size());
        put(routeKeys, "/gantry/routes/bad", "{\"service\":\"x\"}");
        assertEquals(0, routes.rejected());
        put(routeKeys, "/gantry/routes/nested/key", "{\"service\":\"x\"}");
        assertEquals(1, routes.rejected());
        routeKeys.delete("/gantry/routes/nested/key");
        routeKeys.batchDone();
        assertEquals(0, routes.rejected());
    }

    @Test
    void settingsThatContradictTheirServicesSkipOnlyThatRoute() {
        put(serviceKeys, "/gantry/services/api", "{\"policy\":\"hash\",\"hash_on\":\"client_address\"}");
        put(routeKeys, "/gantry/routes/good", "{\"path\":\"/good/\",\"service\":\"api\"}");
        put(routeKeys, "/gantry/routes/odd", "{\"path\":\"/odd/\",\"service\":\"api\",\"cookie\":\"c\"}");
        assertEquals(1, routes.rejected(), "a cookie without sticky");
        assertEquals("good", routes.match("h", "/good/x").name());
        assertEquals(Route.CATCH_ALL, routes.match("h", "/odd/x").name());
    }

    @Test
    void routesOfOneServiceAndPolicyShareOneBalancer() {
        put(routeKeys, "/gantry/routes/a", "{\"path\":\"/a/\",\"service\":\"api\"}");
        put(routeKeys, "/gantry/routes/b", "{\"path\":\"/b/\",\"service\":\"api\"}");
        assertSame(routes.match("h", "/a/").balancer(), routes.match("h", "/b/").balancer());
    }

    @Test
    void aRereadForgetsRoutesThatAreGone() {
        put(routeKeys, "/gantry/routes/a", "{\"path\":\"/a/\",\"service\":\"api\"}");
        routeKeys.clear();
        routeKeys.put("/gantry/routes/b", "{\"path\":\"/b/\",\"service\":\"api\"}");
        routeKeys.batchDone();
        assertEquals(Route.CATCH_ALL, routes.match("h", "/a/").name());
        assertEquals("b", routes.match("h", "/b/").name());
    }

    @Test
    void withoutACatchAllAnUnroutedRequestMatchesNothing() {
        Routes none = new Routes();
        RouteTable t = new RouteTable(services, none, DEFAULTS, null);
        t.publish();
        assertNull(none.match("h", "/"));
    }
}
