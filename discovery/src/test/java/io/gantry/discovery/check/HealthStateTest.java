package io.gantry.discovery.check;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HealthStateTest {

    @Test
    void newTargetIsHealthyAfterRisePassingChecks() {
        HealthState s = new HealthState(2, 1);
        assertFalse(s.record(true));
        assertFalse(s.healthy());
        assertTrue(s.record(true));
        assertTrue(s.healthy());
    }

    @Test
    void healthyTargetTurnsUnhealthyOnlyAfterFallFailuresInARow() {
        HealthState s = new HealthState(1, 3);
        s.record(true);
        assertFalse(s.record(false));
        assertFalse(s.record(false));
        assertFalse(s.record(true), "a pass resets the count");
        assertFalse(s.record(false));
        assertFalse(s.record(false));
        assertTrue(s.record(false));
        assertFalse(s.healthy());
    }

    @Test
    void newTargetThatFailsIsDecidedUnhealthyAfterFall() {
        HealthState s = new HealthState(1, 2);
        assertFalse(s.record(false));
        assertFalse(s.known());
        assertTrue(s.record(false));
        assertTrue(s.known());
        assertFalse(s.healthy());
        assertFalse(s.record(false), "no change, no report");
    }

    @Test
    void statusRangeReadsRangesAndSingleStatuses() {
        assertTrue(StatusRange.parse("200-399").contains(302));
        assertFalse(StatusRange.parse("200-399").contains(404));
        assertTrue(StatusRange.parse("204").contains(204));
        for (String bad : new String[] {"2xx", "399-200", "200-", "99", "600"}) {
            try {
                StatusRange.parse(bad);
                throw new AssertionError(bad + " accepted");
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().contains(bad), e.getMessage());
            }
        }
    }
}
