package io.gantry.scheduler.agent;

import io.gantry.scheduler.run.Driver;
import io.gantry.scheduler.state.UnitState;
import io.gantry.scheduler.unit.Command;
import io.gantry.scheduler.unit.ServicePlan;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One unit's life on this machine, the way systemd runs a service: ExecStartPre, the main ExecStart,
 * ExecStartPost; on stop ExecStop, then the main is stopped if still alive, then ExecStopPost. A
 * failing command fails the unit unless its line starts with {@code -}. Each step reports the unit's
 * state. Methods run on a worker thread, one at a time per unit (the {@link Agent} sees to that).
 */
final class UnitRunner {

    private static final Logger log = LoggerFactory.getLogger(UnitRunner.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final String unit;
    private final String machine;
    private final Driver driver;
    private final Consumer<UnitState> report;
    private volatile Driver.Main main;
    private volatile ServicePlan plan;
    private volatile String hash;
    private volatile long startedAt;
    /** True until the first start: only then may a running main be found and taken over. */
    private volatile boolean adopt = true;

    UnitRunner(String unit, String machine, Driver driver, Consumer<UnitState> report) {
        this.unit = unit;
        this.machine = machine;
        this.driver = driver;
        this.report = report;
    }

    String unit() {
        return unit;
    }

    /** The main command, or null when the unit is not running. */
    Driver.Main main() {
        return main;
    }

    /** The hash of the unit file this runner last started, or null. */
    String hash() {
        return hash;
    }

    /** How long the main has been up, in ms. */
    long upMillis() {
        return System.currentTimeMillis() - startedAt;
    }

    /**
     * Starts the unit by {@code plan}; true when it is active/running afterwards. A main already
     * running here (an agent before this one started it) is taken over instead of started again.
     */
    boolean start(ServicePlan plan, String hash) {
        this.plan = plan;
        this.hash = hash;
        Map<String, String> labels = Map.of(Driver.UNIT_LABEL, unit, Driver.MACHINE_LABEL, machine);
        Driver.Main already = adopt ? driver.running(plan, labels) : null;
        adopt = false;
        if (already != null) {
            main = already;
            startedAt = System.currentTimeMillis();
            log.info("{}: active (running), {} was running already; taken over", unit, main.describe());
            tell(new UnitState("active", "running", main.describe()));
            return true;
        }
        tell(new UnitState("activating", "start-pre", "starting"));
        String failed = runAll(plan.startPre(), true);
        if (failed != null) {
            return failed(failed);
        }
        try {
            main = driver.start(plan, labels);
        } catch (Exception e) {
            return failed(plan.start() + ": " + io.gantry.common.Errors.describe(e));
        }
        startedAt = System.currentTimeMillis();
        tell(new UnitState("activating", "start-post", main.describe()));
        failed = runAll(plan.startPost(), true);
        if (failed != null) {
            main.stop(STOP_GRACE);
            main.remove();
            main = null;
            return failed(failed);
        }
        log.info("{}: active (running), {}", unit, main.describe());
        tell(new UnitState("active", "running", main.describe()));
        return true;
    }

    /**
     * The main died by itself: runs ExecStopPost, removes what is left of it (so that starting again
     * can reuse its container's name) and reports the unit failed.
     */
    void died() {
        String what = main == null ? "main" : main.describe();
        if (main != null) {
            main.remove();
        }
        main = null;
        if (plan != null) {
            runAll(plan.stopPost(), false);
        }
        log.warn("{}: {} exited; failed", unit, what);
        tell(new UnitState("failed", "failed", what + " exited"));
    }

    /** Stops the unit; with {@code remove} also removes what its main left (its container). */
    void stop(boolean remove) {
        Driver.Main m = main;
        if (m != null && plan != null) {
            tell(new UnitState("deactivating", "stop", "stopping " + m.describe()));
            runAll(plan.stop(), false);
            if (m.alive()) {
                m.stop(STOP_GRACE);
            }
            runAll(plan.stopPost(), false);
        }
        if (m != null && remove) {
            m.remove();
        }
        main = null;
        log.info("{}: inactive (dead)", unit);
        tell(new UnitState("inactive", "dead", "stopped"));
    }

    /** Reports {@code state}, with the hash of the file this runner last started. */
    private void tell(UnitState state) {
        report.accept(state.withHash(hash));
    }

    private boolean failed(String why) {
        log.warn("{}: failed: {}", unit, why);
        if (plan != null) {
            runAll(plan.stopPost(), false);
        }
        tell(new UnitState("failed", "failed", why));
        return false;
    }

    /** Runs {@code commands} in order; returns the first failure that counts, or null. */
    private String runAll(List<Command> commands, boolean stopAtFailure) {
        for (Command c : commands) {
            Driver.Outcome o = driver.run(c, plan);
            if (!o.ok()) {
                if (c.ignoreFailure() || !stopAtFailure) {
                    log.info("{}: {} failed ({}), going on", unit, c, o.detail());
                } else {
                    return c + ": " + o.detail();
                }
            }
        }
        return null;
    }
}
