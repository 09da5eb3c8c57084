package io.gantry.proxy.balance;

import static io.gantry.proxy.balance.Endpoints.endpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.proxy.backend.PassiveHealth;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinTest {

    private static final PassiveHealth ALL_UP = new PassiveHealth(1, Duration.ofSeconds(10));

    private static Map<String, Integer> picks(Balancer b, int n) {
        Map<String, Integer> count = new HashMap<>();
        for (int i = 0; i < n; i++) {
            count.merge(b.pick(Endpoints.request(), "127.0.0.1", null, ALL_UP).key(), 1, Integer::sum);
        }
        return count;
    }

    @Test
    void weightsThreeToOneGiveThreeQuarters() {
        RoundRobin rr = new RoundRobin(SlowStart.OFF);
        rr.rebase(Endpoints.of(endpoint("a", 3, false), endpoint("b", 1, false)));
        assertEquals(Map.of("a", 3000, "b", 1000), picks(rr, 4000));
    }

    @Test
    void theHeavierBackendsTurnsAreSpreadOut() {
        int[] schedule = RoundRobin.schedule(Endpoints.of(endpoint("a", 5, false), endpoint("b", 1, false), endpoint("c", 1, false)));
        assertEquals(7, schedule.length);
        StringBuilder order = new StringBuilder();
        for (int i : schedule) {
            order.append((char) ('a' + i));
        }
        assertTrue(!order.toString().contains("aaaa"), order.toString());
    }

    @Test
    void drainingAndWeightZeroBackendsGetNoNewRequest() {
        RoundRobin rr = new RoundRobin(SlowStart.OFF);
        rr.rebase(Endpoints.of(endpoint("a", 1, false), endpoint("b", 1, true), endpoint("c", 0, false)));
        assertEquals(Map.of("a", 100), picks(rr, 100));
    }

    @Test
    void whenEveryBackendIsDrainingTheyStillAnswer() {
        RoundRobin rr = new RoundRobin(SlowStart.OFF);
        rr.rebase(Endpoints.of(endpoint("a", 1, true)));
        assertEquals(Map.of("a", 10), picks(rr, 10));
    }
}
