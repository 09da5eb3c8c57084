package io.gantry.scheduler.run;

import io.gantry.scheduler.unit.Command;
import io.gantry.scheduler.unit.ServicePlan;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** What carries out a unit's commands on a machine: the host's Docker engine and processes, or nothing (simulation). */
public interface Driver extends AutoCloseable {

    /** The labels that mark a container as a unit's ({@code gantry.unit}) on a machine ({@code gantry.machine}). */
    String UNIT_LABEL = "gantry.unit";
    String MACHINE_LABEL = "gantry.machine";

    /** How a command ended; {@code detail} says what happened, for logs and {@code ctl status}. */
    record Outcome(boolean ok, String detail) {
    }

    /** A unit's main command while it runs: its container or process. */
    interface Main {
        boolean alive();

        /** Stops it: a polite signal, then a kill after {@code grace}. */
        void stop(Duration grace);

        /** Removes what is left of it (a stopped container). */
        void remove();

        String describe();
    }

    /** Runs {@code command} of {@code plan} to its end. */
    Outcome run(Command command, ServicePlan plan);

    /**
     * The main of {@code plan} if it is already running, started by an earlier agent on this machine (a
     * container carrying {@code labels}), or null.
     */
    Main running(ServicePlan plan, Map<String, String> labels);

    /** Starts {@code plan}'s main command; {@code labels} mark a container as this unit's on this machine. */
    Main start(ServicePlan plan, Map<String, String> labels) throws Exception;

    /**
     * Where a unit's output goes, line by line; it throws when the reader went away, which ends a follow.
     * A null line carries nothing: a follow sends it while nothing new comes, to notice a reader that left.
     */
    interface LineSink {
        void line(String line) throws java.io.IOException;
    }

    /**
     * Writes the last {@code lines} lines of unit {@code unit}'s main output on {@code machine} (its
     * container's log, or its process's log file) to {@code sink}; with {@code follow}, then what comes
     * after, until {@code sink} throws or the thread is interrupted. False when there is no output of it here.
     */
    boolean journal(String unit, String machine, int lines, boolean follow, LineSink sink) throws java.io.IOException;

    /** Removes containers labelled as {@code machine}'s whose unit is not in {@code units}; returns their names. */
    Set<String> removeOthers(String machine, Set<String> units);

    @Override
    void close();
}
