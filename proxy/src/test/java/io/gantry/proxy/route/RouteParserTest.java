package io.gantry.proxy.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.proxy.balance.HashKey;
import io.gantry.proxy.balance.Policy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RouteParserTest {

    private static String refusal(String value) {
        return assertThrows(IllegalArgumentException.class, () -> RouteParser.route("r", value)).getMessage();
    }

    @Test
    void aRouteNamesItsHostPathAndServiceAndMaySetEverythingElse() {
        RouteSpec r = RouteParser.route("shop-api", "{\"host\":\"Shop.Example.com\",\"path\":\"/api/\",\"service\":\"api\","
                + "\"strip_prefix\":true,\"timeout\":\"5s\",\"tries\":3,\"max_body\":1048576,\"policy\":\"least_request\","
                + "\"slow_start\":\"30s\"}");
        assertEquals("shop.example.com", r.host());
        assertEquals("/api/", r.path());
        assertEquals("api", r.service());
        assertEquals(new RouteSettings(true, Duration.ofSeconds(5), 3, 1048576L, Policy.Kind.LEAST_REQUEST, null, null,
                Duration.ofSeconds(30)), r.settings());
    }

    @Test
    void hostAndPathMayBeLeftOut() {
        RouteSpec r = RouteParser.route("all", "{\"service\":\"website\"}");
        assertNull(r.host());
        assertEquals("/", r.path());
        assertEquals(RouteSettings.NONE, r.settings());
        assertEquals("*.example.com", RouteParser.route("w", "{\"host\":\"*.example.com\",\"service\":\"s\"}").host());
    }

    @Test
    void hashAndStickyNameWhatTheyKeyOn() {
        RouteSettings hash = RouteParser.service("{\"policy\":\"hash\",\"hash_on\":\"header:X-User\"}");
        assertEquals(new HashKey(HashKey.Source.HEADER, "x-user"), hash.hashOn());
        assertEquals(HashKey.CLIENT, RouteParser.service("{\"policy\":\"hash\",\"hash_on\":\"client_address\"}").hashOn());
        assertEquals("sid", RouteParser.service("{\"policy\":\"sticky\",\"cookie\":\"sid\"}").cookie());
        assertEquals(Policy.DEFAULT_COOKIE, RouteParser.service("{\"policy\":\"sticky\"}").over(new RouteSettings(false, Duration.ZERO, 1, 0L, Policy.Kind.ROUND_ROBIN, null, null, Duration.ZERO)).toPolicy().cookie());
    }

    @Test
    void whatIsWrongIsNamed() {
        assertTrue(refusal("not json").startsWith("not JSON"), refusal("not json"));
        assertEquals("not a JSON object", refusal("[1]"));
        assertTrue(refusal("{\"path\":\"/\"}").contains("\"service\" is missing"));
        assertTrue(refusal("{\"service\":\"a\",\"stip_prefix\":true}").contains("unknown field \"stip_prefix\""));
        assertTrue(refusal("{\"service\":\"a\",\"host\":\"shop.example.com:443\"}").contains("no port"));
        assertTrue(refusal("{\"service\":\"a\",\"host\":\"https://shop\"}").contains("not a host name"));
        assertTrue(refusal("{\"service\":\"a\",\"path\":\"api\"}").contains("starts with /"));
        assertTrue(refusal("{\"service\":\"a/b\"}").contains("not a service name"));
        assertTrue(refusal("{\"service\":\"a\",\"tries\":0}").contains("\"tries\": 0"));
        assertTrue(refusal("{\"service\":\"a\",\"timeout\":\"soon\"}").contains("\"timeout\": 'soon' is not a duration"));
        assertTrue(refusal("{\"service\":\"a\",\"policy\":\"fastest\"}").contains("not one of round_robin"));
        assertTrue(refusal("{\"service\":\"a\",\"policy\":\"hash\"}").contains("needs \"hash_on\""));
        assertTrue(refusal("{\"service\":\"a\",\"hash_on\":\"client_address\"}").contains("applies to \"policy\": \"hash\""));
        assertTrue(refusal("{\"service\":\"a\",\"policy\":\"hash\",\"hash_on\":\"body\"}").contains("not header:NAME"));
        assertTrue(refusal("{\"service\":\"a\",\"max_body\":\"1m\"}").contains("not a number of bytes"));
        assertTrue(refusal("{\"service\":\"a\",\"strip_prefix\":\"yes\"}").contains("not true or false"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RouteParser.service("{\"host\":\"a\"}")).getMessage()
                .contains("unknown field \"host\""));
    }

    @Test
    void aRouteSettingWinsOverItsServicesAndTheServicesOverTheCommandLines() {
        RouteSettings defaults = new RouteSettings(false, Duration.ofSeconds(60), 2, 0L, Policy.Kind.ROUND_ROBIN, null, null, Duration.ZERO);
        RouteSettings service = RouteParser.service("{\"policy\":\"hash\",\"hash_on\":\"cookie:sid\",\"tries\":5}");
        RouteSettings route = RouteParser.route("r", "{\"service\":\"s\",\"timeout\":\"2s\"}").settings();
        RouteSettings s = route.over(service).over(defaults);
        assertEquals(Duration.ofSeconds(2), s.timeout());
        assertEquals(5, s.tries());
        assertEquals(Policy.Kind.HASH, s.policy());
        assertEquals("cookie:sid", s.hashOn().toString());
        RouteSettings ownPolicy = RouteParser.route("r", "{\"service\":\"s\",\"policy\":\"least_request\"}").settings();
        assertNull(ownPolicy.over(service).over(defaults).hashOn(), "a route's own policy does not take its service's hash_on");
    }
}
