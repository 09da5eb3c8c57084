package io.gantry.scheduler.ctl;

import io.gantry.scheduler.state.Machine;
import io.gantry.scheduler.state.Store;
import io.gantry.scheduler.state.UnitRecord;
import io.gantry.scheduler.state.UnitRecord.Target;
import io.gantry.scheduler.state.UnitState;
import io.gantry.scheduler.unit.Unit;
import io.gantry.scheduler.unit.UnitName;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * fleetctl's commands over the scheduler's state in etcd. Unit arguments may be file paths or names;
 * a name's file is looked for in {@code dir} (an instance falls back to its template's file, then to a
 * template already submitted). Names may use braces: {@code nginx@{1..3}.service}.
 */
public final class Ctl {

    private final Store store;
    private final Path dir;
    private final PrintStream out;

    public Ctl(Store store, Path dir, PrintStream out) {
        this.store = store;
        this.dir = dir;
        this.out = out;
    }

    /** Stores each unit (and the template of an instance) if not stored yet. */
    public void submit(List<String> args) {
        store.putUnits(submitted(names(args), args, Target.INACTIVE).values());
    }

    /** Submits when needed, then asks for each unit to run; waits up to {@code wait} to say where each went. */
    public void start(List<String> args, Duration wait) {
        List<String> names = names(args);
        for (String name : names) {
            if (UnitName.parse(name).isTemplate()) {
                throw new IllegalArgumentException(name + " is a template; start an instance such as "
                        + UnitName.parse(name).prefix() + "@1.service");
            }
        }
        store.putUnits(submitted(names, args, Target.LAUNCHED).values());
        reportPlacement(names, wait);
    }

    /** Stops each unit; it stays assigned to its machine (fleet's "loaded"). */
    public void stop(List<String> args) {
        Map<String, UnitRecord> units = store.units();
        List<UnitRecord> writes = new ArrayList<>();
        List<String> names = names(args);
        for (String name : names) {
            UnitRecord u = units.get(name);
            if (u == null) {
                throw new IllegalArgumentException("unit " + name + " is not submitted");
            }
            if (u.target() == Target.LAUNCHED) {
                writes.add(u.withTarget(Target.LOADED));
            }
        }
        store.putUnits(writes);
        names.forEach(name -> out.println("Unit " + name + " loaded (stopping)"));
    }

    /** Removes each unit: it is stopped wherever it runs and its container removed. */
    public void destroy(List<String> args) {
        for (String name : names(args)) {
            if (!store.deleteUnit(name)) {
                throw new IllegalArgumentException("unit " + name + " is not submitted");
            }
            out.println("Destroyed " + name);
        }
    }

    /** What each unit is and where it runs. */
    public void status(List<String> args) {
        Map<String, Machine> machines = store.machines();
        Map<String, Map<String, UnitState>> states = store.states();
        Map<String, String> unplaced = store.unplaced();
        Map<String, Map<String, Target>> assignments = store.assignments();
        for (String name : names(args)) {
            UnitRecord r = existing(name);
            Unit u = Unit.parse(name, r.text());
            out.println("● " + name + " - " + u.description());
            out.println("   Loaded: submitted (hash " + u.hash() + "), desired " + r.target().word());
            Map<String, UnitState> on = states.getOrDefault(name, Map.of());
            for (String machine : assignments.getOrDefault(name, Map.of()).keySet()) {
                UnitState s = on.get(machine);
                out.println("   Active: " + (s == null ? "unknown (no report yet)" : s.active() + " (" + s.sub() + ")")
                        + " on " + label(machines, machine) + (s == null ? "" : ": " + s.detail()));
            }
            if (unplaced.containsKey(name)) {
                out.println("   Not launched: " + unplaced.get(name));
            } else if (!assignments.containsKey(name)) {
                out.println("   Active: inactive (dead), not assigned to a machine");
            }
        }
    }

    /** UNIT MACHINE ACTIVE SUB: one row per unit and machine it is assigned to; unplaced units last. */
    public void listUnits() {
        Map<String, Machine> machines = store.machines();
        Map<String, Map<String, UnitState>> states = store.states();
        Map<String, Map<String, Target>> assignments = store.assignments();
        Table t = new Table("UNIT", "MACHINE", "ACTIVE", "SUB");
        assignments.forEach((unit, byMachine) -> byMachine.keySet().forEach(machine -> {
            UnitState s = states.getOrDefault(unit, Map.of()).get(machine);
            t.row(unit, label(machines, machine), s == null ? "-" : s.active(), s == null ? "-" : s.sub());
        }));
        Map<String, String> unplaced = store.unplaced();
        unplaced.forEach((unit, why) -> t.row(unit, "-", "inactive", "dead"));
        t.print(out);
        unplaced.forEach((unit, why) -> out.println(unit + ": not launched: " + why));
    }

    /** UNIT HASH DSTATE STATE TARGET, for every submitted unit. */
    public void listUnitFiles() {
        Map<String, Machine> machines = store.machines();
        Map<String, Map<String, UnitState>> states = store.states();
        Map<String, Map<String, Target>> assignments = store.assignments();
        Table t = new Table("UNIT", "HASH", "DSTATE", "STATE", "TARGET");
        for (UnitRecord r : store.units().values()) {
            UnitName name = UnitName.parse(r.name());
            String hash = Unit.hash(r.text());
            if (name.isTemplate()) {
                t.row(r.name(), hash, "-", "-", "-");
                continue;
            }
            Map<String, Target> where = assignments.getOrDefault(r.name(), Map.of());
            boolean running = states.getOrDefault(r.name(), Map.of()).values().stream().anyMatch(UnitState::activeAndRunning);
            String state = running ? "launched" : where.isEmpty() ? "inactive" : "loaded";
            List<String> targets = new ArrayList<>();
            where.keySet().forEach(m -> targets.add(label(machines, m)));
            t.row(r.name(), hash, r.target().word(), state, targets.isEmpty() ? "-" : String.join(",", targets));
        }
        t.print(out);
    }

