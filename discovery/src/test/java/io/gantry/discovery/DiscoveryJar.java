package io.gantry.discovery;

import io.gantry.testing.ChildProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts {@code discovery.jar} as users run it. */
final class DiscoveryJar {

    private DiscoveryJar() {
    }

    static ChildProcess start(Path logDir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(System.getProperty("gantry.discovery.jar", "target/discovery.jar"));
        cmd.addAll(List.of(args));
        return ChildProcess.start("discovery", cmd, logDir.resolve("discovery-" + System.nanoTime() + ".log"));
    }
}
