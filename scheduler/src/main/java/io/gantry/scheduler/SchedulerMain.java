package io.gantry.scheduler;

import io.gantry.common.cli.CommandLines;
import picocli.CommandLine.Command;

/** {@code java -jar scheduler.jar agent|ctl|simulate ...}: fleet's job on etcd and the Docker Engine API. */
@Command(name = "scheduler", mixinStandardHelpOptions = true, version = "gantry scheduler 0.1",
        subcommands = {AgentCommand.class, CtlCommand.class, SimulateCommand.class},
        description = {"Places systemd/fleet units on machines by their [X-Fleet] rules and runs them through the Docker Engine API.",
                "All state lives in etcd."},
        footer = {"", "One agent per machine:  scheduler agent --etcd URL --machine-id ID --ip 10.0.0.5 [--metadata region=us]",
                "Then, from anywhere:     scheduler ctl --etcd URL start nginx@{1..3}.service",
                "Durations read like 500ms, 10s, 1m."})
public final class SchedulerMain implements Runnable {

    public static void main(String[] args) {
        System.exit(CommandLines.execute("scheduler", new SchedulerMain(), args));
    }

    @Override
    public void run() {
        throw new IllegalArgumentException("give a command: agent, ctl or simulate (see --help)");
    }
}
