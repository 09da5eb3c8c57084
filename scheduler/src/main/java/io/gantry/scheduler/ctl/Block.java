package io.gantry.scheduler.ctl;

import java.time.Duration;

/**
 * How long a command waits for its units to reach their state, in fleetctl's terms: {@code --no-block}
 * (not at all), {@code --block-attempts N} (N attempts of two seconds each, fleet's; 0: no limit), or
 * by default {@code --wait} (10 s).
 *
 * @param limit how long at most; null with {@code wait}: no limit
 * @param blocks false for --no-block
 */
public record Block(Duration limit, boolean blocks) {

    /** fleetctl's defaultSleepTime: how long one of its block attempts polls. */
    static final Duration ATTEMPT = Duration.ofSeconds(2);

    public static Block none() {
        return new Block(Duration.ZERO, false);
    }

    public static Block within(Duration limit) {
        return new Block(limit, true);
    }

    public static Block forever() {
        return new Block(null, true);
    }

    /** From the flags: {@code --no-block}, else {@code --block-attempts} (null when not given), else {@code wait}. */
    public static Block of(boolean noBlock, Integer attempts, Duration wait) {
        if (noBlock && attempts != null) {
            throw new IllegalArgumentException("--no-block and --block-attempts exclude each other");
        }
        if (noBlock) {
            return none();
        }
        if (attempts != null) {
            if (attempts < 0) {
                throw new IllegalArgumentException("--block-attempts " + attempts + ": give 0 (no limit) or more");
            }
            return attempts == 0 ? forever() : within(ATTEMPT.multipliedBy(attempts));
        }
        return within(wait);
    }

    /** The {@link System#nanoTime()} at which waiting ends, or Long.MAX_VALUE. */
    long deadline() {
        return limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
    }
}
