package io.gantry.discovery;

import io.gantry.common.Durations;
import io.gantry.common.EtcdSettings;
import io.gantry.common.HostPort;
import io.gantry.common.cli.CommandLines;
import io.gantry.common.cli.EtcdOptions;
import io.gantry.common.cli.Shutdown;
import io.gantry.discovery.check.HttpCheck;
import io.gantry.discovery.check.StatusRange;
import io.gantry.discovery.docker.ContainerTargets;
import io.gantry.common.LeaseRegistrar;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar discovery.jar}: health-check backends and keep their keys in etcd under a lease. */
@Command(name = "discovery", mixinStandardHelpOptions = true, version = "gantry discovery 0.1", sortOptions = false,
        description = {"Checks a backend (or every labelled container of this machine) and keeps its key in etcd while it is healthy.",
                "Keys live under a lease: if this process or its machine dies, they expire within --ttl."},
        footer = {"", "Sidekick:    discovery --etcd URL --key /services/website/nginx@1 --target 10.0.0.5:80",
                "Registrator: discovery --etcd URL --docker --host-ip 10.0.0.5   (containers labelled gantry.service=<service>)",
                "Durations read like 500ms, 10s, 1m. Every flag can also be set in the --config file as 'name = value'."})
public final class DiscoveryMain implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(DiscoveryMain.class);

    @Mixin
    EtcdOptions etcdOptions = new EtcdOptions();

    @Option(names = "--key", paramLabel = "KEY", description = "Sidekick mode: the key to keep, e.g. /services/website/nginx@1.")
    String key;

    @Option(names = "--target", paramLabel = "HOST:PORT", description = "Sidekick mode: the backend to check; also the key's value.")
    HostPort target;

    @Option(names = "--docker", paramLabel = "URL", arity = "0..1", fallbackValue = "unix:///var/run/docker.sock",
            description = "Registrator mode: register this Docker engine's labelled containers (default unix:///var/run/docker.sock).")
    String docker;

    @Option(names = "--label", paramLabel = "LABEL", description = "Registrator mode: the label naming a container's service (default gantry.service).")
    String label = "gantry.service";

    @Option(names = "--host-ip", paramLabel = "IP", description = "Registrator mode: the address to register for ports published on all interfaces.")
    String hostIp;

    @Option(names = "--interval", paramLabel = "DURATION", description = "Time between checks (default 10s).")
    Duration interval = Duration.ofSeconds(10);

    @Option(names = "--ttl", paramLabel = "DURATION", description = "Lease TTL, whole seconds (default 3 x interval, at least 1s).")
    Duration ttl;

    @Option(names = "--path", paramLabel = "PATH", description = "Path the check requests (default /).")
    String path = "/";

    @Option(names = "--expect", paramLabel = "RANGE", description = "Statuses that count as healthy (default 200-399).")
    String expect = "200-399";

    @Option(names = "--timeout", paramLabel = "DURATION", description = "How long one check may take (default 2s).")
    Duration timeout = Duration.ofSeconds(2);

    @Option(names = "--rise", paramLabel = "N", description = "Passing checks in a row that make a backend healthy (default 1).")
    int rise = 1;

    @Option(names = "--fall", paramLabel = "N", description = "Failing checks in a row that make it unhealthy (default 1).")
    int fall = 1;

    @Option(names = "--config", paramLabel = "FILE", description = "A config file of 'name = value' lines; flags win.")
    Path config;

    public static void main(String[] args) {
        System.exit(CommandLines.execute("discovery", new DiscoveryMain(), args));
    }

    @Override
    public Integer call() throws Exception {
        EtcdSettings etcd = etcdOptions.required();
        boolean sidekick = key != null || target != null;
        if (sidekick && docker != null) {
            throw new IllegalArgumentException("give either --key and --target (sidekick) or --docker (registrator), not both");
        }
        if (!sidekick && docker == null) {
            throw new IllegalArgumentException("nothing to do: give --key and --target, or --docker");
        }
        if (sidekick && (key == null || target == null)) {
            throw new IllegalArgumentException(key == null ? "--target needs --key" : "--key needs --target");
        }
        if (sidekick && (!key.startsWith("/") || key.endsWith("/"))) {
            throw new IllegalArgumentException("--key '" + key + "' must be a key like /services/website/nginx@1");
        }
        if (interval.toMillis() < 100) {
            throw new IllegalArgumentException("--interval must be at least 100ms");
        }
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("--rise and --fall must be at least 1");
        }
        StatusRange range;
        try {
            range = StatusRange.parse(expect);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--expect: " + e.getMessage());
        }
        Duration leaseTtl = wholeSeconds(ttl != null ? ttl : interval.multipliedBy(3));
        HttpCheck check = new HttpCheck(path, range, timeout);
        URI dockerHost = docker == null ? null : URI.create(docker);

        LeaseRegistrar registrar = new LeaseRegistrar(etcd, leaseTtl);
        Checker checker = new Checker(check, interval, rise, fall, registrar);
        registrar.start();
        ContainerTargets containers = null;
        if (sidekick) {
            checker.add(new Checker.Target(key, target));
        } else {
            containers = new ContainerTargets(dockerHost, label, hostIp, checker);
            containers.start();
        }
        log.info("discovery started: etcd {}, lease ttl {}, {}", etcd, Durations.format(leaseTtl),
                sidekick ? "sidekick for " + key : "registrator for " + docker + " containers labelled " + label);
        ContainerTargets started = containers;
        Shutdown.awaitSignalThen(() -> {
            if (started != null) {
                started.close();
            }
            checker.close();
            registrar.close();
            log.info("stopped");
        });
        return 0;
    }

    /** etcd leases count whole seconds: round up, at least one. */
    private static Duration wholeSeconds(Duration d) {
        long seconds = Math.max(1, (d.toMillis() + 999) / 1000);
        return Duration.ofSeconds(seconds);
    }
}