    /** MACHINE IP METADATA, for every live machine. */
    public void listMachines() {
        Table t = new Table("MACHINE", "IP", "METADATA");
        for (Machine m : store.machines().values()) {
            List<String> meta = new ArrayList<>();
            m.metadata().forEach((k, v) -> meta.add(k + "=" + v));
            t.row(m.shortId(), m.ip(), meta.isEmpty() ? "-" : String.join(",", meta));
        }
        t.print(out);
    }

    /** Waits until every unit is placed or {@code wait} is over, then says where each went or why it did not. */
    private void reportPlacement(List<String> names, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Map<String, Map<String, Target>> assignments = store.assignments();
            boolean all = names.stream().allMatch(n -> assignments.getOrDefault(n, Map.of()).containsValue(Target.LAUNCHED));
            if (all || System.nanoTime() > deadline) {
                Map<String, String> unplaced = store.unplaced();
                Map<String, Machine> machines = store.machines();
                for (String name : names) {
                    Map<String, Target> where = assignments.getOrDefault(name, Map.of());
                    if (where.containsValue(Target.LAUNCHED)) {
                        List<String> labels = new ArrayList<>();
                        where.keySet().forEach(m -> labels.add(label(machines, m)));
                        out.println("Unit " + name + " launched on " + String.join(", ", labels));
                    } else if (unplaced.containsKey(name)) {
                        out.println("Unit " + name + " not launched: " + unplaced.get(name));
                    } else {
                        out.println("Unit " + name + " launched, not placed yet (is an agent running?)");
                    }
                }
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * What to write so that each of {@code names} is submitted (with the templates of new instances) and,
     * unless {@code target} is INACTIVE, has that target: one read of every unit, files checked first,
     * nothing written when any is bad. A unit already submitted with other contents is an error.
     */
    private Map<String, UnitRecord> submitted(List<String> names, List<String> args, Target target) {
        Map<String, UnitRecord> units = store.units();
        Map<String, UnitRecord> writes = new LinkedHashMap<>();
        Map<String, Optional<String>> files = new java.util.HashMap<>();
        for (String name : names) {
            UnitName unitName = UnitName.parse(name);
            Optional<String> text = files.computeIfAbsent(name, n -> fileText(n, args));
            UnitRecord existing = units.get(name);
            if (existing != null) {
                if (text.isPresent() && !text.get().equals(existing.text())) {
                    throw new IllegalArgumentException("unit " + name + " is already submitted with different contents; destroy it first");
                }
                if (target != Target.INACTIVE && existing.target() != target) {
                    writes.put(name, existing.withTarget(target));
                }
                continue;
            }
            if (unitName.isInstance() && text.isEmpty()) {
                String template = unitName.template();
                Optional<String> templateText = files.computeIfAbsent(template, n -> fileText(n, args));
                if (templateText.isPresent() && !units.containsKey(template) && !writes.containsKey(template)) {
                    Unit.parse(template, templateText.get());
                    writes.put(template, new UnitRecord(template, templateText.get(), Target.INACTIVE));
                    out.println("Unit " + template + " submitted");
                }
                text = templateText.isPresent() ? templateText : Optional.ofNullable(units.get(template)).map(UnitRecord::text);
            }
            if (text.isEmpty()) {
                throw new IllegalArgumentException("unit " + name + " not found: no file " + name
                        + (unitName.isInstance() ? " or " + unitName.template() : "") + " in " + dir + " and none submitted");
            }
            Unit.parse(name, text.get());
            writes.put(name, new UnitRecord(name, text.get(), target));
            out.println("Unit " + name + " submitted");
        }
        return writes;
    }

    /** The text of unit {@code name}'s file: beside a path given as an argument, or in {@code dir}. */
    private Optional<String> fileText(String name, List<String> args) {
        List<Path> candidates = new ArrayList<>();
        for (String a : args) {
            if (a.contains("/")) {
                candidates.add(dir.resolve(a).resolveSibling(name));
            }
        }
        candidates.add(dir.resolve(name));
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                try {
                    return Optional.of(Files.readString(p));
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read " + p + ": " + e.getMessage());
                }
            }
        }
        return Optional.empty();
    }

    private UnitRecord existing(String name) {
        return store.unit(name).orElseThrow(() -> new IllegalArgumentException("unit " + name + " is not submitted"));
    }

    /** Unit names from arguments: brace-expanded, a path reduced to its file name, checked. */
    static List<String> names(List<String> args) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("name at least one unit");
        }
        List<String> names = new ArrayList<>();
        for (String a : args) {
            for (String e : Braces.expand(a)) {
                String name = Path.of(e).getFileName().toString();
                UnitName.parse(name);
                if (!names.contains(name)) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private static String label(Map<String, Machine> machines, String id) {
        Machine m = machines.get(id);
        return m == null ? id + " (gone)" : m.label();
    }

}
