package io.gantry.scheduler.state;

/**
 * A submitted unit as etcd holds it: its name, file text and desired state ({@link Target}).
 */
public record UnitRecord(String name, String text, Target target) {

    /** What the user asked for, as in fleet: submitted only, placed but stopped, or running. */
    public enum Target {
        INACTIVE, LOADED, LAUNCHED;

        public String word() {
            return name().toLowerCase();
        }
    }

    public UnitRecord withTarget(Target t) {
        return new UnitRecord(name, text, t);
    }
}
