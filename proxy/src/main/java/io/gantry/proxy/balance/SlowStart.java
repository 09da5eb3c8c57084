package io.gantry.proxy.balance;

import io.gantry.proxy.backend.Endpoint;
import io.gantry.proxy.backend.PassiveHealth;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * HAProxy's {@code slowstart}, Envoy's slow start: an endpoint that joined, or that passive health let
 * back in, gets a share of new requests that grows linearly from a tenth of its full share to all of it
 * over the window. Endpoints the proxy found when it started take their full share at once.
 */
public final class SlowStart {

    /** No slow start: every endpoint takes its full share at once. */
    public static final SlowStart OFF = new SlowStart(Duration.ZERO);

    /** Where the ramp starts, as Envoy's {@code min_weight_percent}. */
    private static final double FLOOR = 0.1;

    private final long windowNanos;

    private SlowStart(Duration window) {
        this.windowNanos = window.toNanos();
    }

    public static SlowStart over(Duration window) {
        return window.isZero() ? OFF : new SlowStart(window);
    }

    /** How much of its full share {@code e} takes at {@code now}: from 0.1 to 1. */
    public double factor(Endpoint e, PassiveHealth health, long now) {
        if (windowNanos == 0) {
            return 1;
        }
        long elapsed = Math.min(now - e.load().joinedNanos(), health.nanosSinceReturn(e.backend(), now));
        if (elapsed >= windowNanos) {
            return 1;
        }
        return Math.max(FLOOR, (double) Math.max(elapsed, 0) / windowNanos);
    }

    /** Whether {@code e} takes this request: always when ramped up, else with the chance of its {@link #factor}. */
    boolean admits(Endpoint e, PassiveHealth health, long now) {
        if (windowNanos == 0) {
            return true;
        }
        double f = factor(e, health, now);
        return f >= 1 || ThreadLocalRandom.current().nextDouble() < f;
    }
}
