package io.gantry.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * benchmarks/load/soak for 60 seconds, the version bin/test runs: every kind of traffic gets through
 * while backends, their keys and etcd members die and come back, with no error the soak's rule does
 * not excuse, memory, threads and files flat, no leaked buffer, and nothing left running. The
 * 30-minute figures belong to benchmarks/README.md.
 */
class SoakScriptIT {

    private static final Pattern KIND_ROW = Pattern.compile("^(\\S+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)$");
    private static final List<String> KINDS = List.of("h1-keepalive-64B", "h1-keepalive-64KiB", "h1-close-64B", "h1-close-64KiB",
            "h1-upload-64KiB", "https-h1-64KiB", "h2-64B", "h2-64KiB", "h2-upload-60KiB", "ws", "wss");

    @Test
    void aMinuteOfMixedTrafficThroughChaosPasses(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("report.txt");
        try (ChildProcess soak = LoadScript.run("soak", dir, "--duration", "60s", "--out", out.toString())) {
            assertEquals(0, soak.waitFor(Duration.ofSeconds(150)), soak.output());
            assertNothingLeftRunning(soak.output());
        }
        String report = Files.readString(out);
        List<String> ran = new ArrayList<>();
        for (String line : report.split("\n")) {
            Matcher m = KIND_ROW.matcher(line);
            if (m.matches() && KINDS.contains(m.group(1))) {
                ran.add(m.group(1));
                assertTrue(Long.parseLong(m.group(3)) > 0, "no exchange of this kind succeeded: " + line + "\n" + report);
                assertEquals("0", m.group(5), "failures not excused: " + line + "\n" + report);
            }
        }
        assertEquals(KINDS, ran, report);
        for (String event : List.of("kill-backend=", "delete-key=", "put-key=", "kill-etcd=", "start-etcd=")) {
            assertTrue(report.matches("(?s).*\nchaos: \\{[^\n]*" + event + "[1-9].*"), "no " + event + " in:\n" + report);
        }
        for (String metric : List.of("heap_after_gc_MiB", "rss_MiB", "threads", "open_files")) {
            assertTrue(report.matches("(?s).*\n" + metric + " [^\n]* ok\n.*"), metric + " not flat:\n" + report);
        }
        assertTrue(report.contains("\nleaks: 0 LEAK: lines"), report);
        assertTrue(report.endsWith("soak: passed\n"), report);
    }

    private static void assertNothingLeftRunning(String output) {
        Matcher work = Pattern.compile("soak: working in (\\S+)").matcher(output);
        assertTrue(work.find(), output);
        List<String> left = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(work.group(1)))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .toList();
        assertEquals(List.of(), left, "still running after soak exited");
        assertTrue(!Files.exists(Path.of(work.group(1))), "a passing soak removes its work directory " + work.group(1));
    }

    @Test
    void aBadDurationIsNamedAndNothingStarts(@TempDir Path dir) {
        try (ChildProcess soak = LoadScript.run("soak", dir, "--duration", "ten")) {
            assertEquals(2, soak.waitFor(Duration.ofSeconds(30)));
            assertTrue(soak.output().contains("--duration must be like 60s or 30m, got 'ten'"), soak.output());
        }
    }
}
