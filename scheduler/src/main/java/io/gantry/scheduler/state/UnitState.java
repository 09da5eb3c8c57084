package io.gantry.scheduler.state;

/**
 * A unit's state on one machine as its agent reports it, in systemd's words: ACTIVE
 * ({@code active}, {@code activating}, {@code deactivating}, {@code failed}, {@code inactive}) and SUB
 * ({@code running}, {@code start-pre}, {@code start-post}, {@code stop}, {@code failed}, {@code dead}),
 * plus what happened last.
 */
public record UnitState(String active, String sub, String detail) {

    public boolean activeAndRunning() {
        return active.equals("active") && sub.equals("running");
    }
}
