package io.gantry.proxy.balance;

import static io.gantry.proxy.balance.Endpoints.endpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.gantry.proxy.backend.BackendSet;
import io.gantry.proxy.backend.Endpoint;
import io.gantry.proxy.backend.PassiveHealth;
import java.time.Duration;
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
}
