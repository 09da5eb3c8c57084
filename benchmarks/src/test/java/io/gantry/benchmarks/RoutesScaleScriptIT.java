package io.gantry.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * benchmarks/load/routes-scale --small, the version bin/test runs: 100 services of 10 backends and 100
 * routes in a real etcd, the real proxy.jar started against them, every change routed, the memory
 * reported, nothing left running. Timing is checked loosely, an order of magnitude above the goals (3 s
 * to be ready, 50 ms a change), since this machine is shared; the figures belong to benchmarks/README.md.
 */
class RoutesScaleScriptIT {

    private static final Pattern READY = Pattern.compile("\nstartup: ready (\\d+) ms after the JVM started, ");
    private static final Pattern CHANGES = Pattern.compile("\nchanges: (route|backend): (\\d+) of (\\d+) routed, median ([\\d.]+) ms, max ([\\d.]+) ms");
    private static final Pattern MEMORY = Pattern.compile("\nmemory: heap after full GC [\\d.]+ MiB with the state, [\\d.]+ MiB without: "
            + "(-?[\\d.]+) MiB for it, (-?\\d+) B per backend key");

    @Test
    void aThousandBackendsAndAHundredRoutesAreReadAndEveryChangeIsRouted(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("report.txt");
        try (ChildProcess scale = LoadScript.run("routes-scale", dir, "--small", "--out", out.toString())) {
            assertEquals(0, scale.waitFor(Duration.ofSeconds(150)), scale.output());
            assertNothingLeftRunning(scale.output());
        }
        String report = Files.readString(out);
        System.out.print(report);
        assertTrue(report.contains("\nwrite: 1100 keys in "), report);

        Matcher ready = READY.matcher(report);
        assertTrue(ready.find(), "ready with its state, not after giving up waiting for it:\n" + report);
        assertTrue(Long.parseLong(ready.group(1)) < 30_000, report);
        assertTrue(report.contains(" ms of CPU by then; /metrics showed 100 routes and 1000 backends "), report);
        assertTrue(report.contains("\nstartup without routes or services: ready "), report);

        Matcher changes = CHANGES.matcher(report);
        for (String kind : List.of("route", "backend")) {
            assertTrue(changes.find(), report);
            assertEquals(kind, changes.group(1), report);
            assertEquals("10", changes.group(2), kind + " changes not all routed:\n" + report);
            assertTrue(Double.parseDouble(changes.group(5)) < 1_000, kind + " change slower than a second:\n" + report);
        }

        Matcher memory = MEMORY.matcher(report);
        assertTrue(memory.find(), report);
        long perKey = Long.parseLong(memory.group(2));
        assertTrue(perKey > 0 && perKey < 20_000, "the state's heap per backend key: " + perKey + " B\n" + report);
    }

    @Test
    void aBadCountIsNamedAndNothingStarts(@TempDir Path dir) {
        try (ChildProcess scale = LoadScript.run("routes-scale", dir, "--services", "many")) {
            assertEquals(2, scale.waitFor(Duration.ofSeconds(30)));
            assertTrue(scale.output().contains("--services must be a positive number, got 'many'"), scale.output());
            assertFalse(scale.output().contains("working in"), scale.output());
        }
    }

    private static void assertNothingLeftRunning(String output) {
        Matcher work = Pattern.compile("routes-scale: working in (\\S+)").matcher(output);
        assertTrue(work.find(), output);
        List<String> left = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(work.group(1)))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .toList();
        assertEquals(List.of(), left, "still running after routes-scale exited");
        assertFalse(Files.exists(Path.of(work.group(1))), "a passing run removes its work directory " + work.group(1));
    }
}
