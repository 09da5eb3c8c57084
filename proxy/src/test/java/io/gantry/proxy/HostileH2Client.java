package io.gantry.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The hostile HTTP/2 clients of {@code src/test/python/h2_hostile.py}, one process an attack, run with
 * Debian's python3 and its python3-h2 (which {@code bin/test} installs). A process prints JSON lines:
 * events while it runs ({@code {"event": {...}}}) and a verdict at the end ({@code {"verdict": {...}}});
 * one that holds (a bystander, a zero-window client) lets go when its stdin closes.
 */
final class HostileH2Client {

    static final Path SCRIPT = Path.of("src/test/python/h2_hostile.py");
    static final String PYTHON = "/usr/bin/python3";
    private static final ObjectMapper JSON = new ObjectMapper();

    private HostileH2Client() {
    }

    /** What a client saw, as the script reports it; {@link #toString} is the JSON, for assertion messages. */
    record Verdict(JsonNode json) {
        JsonNode get(String field) {
            return json.path(field);
        }

        /** The GOAWAY's error code, or null when none came. */
        String goaway() {
            JsonNode g = json.path("goaway");
            return g.isObject() ? g.path("code").asText() : null;
        }

        /** The connection ended: EOF or a TCP reset. */
        boolean closed() {
            return json.path("closed").asBoolean();
        }

        /** The server stopped reading: a write took nothing for two seconds. */
        boolean stalled() {
            return json.path("stalled").asBoolean();
        }

        /** RST_STREAM frames the client got with {@code code}. */
        int resets(String code) {
            return json.path("resets").path(code).asInt(0);
        }

        @Override
        public String toString() {
            return json.toString();
        }
    }

    /** A client process: its events as they come, its verdict at its end. */
    static final class Running implements AutoCloseable {
        private final String what;
        private final Process process;
        private final BlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();
        private final List<String> output = new ArrayList<>();

        private Running(String what, Process process) {
            this.what = what;
            this.process = process;
            Thread reader = new Thread(this::read, "h2-hostile-" + what);
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (output) {
                        output.add(line);
                    }
                    if (line.startsWith("{")) {
                        try {
                            lines.add(JSON.readTree(line));
                        } catch (IOException e) {
                            // kept in output for the failure message
                        }
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
        }

        /** The next event that carries {@code key}, within {@code timeout}; events before it are skipped. */
        JsonNode awaitEvent(String key, Duration timeout) {
            JsonNode line = next(timeout, "an event '" + key + "'", l -> l.path("event").has(key));
            return line.path("event").path(key);
        }

        /** Like {@link #awaitEvent}, skipping every event printed so far: the next one from now on. */
        JsonNode awaitNextEvent(String key, Duration timeout) {
            lines.removeIf(l -> !l.has("verdict"));
            return awaitEvent(key, timeout);
        }

        /** The verdict, once the client has come to its end by itself. */
        Verdict verdict(Duration timeout) {
            Verdict v = new Verdict(next(timeout, "its verdict", l -> l.has("verdict")).path("verdict"));
            waitForExit();
            return v;
        }

        /** Lets a holding client go (its stdin closes) and returns its verdict. */
        Verdict finish(Duration timeout) {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                // it has exited already; its verdict is in the queue
            }
            return verdict(timeout);
        }

        private JsonNode next(Duration timeout, String what, java.util.function.Predicate<JsonNode> wanted) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                JsonNode line;
                try {
                    line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
                if (line == null) {
                    throw new AssertionError(this.what + ": no " + what + " within " + timeout.toMillis() + " ms"
                            + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")") + "; it printed:\n" + output());
                }
                if (wanted.test(line)) {
                    return line;
                }
            }
        }

        private void waitForExit() {
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        String output() {
            synchronized (output) {
                return String.join("\n", output);
            }
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    /** Starts {@code h2_hostile.py --port PORT ARGS...}. */
    static Running start(int port, String... args) {
        if (!Files.isRegularFile(SCRIPT)) {
            throw new AssertionError(SCRIPT.toAbsolutePath() + " is missing (tests run from the proxy module's directory)");
        }
        List<String> command = new ArrayList<>(List.of(PYTHON, SCRIPT.toString(), "--port", String.valueOf(port)));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            return new Running(args[0], p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + PYTHON + " (bin/test installs python3-h2): " + e.getMessage(), e);
        }
    }

    /** Runs one client to its end and returns its verdict; fails when it takes longer than {@code timeout}. */
    static Verdict run(int port, Duration timeout, String... args) {
        try (Running r = start(port, args)) {
            return r.verdict(timeout);
        }
    }
}
