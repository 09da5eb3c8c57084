package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.common.cli.CommandLines;
import io.gantry.testing.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** The proxy's command line run in-process, for flags that must be refused before anything starts. */
final class ProxyFlags {

    private ProxyFlags() {
    }

    /** A free port on loopback, as {@code --listen} takes it. */
    static String loopbackPort() {
        return "127.0.0.1:" + FreePorts.pick();
    }

    /** Runs the proxy with {@code args}, asserts it exits with the usage status, and returns what it wrote to stderr. */
    static String refused(String... args) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(CommandLines.USAGE, CommandLines.execute("proxy", new ProxyMain(), args));
        } finally {
            System.setErr(err);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
