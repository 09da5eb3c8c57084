package io.gantry.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * benchmarks/load/compare end to end, briefly: it starts the backends, nginx, HAProxy, etcd and the
 * proxy, loads each with wrk, in cleartext and over TLS, and with h2load over HTTP/2, prints a row per
 * workload and target and the ratios, and leaves nothing running. Its figures are not checked here: they belong to
 * benchmarks/README.md.
 */
class CompareScriptIT {

    private static final Pattern ROW = Pattern.compile(
            "^(\\S+)\\s+(proxy|nginx|haproxy|direct)\\s+(\\d+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+(\\d+)\\s+(\\d+)$");

    @Test
    void reportsEveryTargetForEveryWorkloadAndTheRatios(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("report.txt");
        try (ChildProcess compare = LoadScript.run("compare", dir, "--duration", "1s", "--rounds", "1", "--warmup", "1s",
                "--workloads", "keepalive-64B,close-64KiB,close-64B-tls", "--targets", "proxy,nginx,haproxy,direct",
                "--out", out.toString())) {
            assertEquals(0, compare.waitFor(Duration.ofMinutes(3)), compare.output());
            assertNothingLeftRunning(compare.output());
            assertTrue(compare.output().matches("(?s).*compare: close-64B-tls: [1-9]\\d* connections in 1 s, 0 of them resumed.*"),
                    "close-64B-tls must make a full handshake per request:\n" + compare.output());
            for (String target : List.of("proxy", "nginx", "haproxy")) {
                assertTrue(compare.output().contains("compare: TLS with " + target + ": TLSv1.3 "), compare.output());
            }
        }
        List<String> lines = Files.readAllLines(out);
        int rows = 0;
        for (String line : lines) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                rows++;
                assertTrue(Long.parseLong(m.group(3)) > 0, "no requests/s in: " + line);
                assertEquals("0", m.group(7), "errors in: " + line);
            }
        }
        assertEquals(11, rows, String.join("\n", lines)); // direct is cleartext only: no close-64B-tls row
        assertTrue(lines.stream().noneMatch(l -> l.matches("^close-64B-tls\\s+direct\\s.*")), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.matches("^keepalive-64B\\s+nginx\\s+[\\d.]+\\s+[\\d.]+$")),
                String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.matches("^close-64KiB\\s+haproxy\\s+[\\d.]+\\s+[\\d.]+$")),
                String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.matches("^close-64B-tls\\s+nginx\\s+[\\d.]+\\s+[\\d.]+$")),
                String.join("\n", lines));
    }

    @Test
    void withRoutesForOtherHostsTheLoadStillTakesTheCatchAll(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("report.txt");
        try (ChildProcess compare = LoadScript.run("compare", dir, "--duration", "1s", "--rounds", "1", "--warmup", "1s",
                "--workloads", "keepalive-64B", "--targets", "proxy", "--routes", "20", "--out", out.toString())) {
            assertEquals(0, compare.waitFor(Duration.ofMinutes(3)), compare.output());
            assertNothingLeftRunning(compare.output());
            assertTrue(compare.output().contains("compare: the proxy has 21 routes: 20 for other hosts"), compare.output());
        }
        List<String> lines = Files.readAllLines(out);
        String report = String.join("\n", lines);
        assertTrue(lines.get(0).contains(", the proxy with 20 routes for other hosts"), report);
        Matcher m = lines.stream().map(ROW::matcher).filter(Matcher::matches).findFirst()
                .orElseThrow(() -> new AssertionError("no row:\n" + report));
        assertEquals("proxy", m.group(2), report);
        assertTrue(Long.parseLong(m.group(3)) > 0, "no requests/s in: " + m.group());
        assertEquals("0", m.group(7), "errors in: " + m.group());
    }

    @Test
    void h2RunsAgainstTheProxyNginxAndHaproxyOverAlpnH2(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("report.txt");
        try (ChildProcess compare = LoadScript.run("compare", dir, "--duration", "1s", "--rounds", "1", "--warmup", "1s",
                "--workloads", "h2-64B", "--targets", "proxy,nginx,haproxy,direct", "--out", out.toString())) {
            assertEquals(0, compare.waitFor(Duration.ofMinutes(3)), compare.output());
            assertNothingLeftRunning(compare.output());
            for (String target : List.of("proxy", "nginx", "haproxy")) {
                assertTrue(compare.output().contains("compare: h2 with " + target + ": ALPN h2"), compare.output());
            }
            assertTrue(compare.output().contains("compare: direct: the backends speak cleartext HTTP/1.1 only"), compare.output());
        }
        List<String> lines = Files.readAllLines(out);
        String report = String.join("\n", lines);
        for (String target : List.of("proxy", "nginx", "haproxy")) {
            Matcher m = lines.stream().map(ROW::matcher).filter(r -> r.matches() && r.group(2).equals(target))
                    .findFirst().orElseThrow(() -> new AssertionError("no h2-64B row for " + target + ":\n" + report));
            assertEquals("h2-64B", m.group(1), report);
            assertTrue(Long.parseLong(m.group(3)) > 0, "no requests/s in: " + m.group());
            assertEquals("0", m.group(7), "errors in: " + m.group());
        }
        assertTrue(lines.stream().anyMatch(l -> l.matches("^h2-64B\\s+nginx\\s+[\\d.]+\\s+[\\d.]+$")), report);
        assertTrue(lines.stream().noneMatch(l -> l.matches("^h2-64B\\s+direct\\s.*")), report);
    }

    private static void assertNothingLeftRunning(String output) {
        Matcher work = Pattern.compile("compare: working in (\\S+)").matcher(output);
        assertTrue(work.find(), output);
        List<String> left = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(work.group(1)))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .toList();
        assertEquals(List.of(), left, "still running after compare exited");
    }

    @Test
    void aBadFlagIsNamedAndNothingStarts(@TempDir Path dir) {
        try (ChildProcess compare = LoadScript.run("compare", dir, "--rounds", "zero")) {
            assertEquals(2, compare.waitFor(Duration.ofSeconds(30)));
            assertTrue(compare.output().contains("--rounds must be a positive number, got 'zero'"), compare.output());
        }
    }
}
