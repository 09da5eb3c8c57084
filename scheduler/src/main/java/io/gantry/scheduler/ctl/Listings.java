package io.gantry.scheduler.ctl;

import io.gantry.scheduler.state.Machine;
import io.gantry.scheduler.state.Store;
import io.gantry.scheduler.state.UnitRecord;
import io.gantry.scheduler.state.UnitRecord.Target;
import io.gantry.scheduler.state.UnitState;
import io.gantry.scheduler.unit.Unit;
import io.gantry.scheduler.unit.UnitException;
import io.gantry.scheduler.unit.UnitName;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * fleetctl's three listings with its field names: {@code list-units} (unit, machine, active, sub, load,
 * hash), {@code list-unit-files} (unit, hash, dstate, state, target, tmachine, global, desc) and
 * {@code list-machines} (machine, ip, metadata, and api: where {@code journal} reads from).
 */
public final class Listings {

    public static final String UNITS_DEFAULT = "unit,machine,active,sub";
    public static final String UNIT_FILES_DEFAULT = "unit,hash,dstate,state,target";
    public static final String MACHINES_DEFAULT = "machine,ip,metadata";

    /** One unit on one machine (machine null: placed nowhere), as list-units shows it. */
    record UnitRow(String unit, Machine machine, UnitState state, String text) {
    }

    /** One submitted unit file and what became of it, as list-unit-files shows it. */
    record FileRow(UnitRecord record, List<Machine> targets, boolean running, Unit parsed) {
    }

    static final Columns<UnitRow> UNITS = new Columns<UnitRow>()
            .field("unit", (r, full) -> r.unit())
            .field("machine", (r, full) -> r.machine() == null ? "-" : r.machine().label(full))
            .field("active", (r, full) -> r.state() == null ? "-" : r.state().active())
            .field("sub", (r, full) -> r.state() == null ? "-" : r.state().sub())
            .field("load", (r, full) -> r.state() == null ? "-" : "loaded")
            .field("hash", (r, full) -> r.text() == null ? "-" : full ? Unit.fullHash(r.text()) : Unit.hash(r.text()));

    static final Columns<FileRow> UNIT_FILES = new Columns<FileRow>()
            .field("unit", (r, full) -> r.record().name())
            .field("hash", (r, full) -> full ? Unit.fullHash(r.record().text()) : Unit.hash(r.record().text()))
            .field("dstate", (r, full) -> template(r) ? "-" : r.record().target().word())
            .field("state", (r, full) -> template(r) || global(r) ? "-" : r.running() ? "launched" : r.targets().isEmpty() ? "inactive" : "loaded")
            .field("target", Listings::target)
            .field("tmachine", Listings::target)
            .field("global", (r, full) -> String.valueOf(global(r)))
            .field("desc", (r, full) -> r.parsed() == null ? "-" : r.parsed().description());

    static final Columns<Machine> MACHINES = new Columns<Machine>()
            .field("machine", (m, full) -> m.id(full))
            .field("ip", (m, full) -> m.ip())
            .field("metadata", (m, full) -> {
                List<String> meta = new ArrayList<>();
                new java.util.TreeMap<>(m.metadata()).forEach((k, v) -> meta.add(k + "=" + v)); // sorted, as fleetctl prints them
                return String.join(",", meta);
            })
            .field("api", (m, full) -> m.api());

    private final Store store;
    private final PrintStream out;

    public Listings(Store store, PrintStream out) {
        this.store = store;
        this.out = out;
    }

    /** One row per unit and machine it is assigned to; units the engine cannot place last, with why under the table. */
    public void units(Listing listing) {
        Map<String, Machine> machines = store.machines();
        Map<String, Map<String, UnitState>> states = store.states();
        Map<String, UnitRecord> records = store.units();
        List<UnitRow> rows = new ArrayList<>();
        store.assignments().forEach((unit, byMachine) -> byMachine.keySet().forEach(machine -> rows.add(new UnitRow(unit,
                machine(machines, machine), states.getOrDefault(unit, Map.of()).get(machine), text(records, unit)))));
        Map<String, String> unplaced = store.unplaced();
        unplaced.keySet().forEach(unit -> rows.add(new UnitRow(unit, null, new UnitState("inactive", "dead", ""), text(records, unit))));
        UNITS.print(rows, listing, out);
        if (listing.legend()) {
            unplaced.forEach((unit, why) -> out.println(unit + ": not launched: " + why));
        }
    }

    /** Every submitted unit, templates included. */
    public void unitFiles(Listing listing) {
        Map<String, Machine> machines = store.machines();
        Map<String, Map<String, UnitState>> states = store.states();
        Map<String, Map<String, Target>> assignments = store.assignments();
        List<FileRow> rows = new ArrayList<>();
        for (UnitRecord r : store.units().values()) {
            List<Machine> targets = new ArrayList<>();
            assignments.getOrDefault(r.name(), Map.of()).keySet().forEach(m -> targets.add(machine(machines, m)));
            boolean running = states.getOrDefault(r.name(), Map.of()).values().stream().anyMatch(UnitState::activeAndRunning);
            Unit parsed;
            try {
                parsed = Unit.parse(r.name(), r.text());
            } catch (UnitException e) {
                parsed = null; // submitted by an older version that read it differently; still listed
            }
            rows.add(new FileRow(r, targets, running, parsed));
        }
        UNIT_FILES.print(rows, listing, out);
    }

    /** Every live machine. */
    public void machines(Listing listing) {
        MACHINES.print(List.copyOf(store.machines().values()), listing, out);
    }

    private static boolean template(FileRow r) {
        return UnitName.parse(r.record().name()).isTemplate();
    }

    private static boolean global(FileRow r) {
        return r.parsed() != null && r.parsed().rules().global();
    }

    private static String target(FileRow r, boolean full) {
        if (global(r)) {
            return "global";
        }
        List<String> labels = new ArrayList<>();
        r.targets().forEach(m -> labels.add(m.label(full)));
        return labels.isEmpty() ? "-" : String.join(",", labels);
    }

    private static String text(Map<String, UnitRecord> records, String unit) {
        UnitRecord r = records.get(unit);
        return r == null ? null : r.text();
    }

    /** The machine {@code id}, or a stand-in whose address says it is gone. */
    static Machine machine(Map<String, Machine> machines, String id) {
        Machine m = machines.get(id);
        return m != null ? m : new Machine(id, "(gone)", Map.of());
    }
}
