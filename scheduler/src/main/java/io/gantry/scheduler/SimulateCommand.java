package io.gantry.scheduler;

import io.gantry.common.EtcdSettings;
import java.time.Duration;
import java.util.concurrent.Callable;
import io.gantry.common.cli.EtcdOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code scheduler simulate}: many agents that run nothing, to see placement at scale. */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs --machines agents in this JVM with a driver that runs nothing, starts --units units, and reports how long until all are active.")
final class SimulateCommand implements Callable<Integer> {

    @Mixin
    EtcdOptions etcdOptions = new EtcdOptions();

    @Option(names = "--machines", paramLabel = "N", description = "Agents to run (default 100).")
    int machines = 100;

    @Option(names = "--units", paramLabel = "N", description = "Units to start (default 1000).")
    int units = 1000;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Give up after this long (default 2m).")
    Duration timeout = Duration.ofMinutes(2);

    @Override
    public Integer call() throws Exception {
        if (machines < 1 || units < 1) {
            throw new IllegalArgumentException("--machines and --units must be at least 1");
        }
        EtcdSettings etcd = etcdOptions.required();
        try (var client = etcd.newClient()) {
            Simulation.Report report = Simulation.run(client, etcd.toString(), machines, units, timeout);
            System.out.println(report);
            return report.complete() ? 0 : 1;
        }
    }
}
