package io.gantry.scheduler.docker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code docker} command line from a unit, understood: what the Docker CLI would ask of the engine.
 * Supported: {@code run}, {@code kill}, {@code rm}, {@code stop}, {@code exec} and {@code pull}, with
 * the flags units commonly use; anything else is an error naming the word, so it surfaces at submit.
 */
public sealed interface DockerCommand {

    /** {@code docker run}. A published port is {@code [ip:][hostPort:]containerPort[/proto]}. */
    record Run(String name, String hostname, List<Publish> publish, List<String> env, List<String> volumes,
               boolean remove, boolean detach, String restart, Map<String, String> labels, String network,
               String workdir, String user, String image, List<String> command) implements DockerCommand {
    }

    /** {@code docker kill [-s SIGNAL] NAME...} */
    record Kill(String signal, List<String> names) implements DockerCommand {
    }

    /** {@code docker rm [-f] [-v] NAME...} */
    record Remove(boolean force, boolean volumes, List<String> names) implements DockerCommand {
    }

    /** {@code docker stop [-t SECONDS] NAME...} */
    record Stop(Integer timeoutSeconds, List<String> names) implements DockerCommand {
    }

    /** {@code docker exec [-e K=V] [-u USER] [-w DIR] [-d] NAME COMMAND...} */
    record Exec(String name, List<String> env, String user, String workdir, boolean detach, List<String> command)
            implements DockerCommand {
    }

    /** {@code docker pull IMAGE} */
    record Pull(String image) implements DockerCommand {
    }

    /** One {@code -p}: the host address ("" for all), host port (0 for any) and container port. */
    record Publish(String hostIp, int hostPort, int containerPort, String protocol) {

        static Publish parse(String spec) {
            String proto = "tcp";
            String s = spec;
            int slash = s.indexOf('/');
            if (slash >= 0) {
                proto = s.substring(slash + 1);
                s = s.substring(0, slash);
                if (!proto.equals("tcp") && !proto.equals("udp")) {
                    throw new IllegalArgumentException("-p " + spec + ": protocol must be tcp or udp");
                }
            }
            String[] parts = s.split(":", -1);
            try {
                return switch (parts.length) {
                    case 1 -> new Publish("", 0, port(parts[0], false), proto);
                    case 2 -> new Publish("", port(parts[0], true), port(parts[1], false), proto);
                    case 3 -> new Publish(parts[0], port(parts[1], true), port(parts[2], false), proto);
                    default -> throw new IllegalArgumentException("too many ':'");
                };
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("-p " + spec + " is not [ip:][hostPort:]containerPort[/tcp|udp] (" + e.getMessage() + ")");
            }
        }

        private static int port(String text, boolean emptyIsAny) {
            if (text.isEmpty() && emptyIsAny) {
                return 0;
            }
            int p = Integer.parseInt(text);
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("port " + p + " out of range");
            }
            return p;
        }
    }

    /** True for {@code docker} or a path ending in {@code /docker}. */
    static boolean isDocker(String program) {
        return program.equals("docker") || program.endsWith("/docker");
    }

    /** Understands {@code words} (the first being docker), or says which word it cannot. */
    static DockerCommand parse(List<String> words) {
        if (words.size() < 2) {
            throw new IllegalArgumentException("docker needs a command");
        }
        String sub = words.get(1);
        DockerArgs a = new DockerArgs("docker " + sub, words.subList(2, words.size()));
        return switch (sub) {
            case "run" -> {
                a.flags(Set.of("--name", "-h", "--hostname", "-p", "--publish", "-e", "--env", "-v", "--volume", "--restart",
                        "-l", "--label", "--network", "--net", "-w", "--workdir", "-u", "--user"),
                        Set.of("--rm", "-d", "--detach", "-i", "--interactive", "-t", "--tty"), true);
                Map<String, String> labels = new LinkedHashMap<>();
                for (String l : a.all("-l", "--label")) {
                    int eq = l.indexOf('=');
                    labels.put(eq < 0 ? l : l.substring(0, eq), eq < 0 ? "" : l.substring(eq + 1));
                }
                List<Publish> publish = new ArrayList<>();
                for (String p : a.all("-p", "--publish")) {
                    publish.add(Publish.parse(p));
                }
                String restart = a.one("--restart");
                if (restart != null && !restart.matches("no|always|unless-stopped|on-failure(:\\d+)?")) {
                    throw new IllegalArgumentException("docker run --restart " + restart
                            + " is not no, always, unless-stopped or on-failure[:N]");
                }
                List<String> rest = a.operands();
                if (rest.isEmpty()) {
                    throw new IllegalArgumentException("docker run needs an image");
                }
                yield new Run(a.one("--name"), a.one("-h", "--hostname"), publish, a.all("-e", "--env"), a.all("-v", "--volume"),
                        a.has("--rm"), a.has("-d", "--detach"), restart, labels, a.one("--network", "--net"),
                        a.one("-w", "--workdir"), a.one("-u", "--user"), rest.get(0), rest.subList(1, rest.size()));
            }
            case "kill" -> {
                a.flags(Set.of("-s", "--signal"), Set.of(), false);
                yield new Kill(a.one("-s", "--signal"), a.names());
            }
            case "rm" -> {
                a.flags(Set.of(), Set.of("-f", "--force", "-v", "--volumes"), false);
                yield new Remove(a.has("-f", "--force"), a.has("-v", "--volumes"), a.names());
            }
            case "stop" -> {
                a.flags(Set.of("-t", "--time", "--timeout"), Set.of(), false);
                String t = a.one("-t", "--time", "--timeout");
                try {
                    yield new Stop(t == null ? null : Integer.valueOf(t), a.names());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("docker stop -t " + t + " is not a number of seconds");
                }
            }
            case "exec" -> {
                a.flags(Set.of("-e", "--env", "-u", "--user", "-w", "--workdir"),
                        Set.of("-d", "--detach", "-i", "--interactive", "-t", "--tty"), true);
                List<String> rest = a.operands();
                if (rest.size() < 2) {
                    throw new IllegalArgumentException("docker exec needs a container and a command");
                }
                yield new Exec(rest.get(0), a.all("-e", "--env"), a.one("-u", "--user"), a.one("-w", "--workdir"),
                        a.has("-d", "--detach"), rest.subList(1, rest.size()));
            }
            case "pull" -> {
                a.flags(Set.of(), Set.of("-q", "--quiet"), false);
                List<String> rest = a.operands();
                if (rest.size() != 1) {
                    throw new IllegalArgumentException("docker pull needs exactly one image");
                }
                yield new Pull(rest.get(0));
            }
            default -> throw new IllegalArgumentException("docker " + sub
                    + " is not supported (run, kill, rm, stop, exec and pull are)");
        };
    }
}
