package io.gantry.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real Docker engine through the {@code docker} CLI, with the {@code nginx} image built by
 * {@code bin/nginx-image}. Containers the test runs through {@link #run} are removed after the class.
 */
public final class DockerExtension implements BeforeAllCallback, AfterAllCallback {

    private final List<String> containers = new ArrayList<>();

    @Override
    public void beforeAll(ExtensionContext context) {
        Result info = docker("info", "--format", "{{.ServerVersion}}");
        if (info.status != 0) {
            throw new AssertionError("the Docker engine is not reachable (bin/test starts dockerd): " + info.output);
        }
        Result image = exec(List.of(projectRoot().resolve("bin/nginx-image").toString()));
        if (image.status != 0) {
            throw new AssertionError("bin/nginx-image failed: " + image.output);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        for (String c : containers) {
            docker("rm", "-f", c);
        }
    }

    /** The repository's top directory (where bin/ is), from -Dgantry.root or the working directory up. */
    public static Path projectRoot() {
        String root = System.getProperty("gantry.root");
        Path p = root != null ? Path.of(root) : Path.of("").toAbsolutePath();
        while (p != null && !p.resolve("bin/nginx-image").toFile().exists()) {
            p = p.getParent();
        }
        if (p == null) {
            throw new AssertionError("cannot find bin/nginx-image above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** {@code docker run -d ARGS...}; returns the container id; the container is removed after the class. */
    public String run(String... args) {
        List<String> cmd = new ArrayList<>(List.of("run", "-d"));
        cmd.addAll(List.of(args));
        Result r = docker(cmd.toArray(String[]::new));
        if (r.status != 0) {
            throw new AssertionError("docker " + String.join(" ", cmd) + " failed: " + r.output);
        }
        String id = r.output.strip();
        containers.add(id);
        return id;
    }

    /** Runs {@code docker ARGS...}, failing the test if it fails; returns its output. */
    public String call(String... args) {
        Result r = docker(args);
        if (r.status != 0) {
            throw new AssertionError("docker " + String.join(" ", args) + " failed: " + r.output);
        }
        return r.output.strip();
    }

    /** The host port that container port {@code port}/tcp is published on. */
    public int publishedPort(String container, int port) {
        String mapping = call("port", container, port + "/tcp").lines().findFirst().orElseThrow();
        return Integer.parseInt(mapping.substring(mapping.lastIndexOf(':') + 1));
    }

    private record Result(int status, String output) {
    }

    private static Result docker(String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        return exec(cmd);
    }

    private static Result exec(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out: " + out);
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
