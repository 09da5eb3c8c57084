package io.gantry.scheduler.run;

import io.gantry.scheduler.docker.DockerCommand;
import io.gantry.scheduler.docker.DockerEngine;
import io.gantry.scheduler.unit.Command;
import io.gantry.scheduler.unit.ServicePlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs units on this host: docker commands through the Docker Engine API, anything else as a child
 * process with the unit's environment, its output appended to {@code <logs>/<unit>.log}.
 */
public final class HostDriver implements Driver {

    private static final Logger log = LoggerFactory.getLogger(HostDriver.class);
    /** systemd's default TimeoutStartSec. */
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);

    private final DockerEngine docker;
    private final Path logs;

    public HostDriver(DockerEngine docker, Path logs) {
        this.docker = docker;
        this.logs = logs;
    }

    @Override
    public Outcome run(Command command, ServicePlan plan) {
        if (command.docker() != null) {
            DockerEngine.Result r = docker.run(command.docker(), Map.of(), COMMAND_TIMEOUT,
                    line -> log.info("{}: {}", plan.unit(), line));
            return new Outcome(r.ok(), r.detail());
        }
        try {
            Process p = process(command, plan);
            if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Outcome(false, "still running after " + COMMAND_TIMEOUT.toSeconds() + " s; killed");
            }
            return new Outcome(p.exitValue() == 0, "exited " + p.exitValue());
        } catch (IOException e) {
            return new Outcome(false, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted");
        }
    }

    @Override
    public Main running(ServicePlan plan, Map<String, String> labels) {
        if (!(plan.start().docker() instanceof DockerCommand.Run)) {
            return null; // a process does not outlive the agent that started it
        }
        for (DockerEngine.Listed c : docker.containersLabelled(MACHINE_LABEL, labels.get(MACHINE_LABEL))) {
            if (c.running() && plan.unit().equals(c.labels().get(UNIT_LABEL))) {
                return new ContainerMain(c.id(), c.name());
            }
        }
        return null;
    }

    @Override
    public Main start(ServicePlan plan, Map<String, String> labels) throws Exception {
        Command command = plan.start();
        if (command.docker() instanceof DockerCommand.Run run) {
            String id = docker.start(run, labels);
            return new ContainerMain(id, run.name() != null ? run.name() : id.substring(0, 12));
        }
        return new ProcessMain(process(command, plan), command);
    }

    @Override
    public Set<String> removeOthers(String machine, Set<String> units) {
        Set<String> removed = new LinkedHashSet<>();
        for (DockerEngine.Listed c : docker.containersLabelled(MACHINE_LABEL, machine)) {
            String unit = c.labels().get(UNIT_LABEL);
            if (unit != null && !units.contains(unit)) {
                docker.stop(c.id(), 10);
                docker.remove(c.id());
                removed.add(c.name());
            }
        }
        return removed;
    }

    @Override
    public boolean journal(String unit, String machine, int lines, boolean follow, LineSink sink) throws IOException {
        for (DockerEngine.Listed c : docker.containersLabelled(MACHINE_LABEL, machine)) {
            if (unit.equals(c.labels().get(UNIT_LABEL))) {
                docker.logs(c.id(), lines, follow, sink);
                return true;
            }
        }
        Path file = logs.resolve(unit + ".log");
        if (!Files.isRegularFile(file)) {
            return false;
        }
        new FileTail(file).copy(lines, follow, sink);
        return true;
    }

    private Process process(Command command, ServicePlan plan) throws IOException {
        Files.createDirectories(logs);
        ProcessBuilder pb = new ProcessBuilder(command.words());
        pb.environment().putAll(plan.environment());
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(plan.unit() + ".log").toFile()));
        return pb.start();
    }

    private final class ContainerMain implements Main {
        private final String id;
        private final String name;

        ContainerMain(String id, String name) {
            this.id = id;
            this.name = name;
        }

        @Override
        public boolean alive() {
            return docker.running(id);
        }

        @Override
        public void stop(Duration grace) {
            docker.stop(id, (int) Math.max(1, grace.toSeconds()));
        }

        @Override
        public void remove() {
            docker.remove(id);
        }

        @Override
        public String describe() {
            return "container " + name;
        }
    }

    private static final class ProcessMain implements Main {
        private final Process process;
        private final Command command;

        ProcessMain(Process process, Command command) {
            this.process = process;
            this.command = command;
        }

        @Override
        public boolean alive() {
            return process.isAlive();
        }

        @Override
        public void stop(Duration grace) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void remove() {
        }

        @Override
        public String describe() {
            return "process " + process.pid() + " (" + command.words().get(0) + ")";
        }
    }

    @Override
    public void close() {
        docker.close();
    }
}
