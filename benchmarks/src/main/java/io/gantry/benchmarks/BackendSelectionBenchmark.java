package io.gantry.benchmarks;

import io.gantry.common.HostPort;
import io.gantry.proxy.backend.Backend;
import io.gantry.proxy.backend.BackendGroup;
import io.gantry.proxy.backend.BackendSet;
import io.gantry.proxy.backend.Endpoint;
import io.gantry.proxy.backend.PassiveHealth;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Picking a backend, as every event loop does once per request: one shared atomic ticket. Run with
 * {@code -t} equal to the event loop count to see the cost under contention.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BackendSelectionBenchmark {

    @Param({"3", "1000"})
    int backends;

    private BackendGroup group;
    /** Every backend healthy, as in steady state: the check is one emptiness test. */
    private final PassiveHealth health = new PassiveHealth(1, Duration.ofSeconds(10));

    @Setup
    public void setUp() {
        List<Backend> list = new ArrayList<>();
        for (int i = 0; i < backends; i++) {
            list.add(Backend.of("/services/website/nginx@" + i, new HostPort("127.0.0.1", 10000 + i)));
        }
        group = new BackendGroup();
        group.update(BackendSet.of(list));
    }

    @Benchmark
    @Threads(1)
    public Endpoint oneEventLoop() {
        return group.selector().next(null, health);
    }

    @Benchmark
    @Threads(2)
    public Endpoint twoEventLoops() {
        return group.selector().next(null, health);
    }
}
