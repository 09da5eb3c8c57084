package io.gantry.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.cli.CommandLines;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad command lines are refused in one line, with exit status 2, before anything starts. */
class DiscoveryMainTest {

    private String stderr;

    private int run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return CommandLines.execute("discovery", new DiscoveryMain(), args);
        } finally {
            System.setErr(saved);
            stderr = err.toString(StandardCharsets.UTF_8).strip();
        }
    }

    private void refused(String message, String... args) {
        assertEquals(2, run(args));
        assertEquals(1, stderr.lines().count(), stderr);
        assertTrue(stderr.contains(message), stderr);
    }

    @Test
    void etcdIsRequired() {
        refused("--etcd URL is required", "--key", "/services/website/a", "--target", "127.0.0.1:80");
    }

    @Test
    void aModeIsRequiredAndOnlyOne() {
        refused("nothing to do", "--etcd", "http://127.0.0.1:2379");
        refused("not both", "--etcd", "http://127.0.0.1:2379", "--key", "/s/w/a", "--target", "127.0.0.1:80", "--docker");
        refused("--key needs --target", "--etcd", "http://127.0.0.1:2379", "--key", "/s/w/a");
    }

    @Test
    void badValuesNameTheirFlag() {
        refused("--expect: '2xx' is not a status range", "--etcd", "http://127.0.0.1:2379", "--key", "/s/w/a", "--target",
                "127.0.0.1:80", "--expect", "2xx");
        refused("'--interval'", "--etcd", "http://127.0.0.1:2379", "--interval", "ten");
        refused("--key 'nginx@1' must be a key", "--etcd", "http://127.0.0.1:2379", "--key", "nginx@1", "--target", "127.0.0.1:80");
        refused("'--target'", "--etcd", "http://127.0.0.1:2379", "--key", "/s/w/a", "--target", "localhost");
    }

    @Test
    void drainMustBeADurationAndNotNegative() {
        String[] sidekick = {"--etcd", "http://127.0.0.1:2379", "--key", "/s/w/a", "--target", "127.0.0.1:80"};
        refused("'--drain': '-1s' is not a duration", with(sidekick, "--drain", "-1s"));
        refused("'--drain': '-1s' is not a duration", with(sidekick, "--drain=-1s"));
        refused("'--drain': 'soon' is not a duration", with(sidekick, "--drain", "soon"));
        refused("'--drain': '1.5s' is not a duration", with(sidekick, "--drain", "1.5s"));
    }

    @Test
    void drainDefaultsToFiveSecondsAndZeroIsAccepted() {
        assertEquals(Duration.ofSeconds(5), new DiscoveryMain().drain);
        // Parsed: what is refused is the missing mode, not the 0s.
        refused("nothing to do", "--etcd", "http://127.0.0.1:2379", "--drain", "0s");
    }

    @Test
    void drainInAConfigFileNamesItsLine(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("discovery.conf"), "interval = 1s\ndrain = -1s\n");
        refused("line 2: drain: '-1s' is not a duration", "--config", config.toString(), "--etcd", "http://127.0.0.1:2379");
    }

    private static String[] with(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }
}
