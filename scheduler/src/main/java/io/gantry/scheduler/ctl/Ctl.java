package io.gantry.scheduler.ctl;

import io.gantry.scheduler.state.Machine;
import io.gantry.scheduler.state.Store;
import io.gantry.scheduler.state.UnitRecord;
import io.gantry.scheduler.state.UnitRecord.Target;
import io.gantry.scheduler.state.UnitState;
import io.gantry.scheduler.unit.Unit;
import io.gantry.scheduler.unit.UnitName;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * fleetctl's commands over the scheduler's state in etcd. Unit arguments may be file paths or names;
 * a name's file is looked for in {@code dir} (an instance falls back to its template's file, then to a
 * template already submitted). Names may use braces: {@code nginx@{1..3}.service}.
 */
public final class Ctl {

    private final Store store;
    private final PrintStream out;
    private final Waiter waiter;
    private final Submission submission;

    public Ctl(Store store, Path dir, PrintStream out) {
        this(store, dir, out, out);
    }

    /** {@code err} gets the warnings (a submitted unit that differs from its file, a replace refused). */
    public Ctl(Store store, Path dir, PrintStream out, PrintStream err) {
        this.store = store;
        this.out = out;
        this.waiter = new Waiter(store, out);
        this.submission = new Submission(store, dir, out, err);
    }

    /** Stores each unit (and the template of an instance) if not stored yet; {@code replace}: a changed file replaces an inactive unit. */
    public void submit(List<String> args, boolean replace) {
        store.putUnits(submission.writes(names(args), args, Verb.SUBMIT, replace).values());
    }

    public void submit(List<String> args) {
        submit(args, false);
    }

    /** Submits when needed, then asks for each unit to run; waits as {@code block} says to say where each went. */
    public List<String> start(List<String> args, Block block, boolean replace) {
        List<String> names = instances(args, "start");
        store.putUnits(submission.writes(names, args, Verb.START, replace).values());
        return waiter.await(blocking(names, "start"), Target.LAUNCHED, block, "start");
    }

    /** {@link #start(List, Block, boolean)} waiting at most {@code wait}. */
    public void start(List<String> args, Duration wait) {
        start(args, Block.within(wait), false);
    }

    /** Submits when needed, then has each unit placed on a machine without starting it (fleet's "loaded"). */
    public List<String> load(List<String> args, Block block, boolean replace) {
        List<String> names = instances(args, "load");
        store.putUnits(submission.writes(names, args, Verb.LOAD, replace).values());
        return waiter.await(blocking(names, "load"), Target.LOADED, block, "load");
    }

    /** Stops each launched unit; it stays assigned to its machine (fleet's "loaded"). */
    public List<String> stop(List<String> args, Block block) {
        List<String> names = names(args);
        setTargets(names, Target.LOADED, t -> t == Target.LAUNCHED);
        return waiter.await(blocking(names, "stop"), Target.LOADED, block, "stop");
    }

    public void stop(List<String> args) {
        stop(args, Block.none());
    }

    /** Stops each unit and takes it off its machine; it stays submitted (fleet's "inactive"). */
    public List<String> unload(List<String> args, Block block) {
        List<String> names = names(args);
        setTargets(names, Target.INACTIVE, t -> t != Target.INACTIVE);
        return waiter.await(blocking(names, "unload"), Target.INACTIVE, block, "unload");
    }

