package io.gantry.scheduler;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.DeleteOption;
import io.gantry.common.EtcdText;
import io.gantry.common.LeaseRegistrar;
import io.gantry.scheduler.agent.Agent;
import io.gantry.scheduler.ctl.Ctl;
import io.gantry.scheduler.run.SimulatedDriver;
import io.gantry.scheduler.state.Keys;
import io.gantry.scheduler.state.Machine;
import io.gantry.scheduler.state.Store;
import io.gantry.scheduler.state.UnitState;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Many agents in one JVM over one etcd connection, running nothing: how fast the scheduler places and
 * starts units, and how evenly. Uses its own prefix and deletes it afterwards.
 */
public final class Simulation {

    /** What a run measured. */
    public record Report(int machines, int units, long millisToStarted, long millisToPlaced, long millisToAllActive,
                         int minPerMachine, int maxPerMachine, boolean complete) {
        @Override
        public String toString() {
            return (complete ? "all " + units + " units active" : "NOT all " + units + " units active") + " on " + machines
                    + " machines " + millisToAllActive + " ms after start (ctl start returned after " + millisToStarted
                    + " ms, all placed after " + millisToPlaced + " ms); units per machine " + minPerMachine + ".." + maxPerMachine;
        }
    }

    private Simulation() {
    }

    /** Starts {@code machines} agents, then {@code units} instances of one template, and waits (at most {@code timeout}) for all to be active. */
    public static Report run(Client client, String endpoints, int machines, int units, Duration timeout) throws Exception {
        Keys keys = new Keys("/gantry/simulation-" + ProcessHandle.current().pid() + "/");
        Store store = new Store(client, keys);
        ExecutorService workers = Agent.workers("simulated-units", 8);
        List<Agent> agents = new ArrayList<>();
        List<LeaseRegistrar> registrars = new ArrayList<>();
        Path dir = Files.createTempDirectory("gantry-simulation");
        try {
            for (int i = 1; i <= machines; i++) {
                String id = String.format("sim%03d", i);
                LeaseRegistrar registrar = new LeaseRegistrar(client, endpoints, Duration.ofSeconds(10));
                Agent agent = new Agent(store, registrar, new SimulatedDriver(), workers, new Agent.Settings(
                        new Machine(id, "127.1." + (i / 250) + "." + (i % 250 + 1), Map.of()), id, Map.of(),
                        Duration.ofSeconds(10), Duration.ofSeconds(1)));
                registrars.add(registrar);
                agents.add(agent);
                registrar.start();
                agent.start();
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (store.machines().size() < machines && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Files.writeString(dir.resolve("sim@.service"), "[Unit]\nDescription=simulated %i\n\n[Service]\nExecStart=/bin/true\n");
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            long start = System.nanoTime();
            new Ctl(store, dir, quiet).start(List.of("sim@{1.." + units + "}.service"), Duration.ZERO);
            long started = System.nanoTime();
            long placed = 0;
            int active = 0;
            while (System.nanoTime() < deadline) {
                if (placed == 0 && store.assignments().size() == units) {
                    placed = System.nanoTime();
                }
                active = (int) store.states().values().stream()
                        .filter(byMachine -> byMachine.values().stream().anyMatch(UnitState::activeAndRunning)).count();
                if (active == units) {
                    break;
                }
                Thread.sleep(50);
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            IntSummaryStatistics perMachine = store.assignments().values().stream().flatMap(m -> m.keySet().stream())
                    .collect(Collectors.groupingBy(m -> m, Collectors.counting()))
                    .values().stream().mapToInt(Long::intValue).summaryStatistics();
            return new Report(machines, units, TimeUnit.NANOSECONDS.toMillis(started - start),
                    placed == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(placed - start), millis, perMachine.getMin(), perMachine.getMax(), active == units);
        } finally {
            agents.forEach(Agent::close);
            registrars.forEach(LeaseRegistrar::close);
            workers.shutdownNow();
            client.getKVClient().delete(EtcdText.bytes(keys.prefix()), DeleteOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS);
            Files.deleteIfExists(dir.resolve("sim@.service"));
            Files.deleteIfExists(dir);
        }
    }
}
