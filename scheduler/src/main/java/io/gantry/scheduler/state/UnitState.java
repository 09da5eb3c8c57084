package io.gantry.scheduler.state;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A unit's state on one machine as its agent reports it, in systemd's words: ACTIVE
 * ({@code active}, {@code activating}, {@code deactivating}, {@code failed}, {@code inactive}) and SUB
 * ({@code running}, {@code start-pre}, {@code start-post}, {@code stop}, {@code failed}, {@code dead}),
 * plus what happened last, and the hash of the unit file it runs (null: not known), so that a
 * {@code start --replace} can tell the new version running from the old one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UnitState(String active, String sub, String detail, String hash) {

    @JsonCreator
    public UnitState {
    }

    public UnitState(String active, String sub, String detail) {
        this(active, sub, detail, null);
    }

    public UnitState withHash(String h) {
        return new UnitState(active, sub, detail, h);
    }

    public boolean activeAndRunning() {
        return active.equals("active") && sub.equals("running");
    }
}
