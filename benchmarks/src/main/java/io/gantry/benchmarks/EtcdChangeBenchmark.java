package io.gantry.benchmarks;

import io.gantry.proxy.backend.BackendGroup;
import io.gantry.proxy.source.BackendTable;
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
 * Applying one etcd watch event to a pool of backends, as the proxy's etcd source does: the key-value
 * table takes the put or delete, a new immutable set is built, compared with the live one, and swapped
 * in for the request path (with the added/removed log lines). The cost per change, not per request.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EtcdChangeBenchmark {

    @Param({"1000"})
    int backends;

    private BackendTable table;
    private BackendGroup group;
    private int next;

    @Setup
    public void setUp() {
        System.setProperty("org.slf4j.simpleLogger.log.io.gantry.proxy.backend.BackendGroup", "warn");
        table = new BackendTable();
        for (int i = 0; i < backends; i++) {
            table.put(key(i), "127.0.0.1:" + (10000 + i));
        }
        group = new BackendGroup();
        group.update(table.snapshot());
    }

    private static String key(int i) {
        return "/services/website/nginx@" + i;
    }

    /** A backend leaves and comes back: two watch events, two new sets. */
    @Benchmark
    public int deleteThenPut() {
        int i = next++ % backends;
        table.delete(key(i));
        publish();
        table.put(key(i), "127.0.0.1:" + (10000 + i));
        publish();
        return group.current().size();
    }

    private void publish() {
        var set = table.snapshot();
        if (!set.sameAs(group.current())) {
            group.update(set);
        }
    }
}
