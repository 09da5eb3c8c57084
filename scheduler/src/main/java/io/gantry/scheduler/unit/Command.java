package io.gantry.scheduler.unit;

import io.gantry.scheduler.docker.DockerCommand;
import java.util.List;

/**
 * One command of a unit, ready to run: the line it came from, its words with variables expanded, and
 * when it is a {@code docker} command, what it asks of the Docker engine (null for any other program).
 */
public record Command(ExecLine line, List<String> words, DockerCommand docker) {

    public Command {
        words = List.copyOf(words);
    }

    static Command of(String where, ExecLine line, List<String> words) {
        DockerCommand docker = null;
        if (DockerCommand.isDocker(words.get(0))) {
            try {
                docker = DockerCommand.parse(words);
            } catch (IllegalArgumentException e) {
                throw new UnitException(where + " line " + line.line() + ": " + line.key() + ": " + e.getMessage());
            }
        } else if (!words.get(0).startsWith("/")) {
            throw new UnitException(where + " line " + line.line() + ": " + line.key() + ": '" + words.get(0)
                    + "' is not an absolute path (systemd needs one)");
        }
        return new Command(line, words, docker);
    }

    /** True when failing is fine ({@code -} prefix). */
    public boolean ignoreFailure() {
        return line.ignoreFailure();
    }

    @Override
    public String toString() {
        return line.key() + "=" + (ignoreFailure() ? "-" : "") + String.join(" ", words);
    }
}
