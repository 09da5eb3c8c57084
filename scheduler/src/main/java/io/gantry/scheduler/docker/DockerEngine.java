package io.gantry.scheduler.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import io.gantry.common.DockerClients;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Carries out {@link DockerCommand}s through the Docker Engine API (docker-java), as the Docker CLI
 * would: {@code run} creates and starts, {@code exec} runs to completion and reports its exit code.
 * Failures come back as {@link Result}s with the engine's message, never as exceptions.
 */
public final class DockerEngine implements AutoCloseable {

    /** What a command did: exit status 0 is success; {@code detail} says what happened. */
    public record Result(int status, String detail) {
        public boolean ok() {
            return status == 0;
        }
    }

    private final DockerClient docker;
    private final URI host;

    public DockerEngine(URI host) {
        this.host = host;
        docker = DockerClients.connect(host, Duration.ofSeconds(90));
    }

    /** True when the engine answers a ping. */
    public boolean reachable() {
        try {
            docker.pingCmd().exec();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Runs {@code command} to its end, the way a unit's ExecStartPre/Post/Stop line does. A foreground
     * {@code run} waits for its container to exit; {@code labels} are added to containers it creates.
     */
    public Result run(DockerCommand command, Map<String, String> labels, Duration timeout, Consumer<String> output) {
        try {
            if (command instanceof DockerCommand.Run r) {
                String id = create(r, labels);
                docker.startContainerCmd(id).exec();
                if (r.detach()) {
                    return new Result(0, "started " + shortId(id));
                }
                int status = docker.waitContainerCmd(id).start().awaitStatusCode(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return new Result(status, "exited " + status);
            } else if (command instanceof DockerCommand.Kill k) {
                String signal = k.signal() == null ? "KILL" : k.signal();
                return each(k.names(), n -> docker.killContainerCmd(n).withSignal(signal).exec());
            } else if (command instanceof DockerCommand.Remove rm) {
                return each(rm.names(), n -> docker.removeContainerCmd(n).withForce(rm.force()).withRemoveVolumes(rm.volumes()).exec());
            } else if (command instanceof DockerCommand.Stop s) {
                return each(s.names(), n -> stop(n, s.timeoutSeconds() == null ? 10 : s.timeoutSeconds()));
            } else if (command instanceof DockerCommand.Exec e) {
                return exec(e, timeout, output);
            } else {
                DockerCommand.Pull p = (DockerCommand.Pull) command;
                docker.pullImageCmd(p.image()).start().awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return new Result(0, "pulled " + p.image());
            }
        } catch (DockerException e) {
            return new Result(1, message(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(1, "interrupted");
        } catch (RuntimeException e) {
            return new Result(1, String.valueOf(e.getMessage()));
        }
    }

    /** Creates and starts the container of a unit's main {@code run}; returns its id. */
    public String start(DockerCommand.Run run, Map<String, String> labels) {
        String id = create(run, labels);
        docker.startContainerCmd(id).exec();
        return id;
    }

    /** True while container {@code id} exists and runs. */
    public boolean running(String id) {
        try {
            InspectContainerResponse c = docker.inspectContainerCmd(id).exec();
            return Boolean.TRUE.equals(c.getState().getRunning());
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** Stops container {@code id} (SIGTERM, then SIGKILL after {@code seconds}); gone or stopped is fine. */
    public void stop(String id, int seconds) {
        try {
            docker.stopContainerCmd(id).withTimeout(seconds).exec();
        } catch (NotModifiedException | NotFoundException e) {
            // already stopped, or gone
        }
    }

    /** Removes container {@code id} by force; gone is fine. */
    public void remove(String id) {
        try {
            docker.removeContainerCmd(id).withForce(true).exec();
        } catch (NotFoundException e) {
            // gone
        }
    }

    /** A container as the list shows it: enough to tell whose it is and whether it runs, without inspecting it. */
    public record Listed(String id, String name, Map<String, String> labels, boolean running) {
    }

    /** The containers (running or not) carrying label {@code key=value}, in one list call. */
    public List<Listed> containersLabelled(String key, String value) {
        List<Listed> out = new ArrayList<>();
        for (Container c : docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(key, value)).exec()) {
            String name = c.getNames() == null || c.getNames().length == 0 ? c.getId() : c.getNames()[0].replaceFirst("^/", "");
            out.add(new Listed(c.getId(), name, c.getLabels() == null ? Map.of() : c.getLabels(), "running".equals(c.getState())));
        }
        return out;
    }

    /**
     * Copies the last {@code lines} lines of container {@code id}'s output (stdout and stderr, as
     * {@code docker logs}) to {@code sink}; with {@code follow}, then what it prints, until it stops, the
     * sink throws or the thread is interrupted.
     */
    public void logs(String id, int lines, boolean follow, io.gantry.scheduler.run.Driver.LineSink sink) throws java.io.IOException {
        java.util.concurrent.atomic.AtomicReference<java.io.IOException> failed = new java.util.concurrent.atomic.AtomicReference<>();
        StringBuilder partial = new StringBuilder();
        ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                partial.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                int nl;
                while ((nl = partial.indexOf("\n")) >= 0) {
                    String line = partial.substring(0, nl);
                    partial.delete(0, nl + 1);
                    try {
                        sink.line(line);
                    } catch (java.io.IOException e) {
                        failed.set(e);
                        try {
                            close();
                        } catch (java.io.IOException ignored) {
                            // closing
                        }
                        return;
                    }
                }
            }
        };
        try {
            docker.logContainerCmd(id).withStdOut(true).withStdErr(true).withTail(lines).withFollowStream(follow)
                    .exec(callback).awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (NotFoundException e) {
            throw new java.io.IOException("container " + shortId(id) + " is gone");
        } finally {
            callback.close();
        }
        if (partial.length() > 0 && failed.get() == null) {
            sink.line(partial.toString());
        }
    }

    private String create(DockerCommand.Run r, Map<String, String> labels) {
        Ports ports = new Ports();
        List<ExposedPort> exposed = new ArrayList<>();
        for (DockerCommand.Publish p : r.publish()) {
            ExposedPort port = p.protocol().equals("udp") ? ExposedPort.udp(p.containerPort()) : ExposedPort.tcp(p.containerPort());
            exposed.add(port);
            ports.bind(port, new Ports.Binding(p.hostIp().isEmpty() ? null : p.hostIp(),
                    p.hostPort() == 0 ? null : String.valueOf(p.hostPort())));
        }
        HostConfig hostConfig = HostConfig.newHostConfig()
                .withPortBindings(ports)
                .withAutoRemove(r.remove())
                .withBinds(r.volumes().stream().map(Bind::parse).toList());
        if (r.restart() != null) {
            hostConfig.withRestartPolicy(RestartPolicy.parse(r.restart()));
        }
        if (r.network() != null) {
            hostConfig.withNetworkMode(r.network());
        }
        Map<String, String> allLabels = new LinkedHashMap<>(r.labels());
        allLabels.putAll(labels);
        CreateContainerCmd create = docker.createContainerCmd(r.image())
                .withHostConfig(hostConfig)
                .withExposedPorts(exposed)
                .withEnv(r.env())
                .withLabels(allLabels);
        if (r.name() != null) {
            create.withName(r.name());
        }
        if (r.hostname() != null) {
            create.withHostName(r.hostname());
        }
        if (r.workdir() != null) {
            create.withWorkingDir(r.workdir());
        }
        if (r.user() != null) {
            create.withUser(r.user());
        }
        if (!r.command().isEmpty()) {
            create.withCmd(r.command());
        }
        return create.exec().getId();
    }

    private Result exec(DockerCommand.Exec e, Duration timeout, Consumer<String> output) throws InterruptedException {
        var create = docker.execCreateCmd(e.name()).withCmd(e.command().toArray(String[]::new))
                .withAttachStdout(!e.detach()).withAttachStderr(!e.detach());
        if (!e.env().isEmpty()) {
            create.withEnv(e.env());
        }
        if (e.user() != null) {
            create.withUser(e.user());
        }
        if (e.workdir() != null) {
            create.withWorkingDir(e.workdir());
        }
        String execId = create.exec().getId();
        if (e.detach()) {
            docker.execStartCmd(execId).withDetach(true).exec(new ResultCallback.Adapter<>()).awaitCompletion();
            return new Result(0, "started");
        }
        boolean done = docker.execStartCmd(execId).exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
                String text = new String(frame.getPayload(), StandardCharsets.UTF_8).stripTrailing();
                if (!text.isEmpty()) {
                    output.accept(text);
                }
            }
        }).awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!done) {
            return new Result(1, "still running after " + timeout.toSeconds() + " s");
        }
        Long code = docker.inspectExecCmd(execId).exec().getExitCodeLong();
        int status = code == null ? 1 : code.intValue();
        return new Result(status, "exited " + status);
    }

    private static Result each(List<String> names, Consumer<String> action) {
        names.forEach(action);
        return new Result(0, "done");
    }

    private static String message(DockerException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        m = m.replaceFirst("^Status \\d+: ", "").strip();
        if (m.startsWith("{\"message\":\"")) {
            m = m.substring(12, m.length() - (m.endsWith("\"}") ? 2 : 0));
        }
        return m;
    }

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    @Override
    public String toString() {
        return host.toString();
    }

    @Override
    public void close() {
        try {
            docker.close();
        } catch (Exception e) {
            // closing
        }
    }
}
