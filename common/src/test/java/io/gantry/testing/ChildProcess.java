package io.gantry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A program a test starts, with its output in a log file, stopped with its children after. */
public final class ChildProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} with stdout and stderr appended to {@code log}. */
    public static ChildProcess start(String name, List<String> command, Path log) {
        return start(name, command, log, java.util.Map.of());
    }

    /** Runs {@code jar} as users run it, with this JVM's java: {@code java JVM_ARGS -jar JAR ARGS}. */
    public static ChildProcess jar(String name, Path jar, List<String> jvmArgs, List<String> args, Path log) {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(jar.toAbsolutePath().toString());
        cmd.addAll(args);
        return start(name, cmd, log);
    }

    /** Like {@link #start(String, List, Path)}, with {@code environment} added to this process's. */
    public static ChildProcess start(String name, List<String> command, Path log, java.util.Map<String, String> environment) {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().putAll(environment);
            Process p = pb
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            return new ChildProcess(name, p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
        }
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** What the program printed so far. */
    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Sends SIGTERM and waits for the exit status. */
    public int terminate(Duration timeout) {
        process.destroy();
        return waitFor(timeout);
    }

    /** Sends SIGKILL to the process and its children and waits until it is gone. */
    public void kill() {
        // Parent first: a supervisor such as nginx's master would respawn a child killed before it, and
        // that child would outlive it. The children are listed while they are still its descendants.
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(10));
        for (ProcessHandle child : children) {
            child.destroyForcibly();
            try {
                child.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError(name + ": child " + child.pid() + " did not exit after SIGKILL", e);
            }
        }
    }

    /** Waits for the exit status, failing the test after {@code timeout}. */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " did not exit within " + timeout.toMillis() + " ms; output:\n" + output());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
            }
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