    /**
     * Stops each unit and starts it again where it is, waiting for each step as fleetctl does; a loaded
     * unit is only started, an inactive one refused.
     */
    public List<String> restart(List<String> args, Block block) {
        if (!block.blocks()) {
            throw new IllegalArgumentException("restart waits for each unit to stop before starting it; --no-block does not apply");
        }
        List<String> names = names(args);
        Map<String, UnitRecord> units = store.units();
        for (String name : names) {
            if (!units.containsKey(name)) {
                throw new IllegalArgumentException("unit " + name + " is not submitted");
            }
            if (units.get(name).target() == Target.INACTIVE) {
                throw new IllegalArgumentException("unit " + name + " is inactive (not loaded on a machine); start it instead");
            }
        }
        List<String> failed = new ArrayList<>();
        for (String name : names) {
            if (units.get(name).target() == Target.LAUNCHED) {
                setTargets(List.of(name), Target.LOADED, t -> true);
                if (!waiter.await(List.of(name), Target.LOADED, block, "stop").isEmpty()) {
                    failed.add(name);
                    continue;
                }
            }
            setTargets(List.of(name), Target.LAUNCHED, t -> true);
            failed.addAll(waiter.await(List.of(name), Target.LAUNCHED, block, "start"));
        }
        return failed;
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

    /** Prints the unit file as submitted. */
    public void cat(List<String> args) {
        List<String> names = names(args);
        if (names.size() != 1) {
            throw new IllegalArgumentException("cat takes one unit (got " + names.size() + ")");
        }
        String text = existing(names.get(0)).text();
        out.print(text.endsWith("\n") ? text : text + "\n");
    }

    /** The unit's container or process output, from the agent of the machine it runs on. */
    public void journal(List<String> args, int lines, boolean follow) {
        List<String> names = names(args);
        if (names.size() != 1) {
            throw new IllegalArgumentException("journal takes one unit (got " + names.size() + ")");
        }
        new JournalClient(store, out).print(names.get(0), lines, follow);
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
                        + " on " + Listings.machine(machines, machine).label() + (s == null ? "" : ": " + s.detail()));
            }
            if (unplaced.containsKey(name)) {
                out.println("   Not launched: " + unplaced.get(name));
            } else if (!assignments.containsKey(name)) {
                out.println("   Active: inactive (dead), not assigned to a machine");
            }
        }
    }

    /** UNIT MACHINE ACTIVE SUB by default. */
    public void listUnits(Listing listing) {
        new Listings(store, out).units(listing);
    }

    public void listUnits() {
        listUnits(new Listing(List.of(Listings.UNITS_DEFAULT.split(",")), true, false));
    }

    /** UNIT HASH DSTATE STATE TARGET by default. */
    public void listUnitFiles(Listing listing) {
        new Listings(store, out).unitFiles(listing);
    }

    /** MACHINE IP METADATA by default; the api field says where journal reads from. */
    public void listMachines(Listing listing) {
        new Listings(store, out).machines(listing);
    }

    /** Sets each unit's target when {@code when} holds for its current one; every unit must be submitted. */
    private void setTargets(List<String> names, Target target, java.util.function.Predicate<Target> when) {
        Map<String, UnitRecord> units = store.units();
        List<UnitRecord> writes = new ArrayList<>();
        for (String name : names) {
            UnitRecord u = units.get(name);
            if (u == null) {
                throw new IllegalArgumentException("unit " + name + " is not submitted");
            }
            if (u.target() != target && when.test(u.target())) {
                writes.add(u.withTarget(target));
            }
        }
        store.putUnits(writes);
    }

    /** The units of {@code names} to wait for: global ones are not waited for (as in fleet), only announced. */
    private List<String> blocking(List<String> names, String verb) {
        Map<String, UnitRecord> units = store.units();
        List<String> wait = new ArrayList<>();
        for (String name : names) {
            UnitRecord r = units.get(name);
            boolean global;
            try {
                global = r != null && Unit.parse(name, r.text()).rules().global();
            } catch (IllegalArgumentException e) {
                global = false;
            }
            if (global) {
                out.println("Triggered global unit " + name + " " + verb);
            } else {
                wait.add(name);
            }
        }
        return wait;
    }

    private static List<String> instances(List<String> args, String verb) {
        List<String> names = names(args);
        for (String name : names) {
            if (UnitName.parse(name).isTemplate()) {
                throw new IllegalArgumentException(name + " is a template; " + verb + " an instance such as "
                        + UnitName.parse(name).prefix() + "@1.service");
            }
        }
        return names;
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


}
