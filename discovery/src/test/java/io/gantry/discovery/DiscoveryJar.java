package io.gantry.discovery;

import io.gantry.testing.ChildProcess;
import java.nio.file.Path;
import java.util.List;

/** Starts {@code discovery.jar} as users run it. */
final class DiscoveryJar {

    private DiscoveryJar() {
    }

    static ChildProcess start(Path logDir, String... args) {
        return ChildProcess.jar("discovery", Path.of(System.getProperty("gantry.discovery.jar", "target/discovery.jar")), List.of(),
                List.of(args), logDir.resolve("discovery-" + System.nanoTime() + ".log"));
    }
}
