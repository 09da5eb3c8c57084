package io.gantry.benchmarks;

import io.gantry.testing.ChildProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A script of {@code benchmarks/load} run by a test, as a user runs it; what it prints goes to {@code dir/NAME.log}. */
final class LoadScript {

    private LoadScript() {
    }

    /** Starts {@code benchmarks/load/NAME ARGS}. */
    static ChildProcess run(String name, Path dir, String... args) {
        Path script = Path.of("").toAbsolutePath().getParent().resolve("benchmarks/load").resolve(name);
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        return ChildProcess.start(name, command, dir.resolve(name + ".log"));
    }
}
