package io.gantry.proxy.balance;

import static io.gantry.proxy.balance.Endpoints.endpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.gantry.proxy.backend.BackendSet;
import io.gantry.proxy.backend.Endpoint;
import io.gantry.proxy.backend.PassiveHealth;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeastRequestTest {

    private static final PassiveHealth ALL_UP = new PassiveHealth(1, Duration.ofSeconds(10));

    @Test
    void ofTwoTheOneWithFewerRequestsInFlightWins() {
        BackendSet set = Endpoints.of(endpoint("slow", 1, false), endpoint("fast", 1, false));
        LeastRequest lr = new LeastRequest(SlowStart.OFF);
        lr.rebase(set);
        Endpoint slow = set.endpoint(1);
        for (int i = 0; i < 5; i++) {
            slow.load().started();
        }
        for (int i = 0; i < 100; i++) {
            assertEquals("fast", lr.pick(Endpoints.request(), "127.0.0.1", null, ALL_UP).key());
        }
    }

    @Test
    void aRetryLeavesItsBackendAndADownOneIsSkipped() {
        BackendSet set = Endpoints.named("b", 3);
        LeastRequest lr = new LeastRequest(SlowStart.OFF);
        lr.rebase(set);
        PassiveHealth health = new PassiveHealth(1, Duration.ofSeconds(10));
        health.failure(set.get(2), "test");
        for (int i = 0; i < 200; i++) {
            Endpoint e = lr.pick(Endpoints.request(), "127.0.0.1", set.endpoint(0), health);
            assertEquals("b1", e.key());
        }
        for (int i = 0; i < 200; i++) {
            assertNotEquals("b2", lr.pick(Endpoints.request(), "127.0.0.1", null, health).key());
        }
    }

    @Test
    void leastRequestHonoursWeights() {
        LeastRequest lr = new LeastRequest(SlowStart.OFF);
        BackendSet set = Endpoints.of(endpoint("a", 3, false), endpoint("b", 1, false));
        lr.rebase(set);
        // every pick stays in flight: the weights decide how the load is shared
        Map<String, Integer> count = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            var e = lr.pick(Endpoints.request(), "127.0.0.1", null, ALL_UP);
            e.load().started();
            count.merge(e.key(), 1, Integer::sum);
        }
        assertEquals(300, count.get("a"), 2.0, count.toString());
    }
}
