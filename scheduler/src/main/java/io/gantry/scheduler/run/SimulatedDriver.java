package io.gantry.scheduler.run;

import io.gantry.scheduler.unit.Command;
import io.gantry.scheduler.unit.ServicePlan;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** Runs nothing: every command succeeds and every unit runs until stopped. For placement at scale. */
public final class SimulatedDriver implements Driver {

    @Override
    public Outcome run(Command command, ServicePlan plan) {
        return new Outcome(true, "simulated");
    }

    @Override
    public Main running(ServicePlan plan, Map<String, String> labels) {
        return null;
    }

    @Override
    public Main start(ServicePlan plan, Map<String, String> labels) {
        return new Main() {
            private volatile boolean alive = true;

            @Override
            public boolean alive() {
                return alive;
            }

            @Override
            public void stop(Duration grace) {
                alive = false;
            }

            @Override
            public void remove() {
            }

            @Override
            public String describe() {
                return "simulated " + plan.unit();
            }
        };
    }

    /** A simulated unit has no output; the one line says so, so that {@code ctl journal} can be tried at scale. */
    @Override
    public boolean journal(String unit, String machine, int lines, boolean follow, LineSink sink) throws java.io.IOException {
        if (lines > 0) {
            sink.line(unit + " on " + machine + ": simulated, runs nothing");
        }
        return true;
    }

    @Override
    public Set<String> removeOthers(String machine, Set<String> units) {
        return Set.of();
    }

    @Override
    public void close() {
    }
}
