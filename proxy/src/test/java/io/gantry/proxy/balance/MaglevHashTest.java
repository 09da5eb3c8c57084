package io.gantry.proxy.balance;

import static io.gantry.proxy.balance.Endpoints.endpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.proxy.backend.BackendSet;
import io.gantry.proxy.backend.Endpoint;
import io.gantry.proxy.backend.PassiveHealth;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaglevHashTest {

    private static final PassiveHealth ALL_UP = new PassiveHealth(1, Duration.ofSeconds(10));
    private static final HashKey USER = HashKey.parse("header:X-User");

    private static String pick(MaglevHash h, String user, PassiveHealth health) {
        return h.pick(Endpoints.withHeader("X-User", user), "127.0.0.1", null, health).key();
    }

    private static Map<String, String> placement(BackendSet set, int keys) {
        MaglevHash h = new MaglevHash(USER);
        h.rebase(set);
        Map<String, String> where = new HashMap<>();
        for (int i = 0; i < keys; i++) {
            where.put("user-" + i, pick(h, "user-" + i, ALL_UP));
        }
        return where;
    }

    @Test
    void aKeyStaysOnItsBackend() {
        MaglevHash h = new MaglevHash(USER);
        h.rebase(Endpoints.named("b", 4));
        for (int i = 0; i < 1000; i++) {
            assertEquals(pick(h, "user-" + i, ALL_UP), pick(h, "user-" + i, ALL_UP));
        }
    }

    @Test
    void addingAFifthBackendToFourMovesAboutAFifthOfTheKeys() {
        Map<String, String> four = placement(Endpoints.named("b", 4), 10_000);
        Map<String, String> five = placement(Endpoints.named("b", 5), 10_000);
        long moved = four.keySet().stream().filter(k -> !four.get(k).equals(five.get(k))).count();
        assertTrue(moved <= 2_500, moved + " of 10000 keys moved");
        long toNewcomer = five.values().stream().filter("b4"::equals).count();
        assertTrue(toNewcomer >= moved * 9 / 10, toNewcomer + " of the " + moved + " keys that moved went to the new backend");
    }

    @Test
    void keysSpreadByWeight() {
        Map<String, String> where = placement(Endpoints.of(endpoint("a", 3, false), endpoint("b", 1, false)), 10_000);
        long a = where.values().stream().filter("a"::equals).count();
        assertEquals(7_500, a, 300, a + " of 10000 on a");
    }

    @Test
    void onlyTheKeysOfABackendThatIsDownMoveAndOnlyWhileItIsDown() {
        BackendSet set = Endpoints.named("b", 4);
        MaglevHash h = new MaglevHash(USER);
        h.rebase(set);
        Map<String, String> before = new HashMap<>();
        for (int i = 0; i < 2000; i++) {
            before.put("user-" + i, pick(h, "user-" + i, ALL_UP));
        }
        PassiveHealth health = new PassiveHealth(1, Duration.ofSeconds(60));
        health.failure(set.get(1), "test");
        for (int i = 0; i < 2000; i++) {
            String now = pick(h, "user-" + i, health);
            if (!before.get("user-" + i).equals("b1")) {
                assertEquals(before.get("user-" + i), now);
            } else {
                assertNotEquals("b1", now);
            }
        }
    }

    @Test
    void aDrainingBackendTakesNoKey() {
        Map<String, String> where = placement(Endpoints.of(endpoint("a", 1, false), endpoint("b", 1, true)), 1000);
        assertEquals(1000, where.values().stream().filter("a"::equals).count());
    }

    @Test
    void aRequestWithoutTheKeyIsStillPlaced() {
        MaglevHash h = new MaglevHash(USER);
        h.rebase(Endpoints.named("b", 2));
        Endpoint e = h.pick(Endpoints.request(), "127.0.0.1", null, ALL_UP);
        assertTrue(e.key().startsWith("b"));
    }

    @Test
    void theClientAddressCanBeTheKey() {
        MaglevHash h = new MaglevHash(HashKey.CLIENT);
        h.rebase(Endpoints.named("b", 8));
        String first = h.pick(Endpoints.request(), "10.1.2.3", null, ALL_UP).key();
        for (int i = 0; i < 10; i++) {
            assertEquals(first, h.pick(Endpoints.request(), "10.1.2.3", null, ALL_UP).key());
        }
    }
}
