package io.gantry.e2e;

import io.gantry.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** proxy.jar and discovery.jar as users run them ({@code java -jar}), from where the reactor packaged them. */
final class GantryJars {

    private GantryJars() {
    }

    /** {@code java -jar proxy.jar ARGS}, its output in {@code logDir/proxy.log}. */
    static ChildProcess proxy(Path logDir, List<String> args) {
        return ChildProcess.jar("proxy", jar("gantry.proxy.jar", "proxy"), List.of(), args, logDir.resolve("proxy.log"));
    }

    /** {@code java -jar discovery.jar ARGS}, its output in {@code logDir/NAME.log}. */
    static ChildProcess discovery(Path logDir, String name, List<String> args) {
        return ChildProcess.jar(name, jar("gantry.discovery.jar", "discovery"), List.of(), args, logDir.resolve(name + ".log"));
    }

    private static Path jar(String property, String module) {
        Path jar = Path.of(System.getProperty(property, "../" + module + "/target/" + module + ".jar"));
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(jar.toAbsolutePath() + " is missing: package " + module + " first (mvn -pl e2e -am verify does)");
        }
        return jar;
    }
}
