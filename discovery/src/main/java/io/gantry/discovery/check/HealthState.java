package io.gantry.discovery.check;

/**
 * A target's health as HAProxy keeps it: it becomes healthy after {@code rise} passing checks in a
 * row and unhealthy after {@code fall} failing ones; in between it keeps its state. A new target is
 * unhealthy until it has passed {@code rise} checks. Not thread-safe: one checker owns it.
 */
public final class HealthState {

    private final int rise;
    private final int fall;
    private boolean healthy;
    private boolean known;
    private int passedInARow;
    private int failedInARow;

    public HealthState(int rise, int fall) {
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise and fall must be at least 1");
        }
        this.rise = rise;
        this.fall = fall;
    }

    /** Records a check; returns true when it changed the state (or decided it for the first time). */
    public boolean record(boolean passed) {
        if (passed) {
            passedInARow++;
            failedInARow = 0;
        } else {
            failedInARow++;
            passedInARow = 0;
        }
        if ((!known || !healthy) && passedInARow >= rise) {
            healthy = true;
        } else if ((!known || healthy) && failedInARow >= fall) {
            healthy = false;
        } else {
            return false;
        }
        known = true;
        return true;
    }

    public boolean healthy() {
        return healthy;
    }

    /** Whether any check has decided the state yet. */
    public boolean known() {
        return known;
    }
}
