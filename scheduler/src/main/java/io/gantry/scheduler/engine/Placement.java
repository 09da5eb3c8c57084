package io.gantry.scheduler.engine;

import io.gantry.scheduler.state.Machine;
import io.gantry.scheduler.unit.FleetRules;
import io.gantry.scheduler.unit.Unit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where each unit runs: the engine's one decision, as a pure function of the live machines, the units
 * that should be placed and where they are now. A unit stays where it is while its machine lives and
 * its rules still hold there; the others go, in name order (a {@code MachineOf} unit after the unit it
 * follows), to the matching machine with the fewest units. A global unit goes on every matching machine.
 * A unit with {@code Replaces=} never shares a machine with a unit it replaces: a new one takes the
 * replaced unit's machine and the replaced unit is placed elsewhere.
 */
public final class Placement {

    /** The outcome: unit → machines (one, or every matching one for a global unit), and unit → why not. */
    public record Result(Map<String, Set<String>> assigned, Map<String, String> unplaced) {
    }

    /** Why a unit cannot go on a machine; {@code stage} is how many of the rules held before this one failed. */
    private record No(int stage, String reason) {
    }

    private Placement() {
    }

    /**
     * @param machines the live machines by id
     * @param units the units to place (loaded or launched), by name
     * @param current unit → the machines it is assigned to now
     */
    public static Result place(Map<String, Machine> machines, Map<String, Unit> units, Map<String, Set<String>> current) {
        Map<String, Set<String>> assigned = new TreeMap<>();
        Map<String, String> unplaced = new TreeMap<>();
        Map<String, List<String>> onMachine = new HashMap<>();
        machines.keySet().forEach(id -> onMachine.put(id, new ArrayList<>()));

        for (Unit u : units.values()) {
            if (u.rules().global()) {
                Set<String> all = new TreeSet<>();
                for (Machine m : machines.values()) {
                    if (u.rules().metadataMatches(m.metadata())) {
                        all.add(m.id());
                    }
                }
                assigned.put(u.name().name(), all);
                if (all.isEmpty()) {
                    unplaced.put(u.name().name(), "Global: no machine has metadata " + describe(u.rules().metadata()));
                }
            }
        }
        // A new unit with Replaces= takes the machine of a unit it replaces, which then moves (fleet's reschedule).
        for (Unit u : units.values()) {
            String name = u.name().name();
            if (u.rules().replaces().isEmpty() || current.containsKey(name)) {
                continue;
            }
            for (Unit replaced : units.values()) {
                if (assigned.containsKey(name) || !u.rules().replaces(replaced.name().name())) {
                    continue;
                }
                for (String m : current.getOrDefault(replaced.name().name(), Set.of())) {
                    if (!assigned.containsKey(name) && machines.containsKey(m) && why(u, machines.get(m), units, assigned, onMachine) == null) {
                        assigned.put(name, Set.of(m));
                        onMachine.get(m).add(name);
                    }
                }
            }
        }
        // Keep what is placed and still fits: units that replace others first (where they meet, the replaced
        // one moves), then in name order (so of two conflicting units the first stays).
        List<Unit> keepOrder = new ArrayList<>(units.values());
        keepOrder.sort(Comparator.comparing((Unit u) -> u.rules().replaces().isEmpty()));
        for (Unit u : keepOrder) {
            String name = u.name().name();
            if (u.rules().global()) {
                continue;
            }
            for (String m : current.getOrDefault(name, Set.of())) {
                if (!assigned.containsKey(name) && machines.containsKey(m) && why(u, machines.get(m), units, assigned, onMachine) == null) {
                    assigned.put(name, Set.of(m));
                    onMachine.get(m).add(name);
                }
            }
        }
        // Place the rest; a MachineOf unit waits for the unit it follows, so go round until nothing moves.
        boolean moved = true;
        while (moved) {
            moved = false;
            for (Unit u : units.values()) {
                String name = u.name().name();
                if (u.rules().global() || assigned.containsKey(name)) {
                    continue;
                }
                String machineOf = u.rules().machineOf();
                if (machineOf != null && !assigned.containsKey(machineOf) && units.containsKey(machineOf) && !unplaced.containsKey(machineOf)) {
                    continue;
                }
                No reason = null;
                Machine best = null;
                for (Machine m : machines.values().stream().sorted(Comparator.comparingInt((Machine m) -> onMachine.get(m.id()).size())
                        .thenComparing((Machine m) -> m.id())).toList()) {
                    No not = why(u, m, units, assigned, onMachine);
                    if (not == null) {
                        best = m;
                        break;
                    }
                    if (reason == null || not.stage() > reason.stage()) {
                        reason = not;
                    }
                }
                if (best != null) {
                    assigned.put(name, Set.of(best.id()));
                    onMachine.get(best.id()).add(name);
                    unplaced.remove(name);
                    moved = true;
                } else if (!unplaced.containsKey(name)) {
                    unplaced.put(name, machines.isEmpty() ? "no machines" : reason.reason());
                    moved = true;
                }
            }
        }
        return new Result(assigned, unplaced);
    }

    /** Why {@code u} cannot run on {@code m} given what is placed so far, or null when it can. */
    private static No why(Unit u, Machine m, Map<String, Unit> units, Map<String, Set<String>> assigned,
                              Map<String, List<String>> onMachine) {
        FleetRules r = u.rules();
        if (r.machineId() != null && !r.machineId().equals(m.id())) {
            return new No(0, "MachineID=" + r.machineId() + ": no such machine");
        }
        if (!r.metadataMatches(m.metadata())) {
            return new No(1, "MachineMetadata: no machine has " + describe(r.metadata()));
        }
        if (r.machineOf() != null) {
            Set<String> where = assigned.get(r.machineOf());
            if (where == null) {
                return new No(2, "MachineOf=" + r.machineOf() + ": that unit is not placed");
            }
            if (!where.contains(m.id())) {
                return new No(2, "MachineOf=" + r.machineOf() + ": its machine cannot take this unit");
            }
        }
        for (String other : onMachine.get(m.id())) {
            Unit o = units.get(other);
            if (r.conflictsWith(other) || (o != null && o.rules().conflictsWith(u.name().name()))) {
                return new No(3, "Conflicts: every machine that fits runs a conflicting unit (such as " + other + ")");
            }
            if (r.replaces(other) || (o != null && o.rules().replaces(u.name().name()))) {
                return new No(3, "Replaces: every machine that fits runs a unit it replaces or that replaces it (such as " + other + ")");
            }
        }
        for (Map.Entry<String, Set<String>> g : assigned.entrySet()) {
            Unit o = units.get(g.getKey());
            if (o != null && o.rules().global() && g.getValue().contains(m.id())
                    && (o.rules().conflictsWith(u.name().name()) || r.conflictsWith(g.getKey()))) {
                return new No(3, "Conflicts: global unit " + g.getKey() + " conflicts with it");
            }
        }
        return null;
    }

    private static String describe(Map<String, Set<String>> metadata) {
        List<String> parts = new ArrayList<>();
        metadata.forEach((k, v) -> parts.add(k + "=" + String.join("|", new LinkedHashSet<>(v))));
        return String.join(" and ", parts);
    }
}
