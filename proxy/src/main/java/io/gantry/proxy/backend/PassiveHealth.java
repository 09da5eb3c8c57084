package io.gantry.proxy.backend;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passive health, as nginx's {@code max_fails} and {@code fail_timeout}: a backend that fails
 * {@code maxFails} times within {@code failTimeout} is skipped for {@code failTimeout}, then tried again;
 * its first success puts it back. Failures are connect errors, resets and timeouts seen by real requests.
 * While every backend is healthy a request costs one emptiness check and allocates nothing.
 */
public final class PassiveHealth {

    private static final Logger log = LoggerFactory.getLogger(PassiveHealth.class);

    private static final class State {
        int fails;
        long windowStart;
        volatile long downUntil;
        boolean ejected;
    }

    private final int maxFails;
    private final long failTimeoutNanos;
    private final ConcurrentHashMap<Backend, State> states = new ConcurrentHashMap<>();
    /** When each backend ever ejected was (or will be) tried again, for slow start; written only on ejection. */
    private final ConcurrentHashMap<Backend, Long> returns = new ConcurrentHashMap<>();

    public PassiveHealth(int maxFails, Duration failTimeout) {
        this.maxFails = maxFails;
        this.failTimeoutNanos = failTimeout.toNanos();
    }

    /** Whether {@code backend} is being skipped at {@code now} ({@link System#nanoTime()}). */
    public boolean isDown(Backend backend, long now) {
        if (states.isEmpty()) {
            return false;
        }
        State s = states.get(backend);
        return s != null && now - s.downUntil < 0;
    }

    /**
     * How long ago, at {@code now}, {@code backend} was let back in after its last ejection (negative
     * while it is still skipped); a quarter of the clock's range for a backend never ejected.
     */
    public long nanosSinceReturn(Backend backend, long now) {
        if (returns.isEmpty()) {
            return Long.MAX_VALUE / 4;
        }
        Long back = returns.get(backend);
        return back == null ? Long.MAX_VALUE / 4 : now - back;
    }

    /** Forgets {@code backend}'s ejections: its key is gone (a key that comes back is a new backend). */
    public void forget(Backend backend) {
        states.remove(backend);
        returns.remove(backend);
    }

    /** Counts a failure; ejects the backend when it reaches {@code maxFails} within the window. */
    public void failure(Backend backend, String cause) {
        long now = System.nanoTime();
        State s = states.computeIfAbsent(backend, b -> new State());
        synchronized (s) {
            if (s.fails == 0 || now - s.windowStart > failTimeoutNanos) {
                s.fails = 0;
                s.windowStart = now;
            }
            if (++s.fails >= maxFails && now - s.downUntil >= 0) {
                s.downUntil = now + failTimeoutNanos;
                s.fails = 0;
                s.ejected = true;
                returns.put(backend, s.downUntil);
                log.warn("backend {} skipped for {} ms after {} failure(s): {}", backend, failTimeoutNanos / 1_000_000,
                        maxFails, cause);
            }
        }
    }

    /** Counts a success: a backend that had been ejected is back in the rotation. */
    public void success(Backend backend) {
        if (states.isEmpty()) {
            return;
        }
        State s = states.get(backend);
        if (s == null) {
            return;
        }
        synchronized (s) {
            if (s.ejected) {
                log.info("backend {} answers again: back in the rotation", backend);
            }
        }
        states.remove(backend, s);
    }
}
