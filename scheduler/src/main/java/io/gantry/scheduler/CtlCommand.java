package io.gantry.scheduler;

import io.gantry.common.EtcdSettings;
import io.gantry.scheduler.ctl.Ctl;
import io.gantry.scheduler.state.Keys;
import io.gantry.scheduler.state.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import io.gantry.common.cli.EtcdOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code scheduler ctl}: fleetctl's commands. */
@Command(name = "ctl", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Submits, starts, stops and lists units, like fleetctl.",
        footer = {"", "Commands:",
                "  submit UNIT...           store units (a name's file is read from the working directory)",
                "  start UNIT...            submit if needed and run; instances come from their template file",
                "  stop UNIT...             stop; the unit stays on its machine",
                "  destroy UNIT...          stop, remove the container and forget the unit",
                "  status UNIT...           what each unit is doing and where",
                "  list-units               UNIT MACHINE ACTIVE SUB",
                "  list-unit-files          UNIT HASH DSTATE STATE TARGET",
                "  list-machines            MACHINE IP METADATA",
                "Unit names may use braces: nginx@{1..3}.service, nginx@{1,2}.service."})
final class CtlCommand implements Callable<Integer> {

    private static final List<String> COMMANDS = List.of("submit", "start", "stop", "destroy", "status", "list-units",
            "list-unit-files", "list-machines");

    @Mixin
    EtcdOptions etcdOptions = new EtcdOptions();

    @Option(names = "--prefix", paramLabel = "PREFIX", description = "The scheduler's etcd prefix (default /gantry/scheduler/).")
    String prefix = Keys.DEFAULT_PREFIX;

    @Option(names = "--wait", paramLabel = "DURATION", description = "How long start waits to say where each unit went (default 10s).")
    Duration wait = Duration.ofSeconds(10);

    @Parameters(index = "0", paramLabel = "COMMAND", description = "See the list below.")
    String command;

    @Parameters(index = "1..*", paramLabel = "UNIT", description = "Unit names or files.")
    List<String> units = new ArrayList<>();

    @Override
    public Integer call() {
        // jetcd's retry warnings would only repeat the one-line error below.
        System.setProperty("org.slf4j.simpleLogger.log.io.etcd.jetcd", "error");
        if (!COMMANDS.contains(command)) {
            throw new IllegalArgumentException("unknown command '" + command + "' (" + String.join(", ", COMMANDS) + ")");
        }
        EtcdSettings etcd = etcdOptions.required();
        Keys keys = new Keys(prefix);
        try (var client = etcd.newClient()) {
            Ctl ctl = new Ctl(new Store(client, keys), Path.of("").toAbsolutePath(), System.out);
            switch (command) {
                case "submit" -> ctl.submit(units);
                case "start" -> ctl.start(units, wait);
                case "stop" -> ctl.stop(units);
                case "destroy" -> ctl.destroy(units);
                case "status" -> ctl.status(units);
                case "list-units" -> none(ctl::listUnits);
                case "list-unit-files" -> none(ctl::listUnitFiles);
                case "list-machines" -> none(ctl::listMachines);
                default -> throw new IllegalStateException(command);
            }
        } catch (Store.StoreException e) {
            throw new IllegalStateException("etcd " + etcd + ": " + e.getMessage().replaceFirst("^etcd: ", ""));
        }
        return 0;
    }

    private void none(Runnable list) {
        if (!units.isEmpty()) {
            throw new IllegalArgumentException(command + " takes no units (got '" + units.get(0) + "')");
        }
        list.run();
    }
}
