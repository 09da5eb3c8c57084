package io.gantry.scheduler;

import io.gantry.common.EtcdSettings;
import io.gantry.common.cli.EtcdOptions;
import io.gantry.scheduler.ctl.Block;
import io.gantry.scheduler.ctl.Ctl;
import io.gantry.scheduler.ctl.Listing;
import io.gantry.scheduler.ctl.Listings;
import io.gantry.scheduler.state.Keys;
import io.gantry.scheduler.state.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code scheduler ctl}: fleetctl's commands. */
@Command(name = "ctl", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Submits, starts, stops and lists units, like fleetctl.",
        footer = {"", "Commands:",
                "  submit [--replace] UNIT...     store units (files from the working directory)",
                "  load [--replace] UNIT...       submit if needed, place on a machine, no start",
                "  start [--replace] UNIT...      submit and load if needed, and run",
                "  stop UNIT...                   stop; the unit stays on its machine (loaded)",
                "  unload UNIT...                 stop and take off its machine; stays submitted",
                "  restart UNIT...                stop, then start again",
                "  destroy UNIT...                stop, remove the container, forget the unit",
                "  cat UNIT                       the unit file as submitted",
                "  status UNIT...                 what each unit is doing and where",
                "  journal [-n N] [-f] UNIT       its container's or process's output",
                "  list-units                     --fields of unit,machine,active,sub,load,hash",
                "  list-unit-files                --fields of unit,hash,dstate,state,target,",
                "                                   tmachine,global,desc",
                "  list-machines                  --fields of machine,ip,metadata,api",
                "load, start, stop, unload and restart wait for the units' state: up to --wait,",
                "or --block-attempts N tries of 2 s (0: no limit), or not at all (--no-block);",
                "exit status 1 when a unit did not get there.",
                "etcd: --etcd, else $GANTRY_ETCD, else $ETCDCTL_ENDPOINTS, else", "  " + CtlCommand.DEFAULT_ETCD + ".",
                "Unit names may use braces: nginx@{1..3}.service, nginx@{1,2}.service."})
final class CtlCommand implements Callable<Integer> {

    static final String DEFAULT_ETCD = "http://127.0.0.1:2379";

    private static final List<String> COMMANDS = List.of("submit", "load", "start", "stop", "unload", "restart", "destroy", "cat",
            "status", "journal", "list-units", "list-unit-files", "list-machines");

    @Mixin
    EtcdOptions etcdOptions = new EtcdOptions(etcdEnvironment(System::getenv));

    @Option(names = "--prefix", paramLabel = "PREFIX", description = "The scheduler's etcd prefix (default /gantry/scheduler/).")
    String prefix = Keys.DEFAULT_PREFIX;

    @Option(names = "--wait", paramLabel = "DURATION", description = "How long commands wait for their units' state by default (10s).")
    Duration wait = Duration.ofSeconds(10);

    @Option(names = "--no-block", description = "Do not wait for the units' state (load, start, stop, unload).")
    boolean noBlock;

    @Option(names = "--block-attempts", paramLabel = "N", description = "Wait up to N tries of 2 s each for the units' state; 0: no limit.")
    Integer blockAttempts;

    @Option(names = "--replace", description = "submit, load, start: a changed file replaces the submitted unit (fleet's rules for its state).")
    boolean replace;

    @Option(names = "--fields", paramLabel = "F,F", description = "list-*: the columns, by fleetctl's field names.")
    String fields;

    @Option(names = "--no-legend", description = "list-*: no header line.")
    boolean noLegend;

    @Option(names = {"-l", "--full"}, description = "list-*: machine ids and hashes uncut.")
    boolean full;

    @Option(names = {"-n", "--lines"}, paramLabel = "N", description = "journal: how many of the last lines (default 10).")
    int lines = 10;

    @Option(names = {"-f", "--follow"}, description = "journal: then print what comes, until interrupted.")
    boolean follow;

