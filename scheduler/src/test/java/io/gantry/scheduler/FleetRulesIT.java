package io.gantry.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.LeaseRegistrar;
import io.gantry.scheduler.agent.Agent;
import io.gantry.scheduler.ctl.Ctl;
import io.gantry.scheduler.run.SimulatedDriver;
import io.gantry.scheduler.state.Keys;
import io.gantry.scheduler.state.Machine;
import io.gantry.scheduler.state.Store;
import io.gantry.scheduler.state.UnitState;
import io.gantry.testing.EtcdExtension;
import io.gantry.testing.Poll;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each [X-Fleet] rule through etcd, with agents in this JVM whose driver runs nothing: what ctl
 * starts ends up active on the machines the rules allow, and only there.
 */
class FleetRulesIT {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    @TempDir
    Path dir;

    private Store store;
    private final List<Agent> agents = new ArrayList<>();
    private final List<LeaseRegistrar> registrars = new ArrayList<>();
    private final ExecutorService workers = Agent.workers("fleet-rules-it", 4);

    @BeforeEach
    void prefix() {
        store = new Store(etcd.client(), new Keys("/gantry/it-" + Integer.toHexString(ThreadLocalRandom.current().nextInt()) + "/"));
    }

    @AfterEach
    void stop() {
        agents.forEach(Agent::close);
        registrars.forEach(LeaseRegistrar::close);
        workers.shutdownNow();
    }

    private void machine(String id, String... metadata) {
        LeaseRegistrar registrar = new LeaseRegistrar(etcd.client(), etcd.endpoint(), Duration.ofSeconds(2));
        Agent agent = new Agent(store, registrar, new SimulatedDriver(), workers, new Agent.Settings(
                new Machine(id, "127.0.0.1", AgentCommand.parseMetadata(List.of(metadata))), id, Map.of(),
                Duration.ofSeconds(2), Duration.ofMillis(200)));
        registrars.add(registrar);
        agents.add(agent);
        registrar.start();
        agent.start();
    }

    private void file(String name, String... fleet) throws Exception {
        Files.writeString(dir.resolve(name), "[Unit]\nDescription=%n\n\n[Service]\nExecStart=/usr/bin/docker run --name %p-%i nginx\n\n[X-Fleet]\n"
                + String.join("\n", fleet) + "\n");
    }

    private String start(String... units) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Ctl(store, dir, new PrintStream(out, true, StandardCharsets.UTF_8)).start(List.of(units), Duration.ofSeconds(2));
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The machines {@code unit} is active/running on, once that is {@code expected}. */
    private void awaitOn(String unit, String... expected) {
        Set<String> want = new TreeSet<>(List.of(expected));
        Poll.until(DEADLINE, unit + " active on " + want + " (now " + on(unit) + ", unplaced " + store.unplaced() + ")",
                () -> want.equals(on(unit)));
    }

    private Set<String> on(String unit) {
        Set<String> out = new TreeSet<>();
        store.states().getOrDefault(unit, Map.of()).forEach((m, s) -> {
            if (s.activeAndRunning()) {
                out.add(m);
            }
        });
        return out;
    }

    @Test
    void machineIdPinsAUnitToItsMachine() throws Exception {
        machine("a");
        machine("b");
        file("pinned.service", "MachineID=b");
        start("pinned.service");
        awaitOn("pinned.service", "b");
    }

    @Test
    void machineOfWithATemplateSpecifierFollowsItsInstance() throws Exception {
        machine("a");
        machine("b");
        machine("c");
        file("web@.service", "Conflicts=web@*.service");
        file("side@.service", "MachineOf=web@%i.service");
        start("web@{1..3}.service");
        start("side@{1..3}.service");
        for (int i = 1; i <= 3; i++) {
            String web = "web@" + i + ".service";
            Poll.until(DEADLINE, web + " running", () -> on(web).size() == 1);
            awaitOn("side@" + i + ".service", on(web).iterator().next());
        }
        assertEquals(3, new java.util.HashSet<>(List.of(on("web@1.service"), on("web@2.service"), on("web@3.service"))).size(),
                "Conflicts spread them");
    }

    @Test
    void metadataIsOrWithinAKeyAndAcrossKeysAndAUnitWaitsWithItsReasonForAMachineThatFits() throws Exception {
        machine("a", "region=us", "disk=hdd");
        machine("b", "region=eu", "disk=hdd");
        file("db.service", "MachineMetadata=region=us region=eu", "MachineMetadata=disk=ssd");
        String said = start("db.service");
        assertTrue(said.contains("Unit db.service not launched: MachineMetadata: no machine has region=us|eu and disk=ssd"), said);
        machine("c", "region=eu", "disk=ssd");
        machine("d", "region=ap", "disk=ssd");
        awaitOn("db.service", "c");
    }

    @Test
    void conflictsHoldBothWays() throws Exception {
        machine("a");
        machine("b");
        file("x.service", "Conflicts=y.service");
        file("y.service");
        file("z.service");
        start("x.service", "y.service", "z.service");
        Poll.until(DEADLINE, "all three running", () -> on("x.service").size() + on("y.service").size() + on("z.service").size() == 3);
        assertTrue(java.util.Collections.disjoint(on("x.service"), on("y.service")), "x and y apart");
    }

    @Test
    void aGlobalUnitRunsOnEveryMatchingMachineIncludingOneThatJoinsLater() throws Exception {
        machine("a", "role=web");
        machine("b", "role=db");
        file("logs.service", "Global=true", "MachineMetadata=role=web");
        start("logs.service");
        awaitOn("logs.service", "a");
        machine("c", "role=web");
        awaitOn("logs.service", "a", "c");
    }

    @Test
    void stopKeepsAUnitOnItsMachineAndDestroyRemovesIt() throws Exception {
        machine("a");
        file("w.service");
        start("w.service");
        awaitOn("w.service", "a");
        Ctl ctl = new Ctl(store, dir, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        ctl.stop(List.of("w.service"));
        Poll.until(DEADLINE, "w stopped", () -> {
            UnitState s = store.states().getOrDefault("w.service", Map.of()).get("a");
            return s != null && s.active().equals("inactive");
        });
        assertEquals(Set.of("a"), store.assignments().get("w.service").keySet());
        ctl.destroy(List.of("w.service"));
        Poll.until(DEADLINE, "w gone", () -> !store.states().containsKey("w.service") && !store.assignments().containsKey("w.service"));
    }

    @Test
    void aUnitThatReplacesAnotherTakesItsMachineAndTheReplacedUnitMovesAway() throws Exception {
        machine("a");
        file("old.service");
        file("new.service", "Replaces=old.service");
        start("old.service");
        awaitOn("old.service", "a");
        machine("b");
        start("new.service");
        awaitOn("new.service", "a");
        awaitOn("old.service", "b");
    }
}
