package io.gantry.scheduler.unit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A unit as submitted: its name, its file's text and what that text says. {@link #parse} checks
 * everything that can be checked before the unit runs anywhere (sections, Exec lines, docker commands,
 * [X-Fleet] rules), so a bad line is an error at submit time, naming the line.
 */
public final class Unit {

    private static final String SERVICE = "Service";

    private final UnitName name;
    private final String text;
    private final UnitFile file;
    private final FleetRules rules;

    private Unit(UnitName name, String text, UnitFile file, FleetRules rules) {
        this.name = name;
        this.text = text;
        this.file = file;
        this.rules = rules;
    }

    /** Reads unit {@code name} from {@code text}, or throws a {@link UnitException} naming the bad line. */
    public static Unit parse(String name, String text) {
        UnitName unitName = UnitName.parse(name);
        UnitFile file = UnitFile.parse(name, text);
        FleetRules rules = FleetRules.read(name, file, new Specifiers(unitName, "", ""));
        Unit unit = new Unit(unitName, text, file, rules);
        unit.plan("machine", "host", Map.of(), false);
        return unit;
    }

    public UnitName name() {
        return name;
    }

    public String text() {
        return text;
    }

    public FleetRules rules() {
        return rules;
    }

    /** The first seven hex digits of the file's SHA-1, like fleetctl's HASH column. */
    public String hash() {
        return hash(text);
    }

    /** {@link #hash()} of a unit file's text, without reading it as a unit. */
    public static String hash(String text) {
        return fullHash(text).substring(0, 7);
    }

    /** The whole SHA-1 of a unit file's text, in hex (fleetctl's {@code --full} hash). */
    public static String fullHash(String text) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code Description=}, or the unit's name. */
    public String description() {
        UnitFile.Entry d = file.last("Unit", "Description");
        return d == null ? name.name() : new Specifiers(name, "", "").expand(d.value());
    }

    /** The instance {@code instance} of this template: same text, the instance's name. */
    public Unit instantiate(String instanceName) {
        return parse(instanceName, text);
    }

    /**
     * Expands the unit for machine {@code machineId}: specifiers, then {@code environment} (from the
     * agent), the EnvironmentFile variables (files that do not exist are skipped) and Environment=
     * settings, in that order, later ones winning.
     */
    public ServicePlan plan(String machineId, String hostname, Map<String, String> environment) {
        return plan(machineId, hostname, environment, true);
    }

    private ServicePlan plan(String machineId, String hostname, Map<String, String> base, boolean readFiles) {
        String where = name.name();
        Specifiers specifiers = new Specifiers(name, machineId, hostname);
        Map<String, String> env = new LinkedHashMap<>(base);
        for (UnitFile.Entry e : file.all(SERVICE, "EnvironmentFile")) {
            String path = specifiers.expand(e.value()).replaceFirst("^-", "");
            if (readFiles) {
                env.putAll(readEnvironmentFile(where, e.line(), Path.of(path)));
            }
        }
        for (UnitFile.Entry e : file.all(SERVICE, "Environment")) {
            for (String pair : ExecLine.parse(where, e.key(), e.line(), specifiers.expand(e.value())).rawWords()) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new UnitException(where + " line " + e.line() + ": Environment '" + pair + "' is not NAME=value");
                }
                env.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        List<Command> starts = commands(where, "ExecStart", specifiers, env);
        if (starts.size() != 1) {
            throw new UnitException(where + ": [Service] needs exactly one ExecStart, found " + starts.size());
        }
        Command start = starts.get(0);
        if (start.docker() != null && !(start.docker() instanceof io.gantry.scheduler.docker.DockerCommand.Run)) {
            throw new UnitException(where + " line " + start.line().line() + ": ExecStart runs docker " + start.words().get(1)
                    + "; a unit's main docker command must be docker run");
        }
        return new ServicePlan(name.name(), env, commands(where, "ExecStartPre", specifiers, env), start,
                commands(where, "ExecStartPost", specifiers, env), commands(where, "ExecStop", specifiers, env),
                commands(where, "ExecStopPost", specifiers, env));
    }

    private List<Command> commands(String where, String key, Specifiers specifiers, Map<String, String> env) {
        List<Command> out = new ArrayList<>();
        for (UnitFile.Entry e : file.all(SERVICE, key)) {
            ExecLine line = ExecLine.parse(where, key, e.line(), specifiers.expand(e.value()));
            List<String> words = line.words(env);
            if (words.isEmpty()) {
                throw new UnitException(where + " line " + e.line() + ": " + key + " is empty once its variables are expanded");
            }
            out.add(Command.of(where, line, words));
        }
        return out;
    }

    /** {@code NAME=value} lines; blank lines, comments and a leading {@code export} are fine; quotes are removed. */
    static Map<String, String> readEnvironmentFile(String where, int line, Path path) {
        Map<String, String> env = new LinkedHashMap<>();
        if (!Files.isReadable(path)) {
            return env;
        }
        try {
            for (String l : Files.readAllLines(path)) {
                String s = l.strip();
                if (s.isEmpty() || s.startsWith("#") || s.startsWith(";")) {
                    continue;
                }
                s = s.replaceFirst("^export\\s+", "");
                int eq = s.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String value = s.substring(eq + 1).strip();
                if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
                    value = value.substring(1, value.length() - 1);
                }
                env.put(s.substring(0, eq).strip(), value);
            }
        } catch (IOException e) {
            throw new UnitException(where + " line " + line + ": EnvironmentFile " + path + ": " + e.getMessage());
        }
        return env;
    }
}
