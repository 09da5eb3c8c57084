package io.gantry.scheduler;

import io.gantry.testing.ChildProcess;
import java.nio.file.Path;
import java.util.List;

/** Starts {@code scheduler.jar} as users run it. */
final class SchedulerJar {

    private SchedulerJar() {
    }

    static ChildProcess start(Path dir, String name, String... args) {
        return ChildProcess.jar(name, Path.of(System.getProperty("gantry.scheduler.jar", "target/scheduler.jar")), List.of("-Xmx128m"),
                List.of(args), dir.resolve(name + "-" + System.nanoTime() + ".log"));
    }
}
