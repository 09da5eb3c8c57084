package io.gantry.scheduler.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gantry.scheduler.state.Machine;
import io.gantry.scheduler.state.UnitState;
import io.gantry.scheduler.unit.Unit;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** list-units, list-unit-files and list-machines as fleetctl prints them: --fields, --no-legend, -l/--full. */
class ListingTest {

    private static final Machine LONG = new Machine("113f16a7c0e94d1b8a5e3c1c5a1e9b2f", "10.0.0.5", Map.of("region", "us", "disk", "ssd"),
            "10.0.0.5:7654");
    private static final Machine SHORT = new Machine("m2", "10.0.0.6", Map.of());
    private static final String TEXT = "[Service]\nExecStart=/bin/true\n";
    private static final List<Listings.UnitRow> UNITS = List.of(
            new Listings.UnitRow("web@1.service", LONG, new UnitState("active", "running", ""), TEXT),
            new Listings.UnitRow("web@2.service", SHORT, null, TEXT));

    private static String print(Columns<Listings.UnitRow> columns, String fields, boolean noLegend, boolean full) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        columns.print(UNITS, Listing.of(fields, Listings.UNITS_DEFAULT, columns.names(), noLegend, full),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theDefaultColumnsAreFleetctlsWithTheMachineCutToEightCharactersAndItsIp() {
        assertEquals("""
                UNIT           MACHINE               ACTIVE  SUB
                web@1.service  113f16a7.../10.0.0.5  active  running
                web@2.service  m2/10.0.0.6           -       -
                """, print(Listings.UNITS, null, false, false));
    }

    @Test
    void fieldsPickAndOrderTheColumnsAndNoLegendDropsTheHeader() {
        assertEquals("""
                active  web@1.service  loaded  %s
                -       web@2.service  -       %s
                """.formatted(Unit.hash(TEXT), Unit.hash(TEXT)), print(Listings.UNITS, "active,unit,load,hash", true, false));
    }

    @Test
    void fullPrintsWholeMachineIdsAndHashes() {
        assertEquals("""
                MACHINE                                    HASH
                113f16a7c0e94d1b8a5e3c1c5a1e9b2f/10.0.0.5  %s
                m2/10.0.0.6                                %s
                """.formatted(Unit.fullHash(TEXT), Unit.fullHash(TEXT)), print(Listings.UNITS, "machine,hash", false, true));
    }

    @Test
    void machinesListTheirMetadataSortedAndOnAskingTheJournalApi() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Listings.MACHINES.print(List.of(LONG, SHORT), Listing.of("machine,ip,metadata,api", Listings.MACHINES_DEFAULT, Listings.MACHINES.names(), false, false),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals("""
                MACHINE      IP        METADATA            API
                113f16a7...  10.0.0.5  disk=ssd,region=us  10.0.0.5:7654
                m2           10.0.0.6  -                   -
                """, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void machinesDefaultToFleetctlsColumns() {
        assertEquals(List.of("machine", "ip", "metadata"), Listing.of(null, Listings.MACHINES_DEFAULT, Listings.MACHINES.names(), false, false).fields());
    }

    @Test
    void anUnknownOrEmptyFieldIsNamedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Listing.of("unit,mahcine", Listings.UNITS_DEFAULT, Listings.UNITS.names(), false, false));
        assertEquals("--fields: unknown field 'mahcine' (known: unit,machine,active,sub,load,hash)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Listing.of("unit,", Listings.UNITS_DEFAULT, Listings.UNITS.names(), false, false));
    }
}
