package io.gantry.proxy.accesslog;

import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * A time format applied once per second, not once per line (as nginx caches its time strings): lines
 * come in bursts within the same second. Belongs to one thread.
 */
final class SecondClock {

    private final DateTimeFormatter format;
    private long second = Long.MIN_VALUE;
    private String text;

    /** @param format a formatter with its zone set, showing no unit smaller than the second */
    SecondClock(DateTimeFormatter format) {
        this.format = format;
    }

    /** {@code millis} (Unix milliseconds), formatted to the second. */
    String format(long millis) {
        long s = Math.floorDiv(millis, 1000);
        if (s != second) {
            second = s;
            text = format.format(Instant.ofEpochSecond(s));
        }
        return text;
    }
}
