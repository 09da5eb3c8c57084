package io.gantry.benchmarks;

import io.gantry.proxy.backend.Services;
import io.gantry.proxy.balance.Policy;
import io.gantry.proxy.route.RouteSettings;
import io.gantry.proxy.route.Routes;
import io.gantry.proxy.source.EtcdPrefixWatch;
import io.gantry.proxy.source.RouteTable;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Applying one route's etcd watch event among {@code routes} others, as the proxy's etcd source does:
 * the value is parsed, every route is resolved against its service's settings, a new
 * {@link io.gantry.proxy.route.RouteIndex} is built and published. The cost per change, not per
 * request; it grows with the number of routes, since the index is rebuilt whole.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouteChangeBenchmark {

    private static final String PREFIX = "/gantry/routes/";

    @Param({"1000"})
    int routes;

    private EtcdPrefixWatch.Listener keys;
    private Routes published;
    private int next;

    @Setup
    public void setUp() {
        System.setProperty("org.slf4j.simpleLogger.log.io.gantry.proxy.source.RouteTable", "warn");
        Services services = new Services();
        published = new Routes();
        RouteTable table = new RouteTable(services, published,
                new RouteSettings(false, Duration.ofSeconds(60), 2, 0L, Policy.Kind.ROUND_ROBIN, null, null, Duration.ZERO), null);
        keys = table.routesUnder(PREFIX);
        keys.clear();
        for (int r = 0; r < routes; r++) {
            keys.put(PREFIX + "route-" + r, "{\"host\":\"site" + r + ".example.com\",\"service\":\"svc-" + r % 100 + "\"}");
        }
        keys.batchDone();
    }

    /** One route changes its service: one watch event, one new index. */
    @Benchmark
    public int changeOneRoute() {
        int r = next++ % routes;
        keys.put(PREFIX + "route-" + r, "{\"host\":\"site" + r + ".example.com\",\"service\":\"svc-" + (r + next) % 100 + "\"}");
        keys.batchDone();
        return published.current().routes().size();
    }
}
