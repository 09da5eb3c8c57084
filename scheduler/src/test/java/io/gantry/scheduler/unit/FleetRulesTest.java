package io.gantry.scheduler.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** fleet's submit-time rules for [X-Fleet]: each refusal names the line, legacy names still read. */
class FleetRulesTest {

    /** The [X-Fleet] lines start at line 4. */
    private static Unit parse(String name, String... fleet) {
        return Unit.parse(name, "[Service]\nExecStart=/bin/true\n[X-Fleet]\n" + String.join("\n", fleet) + "\n");
    }

    private static String refusal(String name, String... fleet) {
        return assertThrows(UnitException.class, () -> parse(name, fleet)).getMessage();
    }

    @Test
    void anUnknownKeyIsRefusedNamingItsLine() {
        assertTrue(refusal("a.service", "Global=false", "MachinesOf=b.service").startsWith("a.service line 5: unknown [X-Fleet] setting MachinesOf"));
    }

    @Test
    void machineIdGoesWithNoOtherPlacementOption() {
        for (String other : List.of("MachineOf=b.service", "MachineMetadata=region=us", "Conflicts=b*", "Global=true", "Replaces=b.service")) {
            String key = other.substring(0, other.indexOf('='));
            assertEquals("a.service line 5: " + key + " cannot be used with MachineID (line 4): MachineID pins the unit to one machine;"
                    + " it goes with no other placement option", refusal("a.service", "MachineID=m1", other));
        }
        assertTrue(refusal("a.service", "Conflicts=b*", "MachineID=m1").startsWith("a.service line 5: MachineID cannot be used with Conflicts (line 4)"));
    }

    @Test
    void globalGoesWithNeitherMachineOfNorReplaces() {
        assertTrue(refusal("a.service", "Global=true", "MachineOf=b.service").startsWith("a.service line 5: MachineOf cannot be used with Global (line 4)"));
        assertTrue(refusal("a.service", "Replaces=b.service", "Global=yes").startsWith("a.service line 5: Global cannot be used with Replaces (line 4)"));
        assertEquals(Set.of("us"), parse("a.service", "Global=true", "MachineMetadata=region=us").rules().metadata().get("region"));
    }

    @Test
    void aMachineOfThatNamesItselfOrAUnitItConflictsWithOrReplacesIsRefused() {
        assertEquals("a.service line 4: MachineOf=a.service names this unit itself", refusal("a.service", "MachineOf=a.service"));
        assertEquals("side@1.service line 4: MachineOf=side@1.service names this unit itself", refusal("side@1.service", "MachineOf=%n"));
        assertEquals("a.service line 5: MachineOf=db@1.service matches Conflicts=db@* (line 4): it could never be placed",
                refusal("a.service", "Conflicts=db@*", "MachineOf=db@1.service"));
        assertTrue(refusal("a.service", "Replaces=b.service", "MachineOf=b.service").startsWith("a.service line 5: MachineOf=b.service matches Replaces"));
    }

    @Test
    void conflictsAndReplacesTogetherAreRefusedAsFleetDoes() {
        assertTrue(refusal("a.service", "Replaces=b.service", "Conflicts=c*").startsWith("a.service line 5: Conflicts cannot be used with Replaces (line 4)"));
    }

    @Test
    void fleetsLegacyXConditionNamesMeanTheCurrentOnes() {
        FleetRules r = parse("a.service", "X-ConditionMachineOf=b.service", "X-ConditionMachineMetadata=disk=ssd", "X-Conflicts=c*").rules();
        assertEquals("b.service", r.machineOf());
        assertEquals(Map.of("disk", Set.of("ssd")), r.metadata());
        assertTrue(r.conflictsWith("c1.service"));
        assertEquals("m1", parse("a.service", "X-ConditionMachineID=m1").rules().machineId());
        assertEquals("m2", parse("a.service", "X-ConditionMachineBootID=m2").rules().machineId());
    }

    @Test
    void replacesReadsGlobs() {
        FleetRules r = parse("web-v2@1.service", "Replaces=web@%i.service web-old*").rules();
        assertTrue(r.replaces("web@1.service"));
        assertTrue(r.replaces("web-old.service"));
        assertTrue(!r.replaces("web@2.service"));
    }
}
