package io.gantry.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.cli.CommandLines;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

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
}
