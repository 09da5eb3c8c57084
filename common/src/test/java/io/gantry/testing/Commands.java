package io.gantry.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real client (curl, openssl, sslscan) to its end, with a deadline, and keeps what it printed. */
public final class Commands {

    /** How a command ended: its exit status and what it wrote to stdout and stderr together. */
    public record Result(int status, String output) {
        public boolean ok() {
            return status == 0;
        }
    }

    private Commands() {
    }

    /** Runs {@code command} with {@code input} on its stdin; fails the test when it outlives {@code timeout}. */
    public static Result run(Duration timeout, String input, List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                // it may not read its stdin at all
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> copy(p.getInputStream(), out), "read-" + command.get(0));
            reader.setDaemon(true);
            reader.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout.toMillis() + " ms:\n" + out);
            }
            reader.join(5000);
            return new Result(p.exitValue(), out.toString(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** {@link #run(Duration, String, List)} with nothing on stdin and 30 s to finish. */
    public static Result run(String... command) {
        return run(Duration.ofSeconds(30), "", List.of(command));
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException e) {
            // the process was killed
        }
    }
}
