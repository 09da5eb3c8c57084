package io.gantry.benchmarks;

import io.gantry.common.HostPort;
import io.gantry.proxy.backend.Backend;
import io.gantry.proxy.backend.Endpoint;
import io.gantry.proxy.backend.PassiveHealth;
import io.gantry.proxy.balance.Balancer;
import io.gantry.proxy.balance.HashKey;
import io.gantry.proxy.balance.Policy;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import io.gantry.proxy.backend.BackendGroup;
import io.gantry.proxy.backend.BackendSet;
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
 * Picking a backend, as every event loop does once per request, by each policy: round-robin's one shared
 * atomic ticket, least request's two random draws and their in-flight counts, Maglev's hash of a header.
 * The two-thread variants show the cost under contention, as with two event loops.
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

    @Param({"round_robin", "least_request", "hash"})
    String policy;

    private Balancer balancer;
    private final PassiveHealth health = new PassiveHealth(1, Duration.ofSeconds(10));
    private final HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");

    @Setup
    public void setUp() {
        List<Backend> list = new ArrayList<>();
        for (int i = 0; i < backends; i++) {
            list.add(Backend.of("/services/website/nginx@" + i, new HostPort("127.0.0.1", 10000 + i)));
        }
        BackendGroup group = new BackendGroup();
        group.update(BackendSet.of(list));
        Policy.Kind kind = Policy.Kind.named(policy);
        balancer = group.balancer(new Policy(kind, kind == Policy.Kind.HASH ? HashKey.parse("header:x-user") : null, null,
                Duration.ZERO));
        request.headers().set("x-user", "user-4711");
    }

    @Benchmark
    @Threads(1)
    public Endpoint oneEventLoop() {
        return balancer.pick(request, "127.0.0.1", null, health);
    }

    @Benchmark
    @Threads(2)
    public Endpoint twoEventLoops() {
        return balancer.pick(request, "127.0.0.1", null, health);
    }
}
