package io.gantry.proxy.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gantry.common.HostPort;
import io.gantry.proxy.backend.Backend;
import io.gantry.proxy.backend.BackendGroup;
import io.gantry.proxy.backend.BackendSet;
import io.gantry.proxy.backend.Endpoint;
import io.gantry.proxy.backend.PassiveHealth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinTest {

    private static final PassiveHealth ALL_UP = new PassiveHealth(1, java.time.Duration.ofSeconds(10));

    /** The group's round-robin, the policy routes take unless told otherwise. */
    private static RoundRobin rr(BackendGroup group) {
        return (RoundRobin) group.balancer(Policy.ROUND_ROBIN);
    }

    private static Backend b(String name) {
        return Backend.of(name, HostPort.parse("127.0.0.1:80"));
    }

    private static BackendSet set(String... names) {
        return BackendSet.of(Arrays.stream(names).map(RoundRobinTest::b).toList());
    }

    private static List<String> picks(BackendGroup group, int n) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add(rr(group).next(null, ALL_UP).key());
        }
        return keys;
    }

    @Test
    void emptySetPicksNothing() {
        assertNull(rr(new BackendGroup()).next(null, ALL_UP));
    }

    @Test
    void visitsEveryBackendInTurn() {
        BackendGroup group = new BackendGroup();
        group.update(set("a", "b", "c"));
        List<String> p = picks(group, 6);
        assertEquals(p.subList(0, 3), p.subList(3, 6));
        assertEquals(3, p.subList(0, 3).stream().distinct().count());
    }

    @Test
    void addingABackendContinuesTheRotationWhereItWas() {
        BackendGroup group = new BackendGroup();
        group.update(set("a", "c"));
        while (!rr(group).next(null, ALL_UP).key().equals("a")) {
            // turn until "a" was the last one picked
        }
        group.update(set("a", "b", "c"));
        assertEquals(List.of("b", "c", "a", "b"), picks(group, 4));
    }

    @Test
    void removingABackendGivesNobodyTwoTurnsInARow() {
        BackendGroup group = new BackendGroup();
        group.update(set("a", "b", "c"));
        while (!rr(group).next(null, ALL_UP).key().equals("b")) {
            // turn until "b" was the last one picked
        }
        group.update(set("a", "c")); // "b" goes away right after its turn
        assertEquals(List.of("c", "a", "c", "a"), picks(group, 4));
        while (!rr(group).next(null, ALL_UP).key().equals("a")) {
            // turn until "a" was the last one picked
        }
        group.update(set("a", "b")); // "c", whose turn was next, goes away
        assertEquals(List.of("b", "a"), picks(group, 2));
    }

    @Test
    void retryPicksAnotherBackendWhenThereIsOne() {
        BackendGroup group = new BackendGroup();
        group.update(set("a", "b"));
        Endpoint first = rr(group).next(null, ALL_UP);
        PassiveHealth health = new PassiveHealth(1, java.time.Duration.ofSeconds(10));
        for (int i = 0; i < 5; i++) {
            assertNotEquals(first, rr(group).next(first, health));
        }
        group.update(set("a"));
        assertEquals("a", rr(group).next(group.current().endpoint(0), health).key());
    }

    @Test
    void skippedBackendsLoseTheirTurnUntilAllAreSkipped() {
        BackendGroup group = new BackendGroup();
        group.update(set("a", "b", "c"));
        PassiveHealth health = new PassiveHealth(1, java.time.Duration.ofSeconds(10));
        health.failure(b("b"), "test");
        for (int i = 0; i < 6; i++) {
            assertNotEquals("b", rr(group).next(null, health).key());
        }
        health.failure(b("a"), "test");
        health.failure(b("c"), "test");
        assertNotNull(rr(group).next(null, health), "all skipped: tried anyway");
        health.success(b("b"));
        assertEquals("b", rr(group).next(null, health).key(), "b is the only one not skipped");
    }

    @Test
    void aSkippedBackendIsNeverPickedWhileAnotherThreadIsPickingToo() throws Exception {
        BackendGroup group = new BackendGroup();
        group.update(set("a", "b"));
        PassiveHealth health = new PassiveHealth(1, java.time.Duration.ofSeconds(60));
        health.failure(b("b"), "test");
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread otherLoop = new Thread(() -> {
            while (!stop.get()) {
                rr(group).next(null, health);
            }
        });
        otherLoop.start();
        try {
            for (int i = 0; i < 200_000; i++) {
                assertEquals("a", rr(group).next(null, health).key());
                assertEquals("a", rr(group).next(group.current().endpoint(1), health).key());
            }
        } finally {
            stop.set(true);
            otherLoop.join();
        }
    }

    @Test
    void indexAfterWrapsAndWorksForKeysNoLongerInTheSet() {
        BackendSet s = set("b", "d", "f");
        assertEquals(1, s.indexAfter("b"));
        assertEquals(0, s.indexAfter("f"));
        assertEquals(1, s.indexAfter("c"));
        assertEquals(0, s.indexAfter("z"));
        assertEquals(0, s.indexAfter("a"));
    }
}
