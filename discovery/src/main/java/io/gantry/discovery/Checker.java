package io.gantry.discovery;

import io.gantry.common.DaemonThreads;
import io.gantry.common.HostPort;
import io.gantry.discovery.check.CheckResult;
import io.gantry.discovery.check.HealthState;
import io.gantry.discovery.check.HttpCheck;
import io.gantry.common.LeaseRegistrar;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every target each interval and tells the registrar when one changes state: healthy → its
 * key is put, unhealthy or gone → deleted. One log line per change, none per check. {@link #stop}
 * ends all checking and hands over the keys it had put, for the drain.
 */
public final class Checker {

    private static final Logger log = LoggerFactory.getLogger(Checker.class);

    /** A backend to check: its etcd key and address. */
    public record Target(String key, HostPort address) {
        String name() {
            return key.substring(key.lastIndexOf('/') + 1);
        }
    }

    private final HttpCheck check;
    private final Duration interval;
    private final int rise;
    private final int fall;
    private final LeaseRegistrar registrar;
    private final ScheduledExecutorService checks = Executors.newScheduledThreadPool(2, DaemonThreads.named("checks"));
    /** The one check per key; guarded by {@code this}, like every registrar call made for a check. */
    private final Map<String, Checking> checking = new HashMap<>();
    /** The keys put in the registrar and their values; guarded by {@code this}. */
    private final Map<String, String> registered = new HashMap<>();
    /** Set by {@link #stop}: from then on nothing is checked, put or deleted; guarded by {@code this}. */
    private boolean stopped;

    public Checker(HttpCheck check, Duration interval, int rise, int fall, LeaseRegistrar registrar) {
        this.check = check;
        this.interval = interval;
        this.rise = rise;
        this.fall = fall;
        this.registrar = registrar;
    }

    /** Starts checking {@code target} now and every interval; a target with the same key is replaced. */
    public synchronized void add(Target target) {
        if (stopped) {
            return;
        }
        Checking next = new Checking(target);
        Checking previous = checking.put(target.key(), next);
        if (previous != null) {
            previous.future.cancel(false);
        }
        next.future = checks.scheduleWithFixedDelay(next, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        log.info("{} {}: checking {} every {} ms", target.name(), target.address(), check, interval.toMillis());
    }

    /** Stops checking the target with {@code key} and deletes its key. */
    public synchronized void remove(String key, String why) {
        Checking c = checking.remove(key);
        if (c != null) {
            c.future.cancel(false);
            log.info("{}: no longer checked ({})", key, why);
            registered.remove(key);
            registrar.remove(key);
        }
    }

    /**
     * Stops checking for good, without waiting for checks in flight (they write nothing now), and
     * returns the keys put in the registrar, with their values: the keys this process owns.
     */
    public synchronized Map<String, String> stop() {
        stopped = true;
        checking.values().forEach(c -> c.future.cancel(false));
        checking.clear();
        checks.shutdownNow();
        return Map.copyOf(registered);
    }

    /**
     * One target's repeated check. A check still running when its target was removed or replaced
     * reports nothing: only the check that owns the key now may write it.
     */
    private final class Checking implements Runnable {
        private final Target target;
        private final HealthState state = new HealthState(rise, fall);
        private ScheduledFuture<?> future;

        Checking(Target target) {
            this.target = target;
        }

        @Override
        public void run() {
            boolean wasKnown = state.known();
            boolean wasHealthy = state.healthy();
            CheckResult result = check.check(target.address());
            if (!state.record(result.healthy())) {
                return;
            }
            synchronized (Checker.this) {
                if (checking.get(target.key()) != this) {
                    return;
                }
                log.info("{} {} {} -> {}: {}", target.name(), target.address(),
                        wasKnown ? (wasHealthy ? "healthy" : "unhealthy") : "unknown",
                        state.healthy() ? "healthy" : "unhealthy", result.detail());
                if (state.healthy()) {
                    String value = target.address().toString();
                    registered.put(target.key(), value);
                    registrar.put(target.key(), value);
                } else {
                    registered.remove(target.key());
                    registrar.remove(target.key());
                }
            }
        }
    }
}
