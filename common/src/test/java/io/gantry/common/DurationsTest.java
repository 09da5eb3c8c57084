package io.gantry.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void readsTheUnitsUsersWrite() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(10), Durations.parse("10s"));
        assertEquals(Duration.ofMinutes(1), Durations.parse("1m"));
        assertEquals(Duration.ofHours(2), Durations.parse("2h"));
        assertEquals(Duration.ofDays(365), Durations.parse("365d"));
    }

    @Test
    void formatsBackToTheShortestForm() {
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("2m", Durations.format(Duration.ofSeconds(120)));
        assertEquals("250ms", Durations.format(Duration.ofMillis(250)));
    }

    @Test
    void rejectsNumbersWithoutUnitsAndOtherText() {
        for (String bad : new String[] {"10", "1.5s", "-1s", "s", "10 s", "", "10sec"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
            assertEquals(true, e.getMessage().contains("500ms, 10s, 1m"), e.getMessage());
        }
    }
}
