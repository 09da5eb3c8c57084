package io.gantry.proxy.forward;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A connection's timeout, cheap to move: {@link #start} and {@link #stop} only read the clock and set
 * two fields, so a timeout restarted by every request schedules no task per request. One wake-up task
 * per connection checks the deadline, at most every {@code shortestTimeout} (the shortest timeout it is
 * usually started with), and runs the expiry action once the deadline has passed. A start with a
 * shorter timeout (a route's own) brings the wake-up forward. Owned by the connection's event loop.
 */
public final class Deadline implements Runnable {

    private final EventExecutor executor;
    private final long maxWakeupNanos;
    private final Runnable onExpiry;
    private long expiresAt;
    private boolean running;
    private ScheduledFuture<?> wakeup;
    private long wakeupAt;

    /**
     * @param shortestTimeoutNanos no {@link #start} is ever given less
     * @param onExpiry run on the event loop when a started deadline passes without being stopped
     */
    public Deadline(EventExecutor executor, long shortestTimeoutNanos, Runnable onExpiry) {
        this.executor = executor;
        this.maxWakeupNanos = shortestTimeoutNanos;
        this.onExpiry = onExpiry;
    }

    /** (Re)starts the clock: {@code timeoutNanos} from now, the expiry action runs unless stopped first. */
    public void start(long timeoutNanos) {
        long now = System.nanoTime();
        expiresAt = now + timeoutNanos;
        running = true;
        if (wakeup != null && expiresAt - wakeupAt < 0) {
            wakeup.cancel(false); // a timeout shorter than any before: wake up in time for it
            wakeup = null;
        }
        if (wakeup == null) {
            schedule(now, Math.min(timeoutNanos, maxWakeupNanos));
        }
    }

    /** Stops the clock; a pending wake-up then finds nothing to do. */
    public void stop() {
        running = false;
    }

    /** Stops the clock for good (the connection closed). */
    public void cancel() {
        running = false;
        if (wakeup != null) {
            wakeup.cancel(false);
            wakeup = null;
        }
    }

    private void schedule(long now, long delayNanos) {
        wakeupAt = now + delayNanos;
        wakeup = executor.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void run() {
        wakeup = null;
        if (!running) {
            return;
        }
        long now = System.nanoTime();
        long left = expiresAt - now;
        if (left > 0) {
            schedule(now, Math.min(left, maxWakeupNanos));
            return;
        }
        running = false;
        onExpiry.run();
    }
}