    @Parameters(index = "0", paramLabel = "COMMAND", description = "See the list below.")
    String command;

    @Parameters(index = "1..*", paramLabel = "UNIT", description = "Unit names or files.")
    List<String> units = new ArrayList<>();

    /**
     * The environment as EtcdOptions reads it, with Gantry's own {@code GANTRY_ETCD} before etcdctl's
     * {@code ETCDCTL_ENDPOINTS} and fleetctl's local default last, so ctl works on a cluster machine with no flag.
     */
    static Function<String, String> etcdEnvironment(Function<String, String> env) {
        return name -> {
            if (!name.equals("ETCDCTL_ENDPOINTS")) {
                return env.apply(name);
            }
            String gantry = env.apply("GANTRY_ETCD");
            if (gantry != null && !gantry.isBlank()) {
                try {
                    EtcdSettings.parse(gantry.strip());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("GANTRY_ETCD: " + e.getMessage());
                }
                return gantry;
            }
            String etcdctl = env.apply(name);
            return etcdctl != null && !etcdctl.isBlank() ? etcdctl : DEFAULT_ETCD;
        };
    }

    @Override
    public Integer call() {
        // jetcd's retry warnings would only repeat the one-line error below.
        System.setProperty("org.slf4j.simpleLogger.log.io.etcd.jetcd", "error");
        if (!COMMANDS.contains(command)) {
            throw new IllegalArgumentException("unknown command '" + command + "' (" + String.join(", ", COMMANDS) + ")");
        }
        Block block = Block.of(noBlock, blockAttempts, wait);
        EtcdSettings etcd = etcdOptions.required();
        Keys keys = new Keys(prefix);
        List<String> failed = List.of();
        try (var client = etcd.newClient()) {
            Store store = new Store(client, keys);
            Ctl ctl = new Ctl(store, Path.of("").toAbsolutePath(), System.out, System.err);
            switch (command) {
                case "submit" -> ctl.submit(units, replace);
                case "load" -> failed = ctl.load(units, block, replace);
                case "start" -> failed = ctl.start(units, block, replace);
                case "stop" -> failed = ctl.stop(units, block);
                case "unload" -> failed = ctl.unload(units, block);
                case "restart" -> failed = ctl.restart(units, block);
                case "destroy" -> ctl.destroy(units);
                case "cat" -> ctl.cat(units);
                case "status" -> ctl.status(units);
                case "journal" -> ctl.journal(units, lines, follow);
                case "list-units" -> none(() -> ctl.listUnits(listing(Listings.UNITS_DEFAULT, "active,hash,load,machine,sub,unit")));
                case "list-unit-files" -> none(() -> ctl.listUnitFiles(listing(Listings.UNIT_FILES_DEFAULT,
                        "desc,dstate,global,hash,state,target,tmachine,unit")));
                case "list-machines" -> none(() -> ctl.listMachines(listing(Listings.MACHINES_DEFAULT, "api,ip,machine,metadata")));
                default -> throw new IllegalStateException(command);
            }
        } catch (Store.StoreException e) {
            throw new IllegalStateException("etcd " + etcd + ": " + e.getMessage().replaceFirst("^etcd: ", ""));
        }
        if (!failed.isEmpty()) {
            System.err.println("scheduler: " + String.join(", ", failed) + (failed.size() == 1 ? " did" : " did not all")
                    + " not get to the state asked for" + (block.limit() == null ? "" : " within " + block.limit().toSeconds() + " s"));
            return 1;
        }
        return 0;
    }

    private Listing listing(String defaults, String known) {
        return Listing.of(fields, defaults, List.of(known.split(",")), noLegend, full);
    }

    private void none(Runnable list) {
        if (!units.isEmpty()) {
            throw new IllegalArgumentException(command + " takes no units (got '" + units.get(0) + "')");
        }
        list.run();
    }
}
