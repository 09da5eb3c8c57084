package io.gantry.scheduler;

import io.gantry.common.EtcdSettings;
import io.gantry.common.LeaseRegistrar;
import io.gantry.common.cli.Shutdown;
import io.gantry.common.Errors;
import io.gantry.common.HostPort;
import io.gantry.scheduler.agent.Agent;
import io.gantry.scheduler.agent.JournalServer;
import io.gantry.scheduler.docker.DockerEngine;
import io.gantry.scheduler.run.Driver;
import io.gantry.scheduler.run.HostDriver;
import io.gantry.scheduler.run.SimulatedDriver;
import io.gantry.scheduler.state.Keys;
import io.gantry.scheduler.state.Machine;
import io.gantry.scheduler.state.Store;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import io.gantry.common.cli.EtcdOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code scheduler agent}: one per machine; runs the units placed here and takes part in electing the engine. */
@Command(name = "agent", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Registers this machine, runs the units assigned to it, and runs an engine (one of all the agents' engines leads).")
final class AgentCommand implements Callable<Integer> {

    /** The journal API's port when --api does not say. */
    static final int DEFAULT_API_PORT = 7654;

    @Mixin
    EtcdOptions etcdOptions = new EtcdOptions();

    @Option(names = "--machine-id", paramLabel = "ID", description = "This machine's id (default: /etc/machine-id).")
    String machineId;

    @Option(names = "--ip", paramLabel = "IP", required = true,
            description = "This machine's address: shown in list-machines, given to units as COREOS_PRIVATE_IPV4.")
    String ip;

    @Option(names = "--public-ip", paramLabel = "IP", description = "Given to units as COREOS_PUBLIC_IPV4 (default: --ip).")
    String publicIp;

    @Option(names = "--metadata", paramLabel = "K=V[,K=V]", split = ",", description = "Machine metadata for MachineMetadata= rules; repeatable.")
    List<String> metadata = new ArrayList<>();

    @Option(names = "--env", paramLabel = "NAME=VALUE", description = "A variable for units' Exec lines, like a line of /etc/environment; repeatable.")
    List<String> env = new ArrayList<>();

    @Option(names = "--api", paramLabel = "HOST:PORT",
            description = "Where ctl journal reads units' output, read-only (default: --ip, port " + DEFAULT_API_PORT + "; port 0: any free one); 'off' for nowhere.")
    String api;

    @Option(names = "--ttl", paramLabel = "DURATION", description = "How long after this agent dies its machine counts as gone (default 10s).")
    Duration ttl = Duration.ofSeconds(10);

    @Option(names = "--interval", paramLabel = "DURATION", description = "How often units are checked and the engine re-places (default 1s).")
    Duration interval = Duration.ofSeconds(1);

    @Option(names = "--docker", paramLabel = "URL", description = "The Docker engine (default unix:///var/run/docker.sock).")
    URI docker = URI.create("unix:///var/run/docker.sock");

    @Option(names = "--simulate", description = "Run nothing: every unit 'runs' at once (for trying placement at scale).")
    boolean simulate;

    @Option(names = "--logs", paramLabel = "DIR", description = "Where non-docker units' output goes (default /tmp/gantry-agent-<id>).")
    Path logs;

    @Option(names = "--prefix", paramLabel = "PREFIX", description = "The scheduler's etcd prefix (default /gantry/scheduler/).")
    String prefix = Keys.DEFAULT_PREFIX;

    @Option(names = "--config", paramLabel = "FILE", description = "A config file of 'name = value' lines; flags win.")
    Path config;

    @Override
    public Integer call() throws Exception {
        EtcdSettings etcd = etcdOptions.required();
        String id = machineId != null ? machineId : readMachineId();
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("--machine-id '" + id + "' may hold only letters, digits, '.', '_' and '-'");
        }
        if (ttl.toMillis() < 1000 || interval.toMillis() < 100) {
            throw new IllegalArgumentException("--ttl must be at least 1s and --interval at least 100ms");
        }
        Machine machine = new Machine(id, ip, parseMetadata(metadata));
        Map<String, String> unitEnv = new LinkedHashMap<>();
        for (String pair : env) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || !pair.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("--env '" + pair + "' is not NAME=value");
            }
            unitEnv.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        unitEnv.put("COREOS_PRIVATE_IPV4", ip);
        unitEnv.put("COREOS_PUBLIC_IPV4", publicIp != null ? publicIp : ip);
        Driver driver;
        if (simulate) {
            driver = new SimulatedDriver();
        } else {
            DockerEngine engine = new DockerEngine(docker);
            if (!engine.reachable()) {
                System.err.println("scheduler agent: the Docker engine at " + docker + " does not answer; docker units fail until it does");
            }
            driver = new HostDriver(engine, logs != null ? logs : Path.of(System.getProperty("java.io.tmpdir"), "gantry-agent-" + id));
        }
        JournalServer journal = journal(id, driver);
        if (journal != null) {
            machine = machine.withApi(journal.address());
        }
        var client = etcd.newClient();
        Store store = new Store(client, new Keys(prefix));
        LeaseRegistrar registrar = new LeaseRegistrar(client, etcd.toString(), Duration.ofSeconds(Math.max(1, ttl.toSeconds())));
        ExecutorService workers = Agent.workers("units-" + id, 4);
        Agent agent = new Agent(store, registrar, driver, workers, new Agent.Settings(machine, hostname(), unitEnv, ttl, interval));
        registrar.start();
        agent.start();
        Shutdown.awaitSignalThen(() -> {
            agent.close();
            registrar.close();
            workers.shutdownNow();
            if (journal != null) {
                journal.close();
            }
            driver.close();
            client.close();
        });
        return 0;
    }

    /** Starts the journal API where --api says; a port in use is one line and no API, not a failed agent. */
    private JournalServer journal(String id, Driver driver) {
        if ("off".equals(api)) {
            return null;
        }
        HostPort address;
        try {
            // port 0: any free port (tests, several agents on one address); list-machines shows the one taken
            address = api == null ? new HostPort(ip, DEFAULT_API_PORT)
                    : api.endsWith(":0") ? new HostPort(HostPort.parse(api.substring(0, api.length() - 1) + "1").host(), 0) : HostPort.parse(api);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--api '" + api + "': " + e.getMessage());
        }
        try {
            return JournalServer.start(address, id, driver);
        } catch (java.io.IOException e) {
            System.err.println("scheduler agent: --api " + address + ": cannot listen (" + Errors.describe(e)
                    + "); ctl journal will not reach this machine");
            return null;
        }
    }

    static Map<String, String> parseMetadata(List<String> pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw new IllegalArgumentException("--metadata '" + p + "' is not key=value");
            }
            out.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return out;
    }

    private static String readMachineId() {
        try {
            return Files.readString(Path.of("/etc/machine-id")).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("no --machine-id given and /etc/machine-id cannot be read");
        }
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
