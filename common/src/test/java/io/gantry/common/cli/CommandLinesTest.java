package io.gantry.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.HostPort;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class CommandLinesTest {

    @Command(name = "demo")
    static final class Demo implements Callable<Integer> {
        @Option(names = "--listen") HostPort listen;
        @Option(names = "--interval") Duration interval;
        @Option(names = "--backend", split = ",") List<HostPort> backends;
        @Option(names = "--config") Path config;

        @Override
        public Integer call() {
            return 0;
        }
    }

    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Demo demo, String... args) {
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return CommandLines.execute("demo", demo, args);
        } finally {
            System.setErr(saved);
        }
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void unknownFlagIsOneLineNamingItWithExitTwo() {
        assertEquals(2, run(new Demo(), "--bogus"));
        assertTrue(stderr().startsWith("demo: unknown option '--bogus'"), stderr());
        assertEquals(1, stderr().strip().lines().count(), stderr());
    }

    @Test
    void misspelledFlagGetsASuggestion() {
        assertEquals(2, run(new Demo(), "--listne", "127.0.0.1:80"));
        assertTrue(stderr().contains("unknown option '--listne'; did you mean --listen?"), stderr());
    }

    @Test
    void badValueNamesTheFlagAndTheValue() {
        assertEquals(2, run(new Demo(), "--listen", "nowhere"));
        assertTrue(stderr().contains("--listen") && stderr().contains("'nowhere' is not host:port"), stderr());
    }

    @Test
    void configFileSuppliesDefaultsAndFlagsWin() throws Exception {
        Path file = Files.writeString(dir.resolve("demo.conf"), """
                # comment
                listen = 127.0.0.1:80
                interval = 5s
                backend = 10.0.0.1:80
                backend = 10.0.0.2:80
                """);
        Demo demo = new Demo();
        assertEquals(0, run(demo, "--config", file.toString(), "--listen", "127.0.0.1:81"), stderr());
        assertEquals(new HostPort("127.0.0.1", 81), demo.listen);
        assertEquals(Duration.ofSeconds(5), demo.interval);
        assertEquals(List.of(HostPort.parse("10.0.0.1:80"), HostPort.parse("10.0.0.2:80")), demo.backends);
    }

    @Test
    void configFileErrorsNameTheLine() throws Exception {
        Path unknown = Files.writeString(dir.resolve("a.conf"), "listen = 127.0.0.1:80\nlisten-port = 80\n");
        assertEquals(2, run(new Demo(), "--config", unknown.toString()));
        assertTrue(stderr().contains("line 2: unknown setting 'listen-port'"), stderr());

        Path badValue = Files.writeString(dir.resolve("b.conf"), "\ninterval = soon\n");
        assertEquals(2, run(new Demo(), "--config", badValue.toString()));
        assertTrue(stderr().contains("line 2: interval: 'soon' is not a duration"), stderr());

        Path garbage = Files.writeString(dir.resolve("c.conf"), "listen 127.0.0.1:80\n");
        assertEquals(2, run(new Demo(), "--config", garbage.toString()));
        assertTrue(stderr().contains("line 1: expected 'name = value'"), stderr());

        assertEquals(2, run(new Demo(), "--config", dir.resolve("missing.conf").toString()));
        assertTrue(stderr().contains("missing.conf: cannot read"), stderr());
    }
}
