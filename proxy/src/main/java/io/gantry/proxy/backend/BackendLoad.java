package io.gantry.proxy.backend;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one backend is doing, shared by every event loop and kept while its key stays: the requests in
 * flight on it (for {@code least_request}) and when it joined (for slow start).
 */
public final class BackendLoad {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final long joinedNanos;

    private BackendLoad(long joinedNanos) {
        this.joinedNanos = joinedNanos;
    }

    /** A backend that joins now ({@link System#nanoTime}): slow start ramps it up from here. */
    public static BackendLoad joiningNow() {
        return new BackendLoad(System.nanoTime());
    }

    /** A backend the proxy found when it started: it takes its full share at once. */
    public static BackendLoad fromStart() {
        return new BackendLoad(System.nanoTime() - Long.MAX_VALUE / 4);
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** A request was sent its way. */
    public void started() {
        inFlight.incrementAndGet();
    }

    /** A request it had ended (answered, failed or abandoned). */
    public void ended() {
        inFlight.decrementAndGet();
    }

    /** When it joined, as {@link System#nanoTime}. */
    public long joinedNanos() {
        return joinedNanos;
    }
}
