package io.gantry.discovery;

import io.gantry.common.HostPort;
import io.gantry.discovery.check.CheckResult;
import io.gantry.discovery.check.HealthState;
import io.gantry.discovery.check.HttpCheck;
import io.gantry.discovery.register.LeaseRegistrar;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every target each interval and tells the registrar when one changes state: healthy → its
 * key is put, unhealthy or gone → deleted. One log line per change, none per check.
 */
public final class Checker implements AutoCloseable {

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
    private final ScheduledExecutorService checks = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "checks");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, ScheduledFuture<?>> scheduled = new ConcurrentHashMap<>();

    public Checker(HttpCheck check, Duration interval, int rise, int fall, LeaseRegistrar registrar) {
        this.check = check;
        this.interval = interval;
        this.rise = rise;
        this.fall = fall;
        this.registrar = registrar;
    }

    /** Starts checking {@code target} now and every interval; a target with the same key is replaced. */
    public void add(Target target) {
        HealthState state = new HealthState(rise, fall);
        ScheduledFuture<?> previous = scheduled.put(target.key(), checks.scheduleWithFixedDelay(
                () -> checkOnce(target, state), 0, interval.toMillis(), TimeUnit.MILLISECONDS));
        if (previous != null) {
            previous.cancel(false);
        }
        log.info("{} {}: checking {} every {} ms", target.name(), target.address(), check, interval.toMillis());
    }

    /** Stops checking the target with {@code key} and deletes its key. */
    public void remove(String key, String why) {
        ScheduledFuture<?> f = scheduled.remove(key);
        if (f != null) {
            f.cancel(false);
            log.info("{}: no longer checked ({})", key, why);
            registrar.remove(key);
        }
    }

    private void checkOnce(Target target, HealthState state) {
        boolean wasKnown = state.known();
        boolean wasHealthy = state.healthy();
        CheckResult result = check.check(target.address());
        if (!state.record(result.healthy())) {
            return;
        }
        log.info("{} {} {} -> {}: {}", target.name(), target.address(), wasKnown ? (wasHealthy ? "healthy" : "unhealthy") : "unknown",
                state.healthy() ? "healthy" : "unhealthy", result.detail());
        if (!scheduled.containsKey(target.key())) {
            return; // removed meanwhile
        }
        if (state.healthy()) {
            registrar.put(target.key(), target.address().toString());
        } else {
            registrar.remove(target.key());
        }
    }

    @Override
    public void close() {
        checks.shutdownNow();
        try {
            checks.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
