package io.gantry.proxy.balance;

import static io.gantry.proxy.balance.Endpoints.endpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.proxy.backend.BackendSet;
import io.gantry.proxy.backend.Endpoint;
import io.gantry.proxy.backend.PassiveHealth;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StickyCookieTest {

    private static final PassiveHealth ALL_UP = new PassiveHealth(1, Duration.ofSeconds(10));

    @Test
    void aClientWithTheCookieStaysAndOneWithoutIsGivenIt() {
        StickyCookie sticky = new StickyCookie("sid", SlowStart.OFF);
        sticky.rebase(Endpoints.named("b", 3));
        var fresh = Endpoints.request();
        Endpoint first = sticky.pick(fresh, "127.0.0.1", null, ALL_UP);
        String setCookie = sticky.cookieFor(first, fresh);
        assertTrue(setCookie.startsWith("sid=" + StickyCookie.id(first.key()) + ";"), setCookie);
        var returning = Endpoints.withHeader("Cookie", "theme=dark; sid=" + StickyCookie.id(first.key()));
        for (int i = 0; i < 20; i++) {
            Endpoint again = sticky.pick(returning, "127.0.0.1", null, ALL_UP);
            assertEquals(first.key(), again.key());
            assertNull(sticky.cookieFor(again, returning), "the cookie already says so");
        }
    }

    @Test
    void aDrainingBackendKeepsNoSession() {
        BackendSet set = Endpoints.of(endpoint("a", 1, true), endpoint("b", 1, false));
        StickyCookie sticky = new StickyCookie("sid", SlowStart.OFF);
        sticky.rebase(set);
        var toA = Endpoints.withHeader("Cookie", "sid=" + StickyCookie.id("a"));
        Endpoint e = sticky.pick(toA, "127.0.0.1", null, ALL_UP);
        assertEquals("b", e.key());
        assertTrue(sticky.cookieFor(e, toA).startsWith("sid=" + StickyCookie.id("b")));
    }

    @Test
    void anUnknownCookieIsReplaced() {
        StickyCookie sticky = new StickyCookie("sid", SlowStart.OFF);
        sticky.rebase(Endpoints.named("b", 2));
        var stale = Endpoints.withHeader("Cookie", "sid=0123456789abcdef");
        Endpoint e = sticky.pick(stale, "127.0.0.1", null, ALL_UP);
        assertTrue(sticky.cookieFor(e, stale).startsWith("sid=" + StickyCookie.id(e.key())));
    }
}
