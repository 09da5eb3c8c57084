package io.gantry.proxy.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.HostPort;
import io.gantry.proxy.backend.Backend;
import io.gantry.proxy.backend.BackendLoad;
import io.gantry.proxy.backend.Endpoint;
import io.gantry.proxy.backend.PassiveHealth;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SlowStartTest {

    private static final PassiveHealth ALL_UP = new PassiveHealth(1, Duration.ofSeconds(10));

    @Test
    void aNewcomersShareRampsFromATenthToAll() {
        SlowStart ramp = SlowStart.over(Duration.ofSeconds(10));
        Endpoint joined = new Endpoint(Backend.of("n", HostPort.parse("127.0.0.1:80")), 1, false, BackendLoad.joiningNow());
        long now = System.nanoTime();
        assertEquals(0.1, ramp.factor(joined, ALL_UP, now), 0.01);
        assertEquals(0.5, ramp.factor(joined, ALL_UP, now + Duration.ofSeconds(5).toNanos()), 0.01);
        assertEquals(1.0, ramp.factor(joined, ALL_UP, now + Duration.ofSeconds(11).toNanos()));
    }

    @Test
    void backendsFoundAtStartAndEveryoneWithoutSlowStartTakeTheirFullShare() {
        Endpoint old = Endpoint.of(Backend.of("o", HostPort.parse("127.0.0.1:80")));
        assertEquals(1.0, SlowStart.over(Duration.ofSeconds(10)).factor(old, ALL_UP, System.nanoTime()));
        Endpoint joined = new Endpoint(Backend.of("n", HostPort.parse("127.0.0.1:80")), 1, false, BackendLoad.joiningNow());
        assertEquals(1.0, SlowStart.OFF.factor(joined, ALL_UP, System.nanoTime()));
    }

    @Test
    void aBackendBackFromEjectionRampsUpAgain() {
        Endpoint old = Endpoint.of(Backend.of("o", HostPort.parse("127.0.0.1:80")));
        PassiveHealth health = new PassiveHealth(1, Duration.ofSeconds(2));
        health.failure(old.backend(), "test");
        long back = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        SlowStart ramp = SlowStart.over(Duration.ofSeconds(10));
        assertTrue(ramp.factor(old, health, back + Duration.ofSeconds(1).toNanos()) < 0.2);
        assertEquals(1.0, ramp.factor(old, health, back + Duration.ofSeconds(11).toNanos()));
    }

    @Test
    void roundRobinGivesANewcomerFewRequestsAtFirst() {
        RoundRobin rr = new RoundRobin(SlowStart.over(Duration.ofMinutes(10)));
        Endpoint old = Endpoint.of(Backend.of("a", HostPort.parse("127.0.0.1:80")));
        Endpoint joined = new Endpoint(Backend.of("b", HostPort.parse("127.0.0.1:81")), 1, false, BackendLoad.joiningNow());
        rr.rebase(Endpoints.of(old, joined));
        int toNewcomer = 0;
        for (int i = 0; i < 10_000; i++) {
            toNewcomer += rr.pick(Endpoints.request(), "127.0.0.1", null, ALL_UP) == joined ? 1 : 0;
        }
        assertTrue(toNewcomer > 200 && toNewcomer < 900, toNewcomer + " of 10000 to the newcomer");
    }
}
