package io.gantry.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * benchmarks/load/idle as issue 15 asks for it: 15,000 idle keep-alive clients held by the proxy, its
 * memory per connection next to nginx's and HAProxy's and at most 4 KiB, and a --max-connections of
 * 12,000 honoured with one log line while 15,000 clients come.
 */
class IdleScriptIT {

    /** target served open RSS0 RSS1 RSS-B/conn heap-B/conn B/conn */
    private static final Pattern ROW = Pattern.compile("^(proxy|nginx|haproxy)\\s+(\\d+)\\s+(\\d+)\\s+\\d+\\s+\\d+\\s+-?\\d+\\s+\\S+\\s+(-?\\d+)$");

    @Test
    void fifteenThousandIdleClientsCostTheProxyAtMostFourKibEachAndTheCapLogsOnce(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("report.txt");
        try (ChildProcess idle = LoadScript.run("idle", dir, "--connections", "15000", "--cap", "12000", "--warmup", "3s", "--out", out.toString())) {
            assertEquals(0, idle.waitFor(Duration.ofSeconds(400)), idle.output());
        }
        String report = Files.readString(out);
        System.out.print(report);
        Map<String, long[]> rows = new HashMap<>();
        for (String line : report.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                rows.put(m.group(1), new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), Long.parseLong(m.group(4))});
            }
        }
        assertEquals(3, rows.size(), report);
        assertEquals(15000, rows.get("proxy")[0], "every client served: " + report);
        assertEquals(15000, rows.get("proxy")[1], "and still connected: " + report);
        assertTrue(rows.get("proxy")[2] <= 4096, "at most 4 KiB per idle connection: " + report);
        assertTrue(report.contains("cap: --max-connections 12000, 15000 clients: 12000 served, 3000 closed on arrival, 1 log line(s)"),
                report);
    }

    @Test
    void aBadCountIsNamedAndNothingStarts(@TempDir Path dir) {
        try (ChildProcess idle = LoadScript.run("idle", dir, "--connections", "many")) {
            assertEquals(2, idle.waitFor(Duration.ofSeconds(30)));
            assertTrue(idle.output().contains("--connections must be a positive number, got 'many'"), idle.output());
        }
    }
}
