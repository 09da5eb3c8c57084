package io.gantry.scheduler.state;

/**
 * What the engine asks of one machine for one unit: its target, and the hash of the unit file it
 * placed ({@code null} in values written before hashes were). Stored as {@code launched:1a2b3c4} (or
 * plain {@code launched}), so an agent sees in its own assignments that a unit was replaced
 * ({@code --replace}) and runs the new version, without reading every unit.
 */
public record Assignment(UnitRecord.Target target, String hash) {

    public static Assignment parse(String value) {
        int colon = value.indexOf(':');
        String target = colon < 0 ? value : value.substring(0, colon);
        return new Assignment(UnitRecord.Target.valueOf(target.toUpperCase()), colon < 0 ? null : value.substring(colon + 1));
    }

    public String value() {
        return hash == null ? target.word() : target.word() + ":" + hash;
    }
}
