package io.gantry.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Every benchmark runs and measures something: one short iteration each, in this JVM. The numbers
 * mean nothing here; a benchmark that throws, hangs or stops compiling is caught before anyone
 * waits minutes for benchmarks.jar to fail.
 */
class BenchmarksRunTest {

    @Test
    void everyBenchmarkRunsOneShortIteration() throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include("io\\.gantry\\.benchmarks\\..*")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(200))
                .shouldFailOnError(true)
                .build()).run();
        // selection: 2 x 2 set sizes x 3 policies; etcd change: 1; forwarding: 2 x 2 sizes x 2 transports; request head: 1;
        // HTTP/2 forwarding: 1; route matching: 3 mixes x 4 kinds of request; route change: 1
        assertEquals(36, results.size());
        for (RunResult r : results) {
            double score = r.getPrimaryResult().getScore();
            assertTrue(score > 0 && Double.isFinite(score), r.getParams().getBenchmark() + " scored " + score);
        }
    }
}
