package io.gantry.scheduler.unit;

/** A unit file or name that cannot be used; the message names the unit and, when there is one, the line. */
public final class UnitException extends IllegalArgumentException {

    public UnitException(String message) {
        super(message);
    }
}
