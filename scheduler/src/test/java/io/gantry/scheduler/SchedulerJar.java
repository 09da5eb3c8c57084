package io.gantry.scheduler;

import io.gantry.testing.ChildProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts {@code scheduler.jar} as users run it. */
final class SchedulerJar {

    private SchedulerJar() {
    }

    static ChildProcess start(Path dir, String name, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx128m");
        cmd.add("-jar");
        cmd.add(Path.of(System.getProperty("gantry.scheduler.jar", "target/scheduler.jar")).toAbsolutePath().toString());
        cmd.addAll(List.of(args));
        return ChildProcess.start(name, cmd, dir.resolve(name + "-" + System.nanoTime() + ".log"));
    }
}
