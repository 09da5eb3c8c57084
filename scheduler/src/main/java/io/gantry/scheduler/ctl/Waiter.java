package io.gantry.scheduler.ctl;

import io.gantry.scheduler.state.Machine;
import io.gantry.scheduler.state.Store;
import io.gantry.scheduler.state.UnitRecord;
import io.gantry.scheduler.state.UnitRecord.Target;
import io.gantry.scheduler.state.UnitState;
import io.gantry.scheduler.unit.Unit;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Waits, polling etcd every 250 ms as fleetctl does, until each unit reached a target: launched
 * (assigned and active/running on its machine, from the file submitted), loaded (assigned and not running) or inactive (assigned
 * nowhere). Says so for each as it happens ({@code Unit web.service launched on m1/10.0.0.5}), and for a
 * unit the engine cannot place, why, at once.
 */
final class Waiter {

    private static final long POLL_MS = 250;

    private final Store store;
    private final PrintStream out;

    Waiter(Store store, PrintStream out) {
        this.store = store;
        this.out = out;
    }

    /**
     * Waits as {@code block} allows; returns the units that did not reach {@code target} (empty: all did).
     * {@code verb} names what was asked, for --no-block's "Triggered unit web.service stop".
     */
    List<String> await(List<String> names, Target target, Block block, String verb) {
        if (!block.blocks()) {
            names.forEach(n -> out.println("Triggered unit " + n + " " + verb));
            return List.of();
        }
        Set<String> waiting = new LinkedHashSet<>(names);
        List<String> failed = new ArrayList<>();
        long deadline = block.deadline();
        while (true) {
            Map<String, Map<String, Target>> assignments = store.assignments();
            Map<String, Map<String, UnitState>> states = store.states();
            Map<String, Machine> machines = store.machines();
            Map<String, String> unplaced = target == Target.INACTIVE ? Map.of() : store.unplaced();
            Map<String, UnitRecord> records = target == Target.LAUNCHED ? store.units() : Map.of();
            for (String name : List.copyOf(waiting)) {
                Map<String, Target> where = assignments.getOrDefault(name, Map.of());
                Map<String, UnitState> on = states.getOrDefault(name, Map.of());
                UnitRecord record = records.get(name);
                if (reached(target, where, on, record == null ? null : Unit.hash(record.text()))) {
                    List<String> labels = new ArrayList<>();
                    where.keySet().forEach(m -> labels.add(Listings.machine(machines, m).label()));
                    out.println("Unit " + name + " " + target.word() + (labels.isEmpty() ? "" : " on " + String.join(", ", labels)));
                    waiting.remove(name);
                } else if (unplaced.containsKey(name)) {
                    out.println("Unit " + name + " not launched: " + unplaced.get(name));
                    waiting.remove(name);
                    failed.add(name);
                }
            }
            if (waiting.isEmpty()) {
                return failed;
            }
            if (System.nanoTime() > deadline) {
                for (String name : waiting) {
                    out.println("Unit " + name + " not " + target.word() + " yet" + why(target, machines,
                            assignments.getOrDefault(name, Map.of()), states.getOrDefault(name, Map.of())));
                }
                failed.addAll(waiting);
                return failed;
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed.addAll(waiting);
                return failed;
            }
        }
    }

    /** {@code hash}: the submitted file's; a unit launched counts only once it runs that file (after --replace). */
    private static boolean reached(Target target, Map<String, Target> where, Map<String, UnitState> on, String hash) {
        return switch (target) {
            case INACTIVE -> where.isEmpty();
            case LAUNCHED -> where.containsValue(Target.LAUNCHED)
                    && where.keySet().stream().allMatch(m -> on.containsKey(m) && on.get(m).activeAndRunning()
                            && (hash == null || on.get(m).hash() == null || on.get(m).hash().equals(hash)));
            case LOADED -> !where.isEmpty() && where.keySet().stream().allMatch(m -> on.containsKey(m)
                    && (on.get(m).active().equals("inactive") || on.get(m).active().equals("failed")));
        };
    }

    /** What holds a unit up, from what its machines report: ": failed on m1/10.0.0.5: ExecStart=... exited 1". */
    private static String why(Target target, Map<String, Machine> machines, Map<String, Target> where, Map<String, UnitState> on) {
        if (where.isEmpty()) {
            return target == Target.INACTIVE ? "" : machines.isEmpty() ? " (no machines: is an agent running?)" : " (not placed yet)";
        }
        List<String> parts = new ArrayList<>();
        where.keySet().forEach(m -> {
            UnitState s = on.get(m);
            parts.add((s == null ? "no report yet" : s.active() + " (" + s.sub() + ")") + " on " + Listings.machine(machines, m).label()
                    + (s == null || s.detail().isEmpty() ? "" : ": " + s.detail()));
        });
        return ": " + String.join("; ", parts);
    }
}
