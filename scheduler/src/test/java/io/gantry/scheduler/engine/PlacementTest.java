package io.gantry.scheduler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.scheduler.state.Machine;
import io.gantry.scheduler.unit.Unit;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PlacementTest {

    private final Map<String, Machine> machines = new TreeMap<>();
    private final Map<String, Unit> units = new TreeMap<>();
    private final Map<String, Set<String>> current = new HashMap<>();

    private void machine(String id, String... metadata) {
        Map<String, String> m = new HashMap<>();
        for (String kv : metadata) {
            m.put(kv.split("=")[0], kv.split("=")[1]);
        }
        machines.put(id, new Machine(id, "127.0.0.1", m));
    }

    private void unit(String name, String... fleet) {
        units.put(name, Unit.parse(name, "[Service]\nExecStart=/bin/true\n[X-Fleet]\n" + String.join("\n", fleet) + "\n"));
    }

    private Placement.Result place() {
        return Placement.place(machines, units, current);
    }

    @Test
    void unitsSpreadEvenlyAndStayWhereTheyAre() {
        machine("a");
        machine("b");
        machine("c");
        for (int i = 1; i <= 6; i++) {
            unit("w@" + i + ".service");
        }
        current.put("w@1.service", Set.of("a"));
        current.put("w@2.service", Set.of("a"));
        Placement.Result r = place();
        assertEquals(Set.of("a"), r.assigned().get("w@1.service"));
        assertEquals(Set.of("a"), r.assigned().get("w@2.service"));
        Map<String, Integer> load = new HashMap<>();
        r.assigned().values().forEach(ms -> ms.forEach(m -> load.merge(m, 1, Integer::sum)));
        assertEquals(Map.of("a", 2, "b", 2, "c", 2), load);
    }

    @Test
    void aUnitOnAMachineThatIsGoneMovesToOneThatIsLeft() {
        machine("a");
        machine("c");
        unit("nginx@1.service", "Conflicts=nginx@*.service");
        unit("nginx@2.service", "Conflicts=nginx@*.service");
        current.put("nginx@1.service", Set.of("b"));
        current.put("nginx@2.service", Set.of("a"));
        Placement.Result r = place();
        assertEquals(Set.of("a"), r.assigned().get("nginx@2.service"));
        assertEquals(Set.of("c"), r.assigned().get("nginx@1.service"));
    }

    @Test
    void conflictsHoldInBothDirectionsAndAnUnplaceableUnitSaysWhy() {
        machine("a");
        machine("b");
        unit("web@1.service", "Conflicts=web@*.service");
        unit("web@2.service");
        unit("web@3.service");
        Placement.Result r = place();
        assertFalse(r.assigned().get("web@1.service").equals(r.assigned().get("web@2.service")));
        assertFalse(r.assigned().get("web@1.service").equals(r.assigned().get("web@3.service")));
        unit("x@1.service", "Conflicts=*");
        unit("y@1.service", "Conflicts=*");
        r = place();
        assertTrue(r.unplaced().get("y@1.service").startsWith("Conflicts:"), r.unplaced().toString());
    }

    @Test
    void machineIdPinsAndAMissingMachineIsTheReason() {
        machine("a");
        machine("b");
        unit("p.service", "MachineID=b");
        unit("q.service", "MachineID=z");
        Placement.Result r = place();
        assertEquals(Set.of("b"), r.assigned().get("p.service"));
        assertEquals("MachineID=z: no such machine", r.unplaced().get("q.service"));
    }

    @Test
    void machineOfFollowsItsUnitWhicheverNameSortsFirst() {
        machine("a");
        machine("b");
        machine("c");
        unit("zeta@1.service");
        unit("zeta@2.service");
        unit("alpha@2.service", "MachineOf=zeta@%i.service");
        unit("orphan.service", "MachineOf=nothing.service");
        Placement.Result r = place();
        assertEquals(r.assigned().get("zeta@2.service"), r.assigned().get("alpha@2.service"));
        assertEquals("MachineOf=nothing.service: that unit is not placed", r.unplaced().get("orphan.service"));
    }

    @Test
    void metadataIsOrWithinAKeyAndAndAcrossKeys() {
        machine("a", "region=us", "disk=hdd");
        machine("b", "region=eu", "disk=ssd");
        machine("c", "region=ap", "disk=ssd");
        unit("db.service", "MachineMetadata=region=us region=eu", "MachineMetadata=disk=ssd");
        unit("none.service", "MachineMetadata=region=mars");
        Placement.Result r = place();
        assertEquals(Set.of("b"), r.assigned().get("db.service"));
        assertEquals("MachineMetadata: no machine has region=mars", r.unplaced().get("none.service"));
    }

    @Test
    void aGlobalUnitGoesOnEveryMatchingMachine() {
        machine("a", "role=web");
        machine("b", "role=web");
        machine("c", "role=db");
        unit("agent.service", "Global=true", "MachineMetadata=role=web");
        unit("all.service", "Global=true");
        Placement.Result r = place();
        assertEquals(Set.of("a", "b"), r.assigned().get("agent.service"));
        assertEquals(Set.of("a", "b", "c"), r.assigned().get("all.service"));
    }

    @Test
    void aUnitConflictingWithAGlobalUnitStaysOffItsMachines() {
        machine("a", "role=web");
        machine("b", "role=db");
        unit("logs.service", "Global=true", "MachineMetadata=role=web");
        unit("quiet.service", "Conflicts=logs.service");
        assertEquals(Set.of("b"), place().assigned().get("quiet.service"));
    }

    @Test
    void withoutMachinesNothingIsPlacedAndTheReasonSaysSo() {
        unit("w.service");
        assertEquals("no machines", place().unplaced().get("w.service"));
    }

    @Test
    void aNewUnitThatReplacesAnotherTakesItsMachineAndTheReplacedOneMoves() {
        machine("a");
        machine("b");
        unit("web.service");
        unit("web-v2.service", "Replaces=web.service");
        current.put("web.service", Set.of("a"));
        Placement.Result r = place();
        assertEquals(Set.of("a"), r.assigned().get("web-v2.service"));
        assertEquals(Set.of("b"), r.assigned().get("web.service"));
        // and they stay apart: with one machine the replaced unit waits, with the reason
        machines.remove("b");
        current.clear();
        current.put("web-v2.service", Set.of("a"));
        current.put("web.service", Set.of("a"));
        r = place();
        assertEquals(Set.of("a"), r.assigned().get("web-v2.service"));
        assertTrue(r.unplaced().get("web.service").startsWith("Replaces:"), r.unplaced().toString());
    }
}
