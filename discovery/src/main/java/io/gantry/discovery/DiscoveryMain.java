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
import io.gantry.common.ServiceKeys;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar discovery.jar}: health-check backends and keep their keys in etcd under a lease. */
@Command(name = "discovery", mixinStandardHelpOptions = true, version = "gantry discovery 0.1", sortOptions = false,
        description = {"Checks a backend (or every labelled container of this machine) and keeps its key in etcd while it is healthy.",
                "Keys live under a lease: if this process or its machine dies, they expire within --ttl.",
                "On SIGTERM or SIGINT it stops checking and marks its keys draining (the proxy sends them no new request "
                        + "while those in flight finish), waits --drain, then deletes them, revokes the lease and exits 0."},
        footer = {"", "Sidekick:    discovery --etcd URL --key /services/website/nginx@1 --target 10.0.0.5:80",
                "Registrator: discovery --etcd URL --docker --host-ip 10.0.0.5   (containers labelled gantry.service=<service>)",
                "Durations read like 500ms, 10s, 1m. Every flag can also be set in the --config file as 'name = value'."})
public final class DiscoveryMain implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(DiscoveryMain.class);
    /** Long enough for a typical request in flight to finish, short against systemd's 90 s stop timeout. */
    static final Duration DEFAULT_DRAIN = Duration.ofSeconds(5);

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

    @Option(names = "--drain", paramLabel = "DURATION", description = "On SIGTERM, how long keys stay marked draining before "
            + "they are deleted (default 5s; 0s deletes at once). The whole stop takes at most about --drain + 10s: "
            + "keep that under the service manager's stop timeout.")
    Duration drain = DEFAULT_DRAIN;

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
                started.close(); // a container stopping from now on is left to the drain
            }
            drainThenDelete(checker.stop(), registrar, drain);
            log.info("stopped");
        });
        return 0;
    }

    /**
     * The stop that loses no request: every key this process owns is rewritten, on its lease, as the
     * same backend marked draining, so the proxy sends it nothing new while the requests in flight
     * finish; after {@code drain} the keys are deleted and the lease revoked. Every etcd call is bounded
     * by the registrar: with etcd unreachable, this still returns within about {@code drain} + 10 s,
     * having logged what it could not do (the keys then expire with the lease).
     */
    private static void drainThenDelete(Map<String, String> owned, LeaseRegistrar registrar, Duration drain) {
        if (!drain.isZero() && !owned.isEmpty()) {
            for (Map.Entry<String, String> key : new TreeMap<>(owned).entrySet()) {
                registrar.put(key.getKey(), ServiceKeys.parseBackend(key.getKey(), key.getValue()).asDraining().toJson());
                log.info("draining {} for {}", key.getKey(), Durations.format(drain));
            }
            try {
                Thread.sleep(drain.toMillis()); // the drain itself: the proxy's time to finish what it sent
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        registrar.close();
    }

    /** etcd leases count whole seconds: round up, at least one. */
    private static Duration wholeSeconds(Duration d) {
        long seconds = Math.max(1, (d.toMillis() + 999) / 1000);
        return Duration.ofSeconds(seconds);
    }
}
